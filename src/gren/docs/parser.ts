// Reads a module's source into its header, imports and top-level declarations.
// It reads only the module header and the top-level declarations' heads, never
// expressions, so it is small and fast; and it never throws, whatever it is
// given: what it cannot read it reports.

import { checkDocumentation } from "./checks.ts";
import { applyExposing } from "./exposure.ts";
import { isKeyword, lex, type Token } from "./lexer.ts";
import {
  type Constructor,
  type Declaration,
  type DeclarationBase,
  type ExposedItem,
  type Exposing,
  type Import,
  keyOf,
  type ModuleHeader,
  type ModuleKind,
  type ParsedModule,
  type Problem,
  type UnionDeclaration,
  type ValueDeclaration,
} from "./module.ts";
import { readOverview } from "./overview.ts";
import { capped, clip } from "./problems.ts";
import { joinTokens, TokenReader, type TypeNode } from "./types.ts";

/** Everything a module's source declares, and what is wrong with it. Never throws. */
export function parseModule(source: string): ParsedModule {
  try {
    return new ModuleReader(source).read();
  } catch (error) {
    // Only a bug here could land in this branch; an upload must still get an
    // answer rather than take down the request that reads it.
    return {
      groups: [],
      imports: [],
      declarations: [],
      problems: [{ line: 1, message: `The module could not be read: ${String(error)}` }],
    };
  }
}

type Base = Pick<DeclarationBase, "line" | "exposed" | "comment">;

class ModuleReader {
  private readonly tokens: Token[];
  private readonly problems: Problem[];
  private readonly declarations: Declaration[] = [];
  private readonly values = new Map<string, ValueDeclaration>();
  /** Values whose definition, not only annotation, has been read. */
  private readonly defined = new Set<string>();
  /** Declarations by `keyOf`, to find what the exposing list names. */
  private readonly byKey = new Map<string, Declaration>();
  private readonly imports: Import[] = [];
  /** A doc comment waiting for the declaration after it. */
  private pendingComment: string | undefined;
  /** Where problems with the module as a whole are reported. */
  private headerLine = 1;

  constructor(source: string) {
    const lexed = lex(source);
    this.tokens = lexed.tokens;
    this.problems = lexed.problems;
  }

  read(): ParsedModule {
    const { header, next } = this.readHeader();
    let start = next;
    let comment: string | undefined;
    const first = this.tokens[start];
    if (header !== undefined && first?.kind === "doc") {
      comment = first.text;
      start++;
    }

    for (const [chunkStart, chunkEnd] of this.chunks(start)) this.readChunk(chunkStart, chunkEnd);

    const overview = readOverview(comment ?? "");
    const commentLine = first?.line ?? 1;
    for (const line of overview.unreadable) {
      this.problems.push({
        line: commentLine + line - 1,
        message: "An @docs line lists something that is not a name, like `map`, `Maybe` or `(++)`.",
      });
    }
    if (header === undefined) {
      for (const declaration of this.declarations) declaration.exposed = true;
      for (const declaration of this.declarations) {
        if (declaration.kind === "union") declaration.constructorsExposed = true;
      }
    } else {
      applyExposing(this.declarations, header.exposing, (message) =>
        this.problem(this.headerLine, message),
      );
      checkDocumentation(
        {
          header,
          headerLine: this.headerLine,
          comment,
          groups: overview.groups,
          declarations: this.declarations,
        },
        (problem) => this.problems.push(problem),
      );
    }

    return {
      ...(header === undefined ? {} : { header }),
      ...(comment === undefined ? {} : { comment }),
      groups: overview.groups,
      imports: this.imports,
      declarations: this.declarations,
      problems: capped(
        this.problems.sort((a, b) => a.line - b.line),
        (message, last) => ({ line: last.line, message }),
      ),
    };
  }

  private problem(line: number, message: string): void {
    this.problems.push({ line, message });
  }

  // ------------------------------------------------------------ header

  private readHeader(): { header?: ModuleHeader; next: number } {
    const reader = new TokenReader(this.tokens, 0, this.tokens.length);
    const line = reader.peek()?.line ?? 1;
    this.headerLine = line;
    const kind: ModuleKind = reader.take("lower", "port")
      ? "port"
      : reader.take("lower", "effect")
        ? "effect"
        : "module";
    if (!reader.take("lower", "module")) {
      this.problem(
        line,
        "The source does not start with a module header like `module Name exposing (..)`.",
      );
      return { next: 0 };
    }
    const name = reader.take("upper");
    if (name === undefined) {
      this.problem(line, "The module header does not name the module.");
      return { next: this.nextChunkStart(reader.at) };
    }

    let effects: ModuleHeader["effects"];
    if (kind === "effect") {
      effects = this.readEffects(reader);
      if (effects === undefined) {
        this.problem(
          line,
          "The effect module's header has no `where { command = ... }` it can read.",
        );
      }
    }

    const exposing = reader.take("lower", "exposing") ? this.readExposing(reader) : undefined;
    if (exposing === undefined) {
      this.problem(line, "The module header has no `exposing (...)` list it can read.");
    }
    const header: ModuleHeader = {
      kind,
      name: name.text,
      exposing: exposing ?? { kind: "explicit", items: [] },
      ...(effects === undefined ? {} : { effects }),
    };
    return { header, next: exposing === undefined ? this.nextChunkStart(reader.at) : reader.at };
  }

  private readEffects(reader: TokenReader): ModuleHeader["effects"] {
    if (!reader.take("lower", "where") || !reader.take("punctuation", "{")) return undefined;
    const effects: NonNullable<ModuleHeader["effects"]> = {};
    for (;;) {
      const key = reader.take("lower");
      if (key === undefined || !reader.take("operator", "=")) return undefined;
      const value = reader.take("upper");
      if (value === undefined) return undefined;
      if (key.text === "command" || key.text === "subscription") effects[key.text] = value.text;
      if (reader.take("punctuation", "}")) return effects;
      if (!reader.take("punctuation", ",")) return undefined;
    }
  }

  /** `(..)` or `(a, B, C(..), (++))`, read as far as it can be. */
  private readExposing(reader: TokenReader): Exposing | undefined {
    const open = reader.take("punctuation", "(");
    if (open === undefined) return undefined;
    if (reader.isAt("operator", "..") && reader.peek(1)?.text === ")") {
      reader.at += 2;
      return { kind: "everything" };
    }
    const items: ExposedItem[] = [];
    for (;;) {
      const token = reader.peek();
      if (token === undefined || this.endsExposing(reader)) {
        this.problem(open.line, "An exposing list is never closed with `)`.");
        break;
      }
      if (reader.take("punctuation", ")")) break;
      if (reader.take("punctuation", ",")) continue;
      reader.at++;
      if (token.kind === "lower" && !token.text.includes(".")) {
        items.push({ kind: "value", name: token.text });
      } else if (token.kind === "upper" && !token.text.includes(".")) {
        const opened =
          reader.isAt("punctuation", "(") &&
          reader.peek(1)?.text === ".." &&
          reader.peek(2)?.text === ")";
        if (opened) reader.at += 3;
        items.push({ kind: "type", name: token.text, constructors: opened });
      } else if (
        token.text === "(" &&
        reader.peek()?.kind === "operator" &&
        reader.peek(1)?.text === ")"
      ) {
        items.push({ kind: "operator", name: reader.peek()?.text ?? "" });
        reader.at += 2;
      } else {
        this.problem(
          token.line,
          `An exposing list has \`${clip(token.text)}\` where a name should be.`,
        );
      }
    }
    return { kind: "explicit", items };
  }

  /**
   * Whether an unclosed exposing list has run into what follows it: a doc
   * comment, or a line starting with a name that is not one of its items.
   */
  private endsExposing(reader: TokenReader): boolean {
    const token = reader.peek();
    if (token === undefined || token.kind === "doc") return true;
    if (!token.lineStart || token.kind !== "lower") return false;
    const after = reader.peek(1)?.text;
    return after !== "," && after !== ")";
  }

  // ------------------------------------------------------------ chunks

  private nextChunkStart(from: number): number {
    for (let index = Math.max(from, 1); index < this.tokens.length; index++) {
      if (this.startsChunk(index)) return index;
    }
    return this.tokens.length;
  }

  private startsChunk(index: number): boolean {
    const token = this.tokens[index];
    if (token === undefined) return false;
    if (token.kind === "doc" || this.tokens[index - 1]?.kind === "doc") return true;
    return token.lineStart && token.kind === "lower";
  }

  /** Top-level pieces: a declaration starts at a name in the first column, a doc comment stands alone. */
  private *chunks(from: number): Generator<[number, number]> {
    let start = from;
    for (let index = from + 1; index <= this.tokens.length; index++) {
      if (index === this.tokens.length || this.startsChunk(index)) {
        if (start < index) yield [start, index];
        start = index;
      }
    }
  }

  private readChunk(start: number, end: number): void {
    const reader = new TokenReader(this.tokens, start, end);
    const first = reader.peek();
    if (first === undefined) return;
    if (first.kind === "doc") {
      // A doc comment followed by another, or by nothing it can document, documents nothing.
      if (this.pendingComment !== undefined) {
        this.problem(
          first.line,
          "A doc comment comes right after another one, so the first documents nothing.",
        );
      }
      this.pendingComment = first.text;
      return;
    }
    const comment = this.pendingComment;
    this.pendingComment = undefined;
    const base = {
      line: first.line,
      exposed: false,
      ...(comment === undefined ? {} : { comment }),
    };

    const keyword = first.kind === "lower" ? first.text : "";
    if (keyword === "import") this.readImport(reader);
    else if (keyword === "type") {
      reader.at++;
      if (reader.take("lower", "alias")) this.readAlias(reader, base);
      else this.readUnion(reader, base);
    } else if (keyword === "port") this.readPort(reader, base);
    else if (keyword === "infix") this.readInfix(reader, base);
    else if (first.kind === "lower" && !first.text.includes(".") && !isKeyword(keyword)) {
      this.readValue(reader, base);
    } else {
      this.problem(
        first.line,
        `A top-level line starts with \`${clip(first.text)}\`, which starts no declaration.`,
      );
    }
  }

  private readImport(reader: TokenReader): void {
    const line = reader.peek()?.line ?? 1;
    reader.at++;
    const name = reader.take("upper");
    if (name === undefined) {
      this.problem(line, "An import does not name a module.");
      return;
    }
    const alias = reader.take("lower", "as") ? reader.take("upper")?.text : undefined;
    const exposing = reader.take("lower", "exposing") ? this.readExposing(reader) : undefined;
    this.imports.push({
      module: name.text,
      ...(alias === undefined ? {} : { alias }),
      ...(exposing === undefined ? {} : { exposing }),
      line,
    });
  }

  private readUnion(reader: TokenReader, base: Base): void {
    const head = this.readTypeHead(reader, base.line, "custom type");
    if (head === undefined) return;
    const cases: Constructor[] = [];
    const declaration: UnionDeclaration = {
      kind: "union",
      name: head.name,
      ...base,
      args: head.args,
      cases,
      constructorsExposed: false,
    };
    this.addDeclaration(declaration);
    if (!reader.take("operator", "=")) {
      this.problem(
        base.line,
        `The custom type ${head.name} has no \`=\` followed by its constructors.`,
      );
      return;
    }
    for (;;) {
      const name = reader.take("upper");
      if (name === undefined || name.text.includes(".")) break;
      const args: TypeNode[] = [];
      while (reader.startsTerm()) {
        const arg = reader.term();
        if (arg === undefined) break;
        args.push(arg);
      }
      cases.push({ name: name.text, args });
      if (!reader.take("operator", "|")) break;
    }
    if (!reader.done || cases.length === 0) {
      this.problem(
        base.line,
        `The constructors of the custom type ${head.name} could not all be read.`,
      );
    }
  }

  private readAlias(reader: TokenReader, base: Base): void {
    const head = this.readTypeHead(reader, base.line, "type alias");
    if (head === undefined) return;
    if (!reader.take("operator", "=")) {
      this.problem(base.line, `The type alias ${head.name} has no \`=\` followed by its type.`);
    }
    const type = this.typeText(reader, `the type alias ${head.name}`, base.line);
    this.addDeclaration({ kind: "alias", name: head.name, ...base, args: head.args, type });
  }

  /** `Name a b` up to the `=`. */
  private readTypeHead(
    reader: TokenReader,
    line: number,
    what: string,
  ): { name: string; args: string[] } | undefined {
    const name = reader.take("upper");
    if (name === undefined || name.text.includes(".")) {
      this.problem(line, `A ${what} declaration does not name its type.`);
      return undefined;
    }
    const args: string[] = [];
    for (let arg = reader.take("lower"); arg !== undefined; arg = reader.take("lower")) {
      args.push(arg.text);
    }
    return { name: name.text, args };
  }

  private readPort(reader: TokenReader, base: Base): void {
    reader.at++;
    const name = reader.take("lower");
    if (name === undefined || !reader.take("operator", ":")) {
      this.problem(base.line, "A port declaration does not read as `port name : Type`.");
      return;
    }
    const type = this.typeText(reader, `the port ${name.text}`, base.line);
    this.addDeclaration({ kind: "port", name: name.text, ...base, type });
  }

  private readInfix(reader: TokenReader, base: Base): void {
    reader.at++;
    const associativity = reader.take("lower")?.text;
    const precedence = reader.take("number")?.text;
    const open = reader.take("punctuation", "(");
    const operator = reader.take("operator")?.text;
    const close = reader.take("punctuation", ")");
    const equals = reader.take("operator", "=");
    const target = reader.take("lower")?.text;
    if (
      (associativity !== "left" && associativity !== "right" && associativity !== "non") ||
      precedence === undefined ||
      !/^\d$/.test(precedence) ||
      !open ||
      operator === undefined ||
      !close ||
      !equals ||
      target === undefined ||
      !reader.done
    ) {
      this.problem(
        base.line,
        "An infix declaration does not read as `infix left 5 (++) = append`.",
      );
      return;
    }
    this.addDeclaration({
      kind: "infix",
      name: operator,
      ...base,
      associativity,
      precedence: Number(precedence),
      function: target,
    });
  }

  /** An annotation `name : Type` or a definition `name args = body`, which fill in the same value. */
  private readValue(reader: TokenReader, base: Base): void {
    const name = reader.take("lower")?.text ?? "";
    const annotated = reader.take("operator", ":") !== undefined;
    const type = annotated ? this.typeText(reader, `the value ${name}`, base.line) : undefined;
    if (!annotated) {
      if (this.defined.has(name)) this.problem(base.line, `The value ${name} is defined twice.`);
      this.defined.add(name);
    }
    const known = this.values.get(name);
    if (known === undefined) {
      const value: ValueDeclaration = {
        kind: "value",
        name,
        ...base,
        ...(type === undefined ? {} : { type }),
      };
      this.values.set(name, value);
      this.addDeclaration(value);
      return;
    }
    if (type !== undefined) {
      if (known.type !== undefined)
        this.problem(base.line, `The value ${name} has a second type annotation.`);
      else known.type = type;
    }
    if (base.comment !== undefined && known.comment === undefined) known.comment = base.comment;
  }

  /** The rest of the reader's tokens as a type; kept as written, and reported, when they do not read as one. */
  private typeText(reader: TokenReader, what: string, line: number): TypeNode {
    const start = reader.at;
    const type = reader.type();
    if (type !== undefined && reader.done) return type;
    this.problem(line, `The type of ${what} could not be read, so it is kept as written.`);
    reader.at = reader.end;
    return { kind: "unreadable", text: joinTokens(this.tokens, start, reader.end) };
  }

  private addDeclaration(declaration: Declaration): void {
    const key = keyOf(declaration);
    const clash = this.byKey.get(key);
    if (clash === undefined) this.byKey.set(key, declaration);
    else {
      this.problem(
        declaration.line,
        `${declaration.name} is declared twice, first on line ${clash.line}.`,
      );
    }
    this.declarations.push(declaration);
  }
}
