// Splits Gren source into the tokens the docs parser needs. Ordinary comments are
// dropped, but doc comments are kept, and strings, chars and comments are read
// whole, so text inside them that looks like a declaration never starts one.
// It reads every input to its end, however malformed: an unclosed string or
// comment runs to the end of the source and is reported, never thrown.

export type TokenKind =
  /** `foo`, and keywords such as `type` or `exposing`. */
  | "lower"
  /** `Foo`, or a qualified `Json.Decode.Value`. */
  | "upper"
  /** A run of operator characters: `->`, `=`, `:`, `|`, `..`, `++`. */
  | "operator"
  /** One of `( ) { } [ ] ,`. */
  | "punctuation"
  /** `{-| ... -}`, its text being what lies between the braces' markers. */
  | "doc"
  | "string"
  | "char"
  | "number"
  /** Anything else, one character at a time: `\`, a stray quote mark, a tab. */
  | "other";

export interface Token {
  kind: TokenKind;
  text: string;
  /** 1-based. */
  line: number;
  /** Whether it starts in the first column: only there can a declaration start. */
  lineStart: boolean;
}

export interface LexProblem {
  line: number;
  message: string;
}

export interface Lexed {
  tokens: Token[];
  problems: LexProblem[];
}

const OPERATOR_CHARS = new Set("+-/*=.<>:&|^?%!");
const PUNCTUATION = new Set("(){}[],");
const IDENTIFIER_TAIL = /[\p{L}\p{N}_]/u;
const LETTER = /\p{L}/u;
const UPPER = /\p{Lu}/u;

const NEWLINE = 10;
const BACKSLASH = 92;

const isAsciiLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

function isIdentifierTail(source: string, at: number): boolean {
  const c = source.charCodeAt(at);
  if (isAsciiLetter(c) || isDigit(c) || c === 95) return true;
  return c >= 128 && IDENTIFIER_TAIL.test(String.fromCodePoint(source.codePointAt(at) ?? 0));
}

function isLetterAt(source: string, at: number): boolean {
  const c = source.charCodeAt(at);
  if (isAsciiLetter(c)) return true;
  return c >= 128 && LETTER.test(String.fromCodePoint(source.codePointAt(at) ?? 0));
}

function isUpperAt(source: string, at: number): boolean {
  const c = source.charCodeAt(at);
  if (c < 128) return c >= 65 && c <= 90;
  return UPPER.test(String.fromCodePoint(source.codePointAt(at) ?? 0));
}

function endOfIdentifier(source: string, from: number): number {
  let end = from + codePointWidth(source, from);
  while (end < source.length && isIdentifierTail(source, end)) end += codePointWidth(source, end);
  return end;
}

/** Steps over a whole code point, so an astral character is never split. */
function codePointWidth(source: string, at: number): number {
  const c = source.charCodeAt(at);
  return c >= 0xd800 && c <= 0xdbff && at + 1 < source.length ? 2 : 1;
}

export function lex(source: string): Lexed {
  const tokens: Token[] = [];
  const problems: LexProblem[] = [];
  const length = source.length;
  // A byte order mark is not part of the text, and must not hide the header.
  let at = source.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let lineStart = true;

  const countLines = (from: number, to: number): void => {
    for (let i = from; i < to; i++) if (source.charCodeAt(i) === NEWLINE) line++;
  };
  const push = (kind: TokenKind, text: string, startLine: number): void => {
    tokens.push({ kind, text, line: startLine, lineStart });
    lineStart = false;
  };

  while (at < length) {
    const c = source.charCodeAt(at);
    const next = source.charCodeAt(at + 1);

    if (c === NEWLINE) {
      line++;
      at++;
      lineStart = true;
      continue;
    }
    if (c === 32 || c === 13 || c === 9 || c === 12) {
      // Indentation makes a line a continuation, so the line no longer starts here.
      lineStart = false;
      at++;
      continue;
    }

    // -- line comment
    if (c === 45 && next === 45) {
      const end = source.indexOf("\n", at);
      at = end === -1 ? length : end;
      continue;
    }

    // {- block comment -} and {-| doc comment -}, which nest
    if (c === 123 && next === 45) {
      const startLine = line;
      const isDoc = source.charCodeAt(at + 2) === 124;
      const contentStart = at + (isDoc ? 3 : 2);
      const end = endOfBlockComment(source, contentStart);
      countLines(at, end.after);
      if (!end.closed) {
        problems.push({ line: startLine, message: "A comment opened here is never closed." });
      }
      // Without carriage returns, as the compiler writes doc comments into docs.json.
      if (isDoc)
        push("doc", source.slice(contentStart, end.contentEnd).replaceAll("\r", ""), startLine);
      else lineStart = false;
      at = end.after;
      continue;
    }

    if (c === 34) {
      const startLine = line;
      const triple = source.startsWith('"""', at);
      const end = triple ? endOfTripleString(source, at + 3) : endOfLineLiteral(source, at + 1, 34);
      countLines(at, end.after);
      if (!end.closed) {
        problems.push({ line: startLine, message: "A string opened here is never closed." });
      }
      push("string", source.slice(at, end.after), startLine);
      at = end.after;
      continue;
    }

    if (c === 39) {
      const end = endOfLineLiteral(source, at + 1, 39);
      if (!end.closed) {
        problems.push({ line, message: "A character literal opened here is never closed." });
      }
      push("char", source.slice(at, end.after), line);
      at = end.after;
      continue;
    }

    if (isLetterAt(source, at)) {
      let end = endOfIdentifier(source, at);
      let kind: TokenKind = isUpperAt(source, at) ? "upper" : "lower";
      // `Json.Decode.Value` is one name, and so is `Json.Decode.string`, which names a value.
      while (kind === "upper" && source.charCodeAt(end) === 46 && isLetterAt(source, end + 1)) {
        if (!isUpperAt(source, end + 1)) kind = "lower";
        end = endOfIdentifier(source, end + 1);
      }
      push(kind, source.slice(at, end), line);
      at = end;
      continue;
    }

    if (isDigit(c)) {
      let end = at + 1;
      while (end < length) {
        const d = source.charCodeAt(end);
        const isExponentSign =
          (d === 43 || d === 45) &&
          (source.charCodeAt(end - 1) | 32) === 101 &&
          isDigit(source.charCodeAt(end + 1)) &&
          !source.startsWith("0x", at);
        if (
          isAsciiLetter(d) ||
          isDigit(d) ||
          d === 95 ||
          (d === 46 && isDigit(source.charCodeAt(end + 1))) ||
          isExponentSign
        ) {
          end++;
        } else break;
      }
      push("number", source.slice(at, end), line);
      at = end;
      continue;
    }

    const char = source[at] ?? "";
    if (OPERATOR_CHARS.has(char)) {
      let end = at + 1;
      while (end < length && OPERATOR_CHARS.has(source[end] ?? "")) end++;
      push("operator", source.slice(at, end), line);
      at = end;
      continue;
    }
    if (PUNCTUATION.has(char)) {
      push("punctuation", char, line);
      at++;
      continue;
    }

    const width = codePointWidth(source, at);
    push("other", source.slice(at, at + width), line);
    at += width;
  }

  return { tokens, problems };
}

interface End {
  /** Where the literal or comment's own text stops. */
  contentEnd: number;
  /** Where reading resumes. */
  after: number;
  closed: boolean;
}

function endOfBlockComment(source: string, from: number): End {
  let depth = 1;
  let at = from;
  while (at < source.length) {
    const c = source.charCodeAt(at);
    if (c === 45 && source.charCodeAt(at + 1) === 125) {
      depth--;
      if (depth === 0) return { contentEnd: at, after: at + 2, closed: true };
      at += 2;
    } else if (c === 123 && source.charCodeAt(at + 1) === 45) {
      depth++;
      at += 2;
    } else {
      at++;
    }
  }
  return { contentEnd: source.length, after: source.length, closed: false };
}

function endOfTripleString(source: string, from: number): End {
  let at = from;
  while (at < source.length) {
    const c = source.charCodeAt(at);
    if (c === BACKSLASH) at += 2;
    else if (c === 34 && source.startsWith('"""', at)) {
      return { contentEnd: at, after: at + 3, closed: true };
    } else at++;
  }
  return { contentEnd: source.length, after: source.length, closed: false };
}

/** A one-line `"string"` or `'c'`: an unclosed one stops at the end of its line. */
function endOfLineLiteral(source: string, from: number, quote: number): End {
  let at = from;
  while (at < source.length) {
    const c = source.charCodeAt(at);
    if (c === NEWLINE) break;
    if (c === BACKSLASH && source.charCodeAt(at + 1) !== NEWLINE) at += 2;
    else if (c === quote) return { contentEnd: at, after: at + 1, closed: true };
    else at++;
  }
  const stop = Math.min(at, source.length);
  return { contentEnd: stop, after: stop, closed: false };
}

/** Gren's reserved words: none of them names a value or a type variable. */
const KEYWORDS = new Set([
  "if",
  "then",
  "else",
  "when",
  "is",
  "let",
  "in",
  "type",
  "alias",
  "module",
  "where",
  "import",
  "exposing",
  "as",
  "port",
  "infix",
  "effect",
]);

export const isKeyword = (word: string): boolean => KEYWORDS.has(word);
