// Type annotations, read from tokens and printed back in one canonical layout,
// so that two versions of a package compare equal however their sources wrap,
// indent or comment a type.

import { isKeyword, type Token } from "./lexer.ts";

export type TypeNode =
  | { kind: "variable"; name: string }
  /** A named type, possibly qualified (`Dict.Dict`), applied to its arguments. */
  | { kind: "named"; name: string; args: TypeNode[] }
  | { kind: "function"; from: TypeNode; to: TypeNode }
  | { kind: "record"; extending?: string; fields: RecordField[] }
  /** `()`: not Gren, but read rather than rejected. */
  | { kind: "unit" }
  /** Tokens that do not read as a type, kept as written so that they still show and compare. */
  | { kind: "unreadable"; text: string };

export interface RecordField {
  name: string;
  type: TypeNode;
}

// Deeper nesting than this only comes from hostile input; refusing it keeps the
// recursion far from the stack's limit.
const MAX_DEPTH = 200;

/** Reads declarations and types from a slice of tokens; `at` only moves forward. */
export class TokenReader {
  at: number;
  readonly tokens: readonly Token[];
  readonly end: number;
  private depth = 0;

  constructor(tokens: readonly Token[], start: number, end: number) {
    this.tokens = tokens;
    this.at = start;
    this.end = end;
  }

  peek(offset = 0): Token | undefined {
    const index = this.at + offset;
    return index < this.end ? this.tokens[index] : undefined;
  }

  isAt(kind: Token["kind"], text?: string): boolean {
    const token = this.peek();
    return (
      token !== undefined && token.kind === kind && (text === undefined || token.text === text)
    );
  }

  take(kind: Token["kind"], text?: string): Token | undefined {
    if (!this.isAt(kind, text)) return undefined;
    const token = this.peek();
    this.at++;
    return token;
  }

  get done(): boolean {
    return this.at >= this.end;
  }

  /** `a -> b`, `Maybe a`, `{ x : Int }`... */
  type(): TypeNode | undefined {
    if (++this.depth > MAX_DEPTH) return undefined;
    try {
      const from = this.application();
      if (from === undefined) return undefined;
      if (!this.take("operator", "->")) return from;
      const to = this.type();
      return to === undefined ? undefined : { kind: "function", from, to };
    } finally {
      this.depth--;
    }
  }

  /** A type that may take arguments here: `Dict k v`, or a lone term. */
  private application(): TypeNode | undefined {
    const name = this.take("upper");
    if (name === undefined) return this.term();
    const args: TypeNode[] = [];
    while (this.startsTerm()) {
      const arg = this.term();
      if (arg === undefined) return undefined;
      args.push(arg);
    }
    return { kind: "named", name: name.text, args };
  }

  startsTerm(): boolean {
    const token = this.peek();
    if (token === undefined) return false;
    if (token.kind === "upper" || token.kind === "lower") return !isKeyword(token.text);
    return token.kind === "punctuation" && (token.text === "(" || token.text === "{");
  }

  /** A type that needs no parentheses as an argument. */
  term(): TypeNode | undefined {
    if (++this.depth > MAX_DEPTH) return undefined;
    try {
      const token = this.peek();
      if (token === undefined) return undefined;
      if (token.kind === "upper") {
        this.at++;
        return { kind: "named", name: token.text, args: [] };
      }
      if (token.kind === "lower" && !isKeyword(token.text) && !token.text.includes(".")) {
        this.at++;
        return { kind: "variable", name: token.text };
      }
      if (this.take("punctuation", "(")) {
        if (this.take("punctuation", ")")) return { kind: "unit" };
        const inner = this.type();
        return inner !== undefined && this.take("punctuation", ")") ? inner : undefined;
      }
      if (this.take("punctuation", "{")) return this.record();
      return undefined;
    } finally {
      this.depth--;
    }
  }

  private record(): TypeNode | undefined {
    if (this.take("punctuation", "}")) return { kind: "record", fields: [] };
    let extending: string | undefined;
    if (this.peek()?.kind === "lower" && this.peek(1)?.text === "|") {
      extending = this.peek()?.text;
      this.at += 2;
    }
    const fields: RecordField[] = [];
    for (;;) {
      const name = this.take("lower");
      if (name === undefined || !this.take("operator", ":")) return undefined;
      const type = this.type();
      if (type === undefined) return undefined;
      fields.push({ name: name.text, type });
      if (this.take("punctuation", "}")) break;
      if (!this.take("punctuation", ",")) return undefined;
    }
    return extending === undefined
      ? { kind: "record", fields }
      : { kind: "record", extending, fields };
  }
}

/** Whether a type would need parentheses where it is written. */
type Place = "top" | "functionArgument" | "typeArgument";

/**
 * Prints a type the way `gren format` lays one out on a single line: one space
 * around `->` and `:`, `{ a | x : Int }`, parentheses only where needed.
 */
export function formatType(type: TypeNode, place: Place = "top"): string {
  switch (type.kind) {
    case "variable":
      return type.name;
    case "unit":
      return "()";
    case "unreadable":
      return type.text;
    case "named": {
      if (type.args.length === 0) return type.name;
      const text = [type.name, ...type.args.map((arg) => formatType(arg, "typeArgument"))].join(
        " ",
      );
      return place === "typeArgument" ? `(${text})` : text;
    }
    case "function": {
      const text = `${formatType(type.from, "functionArgument")} -> ${formatType(type.to)}`;
      return place === "top" ? text : `(${text})`;
    }
    case "record": {
      if (type.fields.length === 0 && type.extending === undefined) return "{}";
      const fields = type.fields
        .map((field) => `${field.name} : ${formatType(field.type)}`)
        .join(", ");
      return type.extending === undefined ? `{ ${fields} }` : `{ ${type.extending} | ${fields} }`;
    }
  }
}

/**
 * Tokens joined back into text when they do not read as a type, spaced the way
 * a person would write them, so that such a type still shows and still compares.
 */
export function joinTokens(tokens: readonly Token[], start: number, end: number): string {
  let text = "";
  let previous: Token | undefined;
  for (let index = start; index < end; index++) {
    const token = tokens[index];
    if (token === undefined) break;
    const glued =
      previous === undefined ||
      previous.text === "(" ||
      previous.text === "[" ||
      token.text === ")" ||
      token.text === "]" ||
      token.text === ",";
    text += glued ? token.text : ` ${token.text}`;
    previous = token;
  }
  return text;
}
