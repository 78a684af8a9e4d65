// A module's public API and documentation, read from its source text: what the
// package website shows, and what a check of a new version's version number
// compares with the previous version's. It reads only the module header and the
// top-level declarations' heads, never expressions, so it is small and fast; and
// it never throws, whatever it is given: what it cannot read it reports.
//
// The shape follows the docs.json the compiler writes (`gren docs`), except that
// types are written as the source writes them, not qualified by module, since
// qualifying them would need every imported module's exposing list.

import { err, ok, type Result } from "../result.ts";
import { isKeyword, lex, type Token } from "./docs/lexer.ts";
import { readOverview } from "./docs/overview.ts";
import { formatType, joinTokens, TokenReader } from "./docs/types.ts";
import type {
  AliasDocs,
  Associativity,
  BinopDocs,
  ModuleDocsJson,
  UnionDocs,
  ValueDocs,
} from "./docsJson.ts";
import { isKernelModule } from "./names.ts";

// ---------------------------------------------------------------- documentation

export type { AliasDocs, Associativity, BinopDocs, UnionDocs, ValueDocs };

/** One module's documentation, as docs.json has it, plus its `@docs` groups. */
export interface ModuleDocs extends ModuleDocsJson {
  /** The names of each `@docs` line, in order; operators bare (`++`). */
  groups: string[][];
}

// ---------------------------------------------------------------- parsed module

/** Everything read from a module, public or not, with what could not be read. */
export interface ParsedModule {
  /** Missing when the source does not start with a module header. */
  header?: ModuleHeader;
  /** The doc comment right after the header. */
  comment?: string;
  groups: string[][];
  imports: Import[];
  /** Top-level declarations in source order; a value's annotation and definition are one. */
  declarations: Declaration[];
  /** What is wrong, for the compiler or for the package website; empty for a well-documented module. */
  problems: Problem[];
}

export type ModuleKind = "module" | "port" | "effect";

export interface ModuleHeader {
  kind: ModuleKind;
  name: string;
  exposing: Exposing;
  /** An effect module's `where { command = MyCmd, subscription = MySub }`. */
  effects?: { command?: string; subscription?: string };
}

export type Exposing = { kind: "everything" } | { kind: "explicit"; items: ExposedItem[] };

export type ExposedItem =
  | { kind: "value"; name: string }
  /** `(++)`, named without its parentheses. */
  | { kind: "operator"; name: string }
  /** `Maybe`, or `Maybe(..)` when its constructors are exposed too. */
  | { kind: "type"; name: string; constructors: boolean };

export interface Import {
  module: string;
  alias?: string;
  exposing?: Exposing;
  line: number;
}

interface DeclarationBase {
  name: string;
  /** Its doc comment's text, when it has one. */
  comment?: string;
  /** Where it starts, 1-based. */
  line: number;
  exposed: boolean;
}

export interface ValueDeclaration extends DeclarationBase {
  kind: "value";
  /** Missing when the value has no type annotation. */
  type?: string;
}

export interface PortDeclaration extends DeclarationBase {
  kind: "port";
  type: string;
}

export interface UnionDeclaration extends DeclarationBase {
  kind: "union";
  args: string[];
  cases: Constructor[];
  /** Whether the exposing list opens the type with `Type(..)`. */
  constructorsExposed: boolean;
}

export interface Constructor {
  name: string;
  args: string[];
}

export interface AliasDeclaration extends DeclarationBase {
  kind: "alias";
  args: string[];
  type: string;
}

/** `infix left 5 (++) = append`; its name is the operator, without parentheses. */
export interface InfixDeclaration extends DeclarationBase {
  kind: "infix";
  associativity: Associativity;
  precedence: number;
  function: string;
}

export type Declaration =
  | ValueDeclaration
  | PortDeclaration
  | UnionDeclaration
  | AliasDeclaration
  | InfixDeclaration;

export interface Problem {
  /** 1-based line of the source where it is. */
  line: number;
  message: string;
}

/** A problem in one module of a package. */
export interface ModuleProblem extends Problem {
  module: string;
}

export interface PackageDocs {
  /** In the order of the exposed modules given, or by name. */
  modules: ModuleDocs[];
  problems: ModuleProblem[];
}

// ---------------------------------------------------------------- entry points

/** A module's documentation, or why there is none: only a source without a module header has none. */
export function moduleDocs(source: string): Result<ModuleDocs, string> {
  const parsed = parseModule(source);
  const docs = docsOf(parsed);
  if (docs !== undefined) return ok(docs);
  return err("The source does not start with a module header like `module Name exposing (..)`.");
}

/** The documentation of a parsed module, when it has a header to name it. */
export function docsOf(parsed: ParsedModule): ModuleDocs | undefined {
  if (parsed.header === undefined) return undefined;
  const declarations = parsed.declarations.filter((declaration) => declaration.exposed);
  const values: ValueDocs[] = [];
  const unions: UnionDocs[] = [];
  const aliases: AliasDocs[] = [];
  const binops: BinopDocs[] = [];
  const functions = valuesByName(parsed.declarations);
  for (const declaration of declarations) {
    const comment = declaration.comment ?? "";
    switch (declaration.kind) {
      case "value":
      case "port":
        values.push({ name: declaration.name, comment, type: declaration.type ?? "" });
        break;
      case "union":
        unions.push({
          name: declaration.name,
          comment,
          args: declaration.args,
          cases: declaration.constructorsExposed
            ? declaration.cases.map((c): [string, string[]] => [c.name, c.args])
            : [],
        });
        break;
      case "alias":
        aliases.push({
          name: declaration.name,
          comment,
          args: declaration.args,
          type: declaration.type,
        });
        break;
      case "infix": {
        const target = functions.get(declaration.function);
        binops.push({
          name: declaration.name,
          comment: target?.comment ?? "",
          type: target?.type ?? "",
          associativity: declaration.associativity,
          precedence: declaration.precedence,
        });
        break;
      }
    }
  }
  return {
    name: parsed.header.name,
    comment: parsed.comment ?? "",
    groups: parsed.groups,
    unions: byName(unions),
    aliases: byName(aliases),
    values: byName(values),
    binops: byName(binops),
  };
}

/**
 * The documentation of a package's modules, from a bundle's `sources`. Kernel
 * modules are JavaScript and are skipped; given the outline's exposed modules,
 * only those are read, and one without a source is a problem.
 */
export function packageDocs(
  sources: Readonly<Record<string, unknown>>,
  exposedModules?: readonly string[],
): PackageDocs {
  const names =
    exposedModules ??
    Object.keys(sources)
      .filter((name) => !isKernelModule(name))
      .sort();
  const modules: ModuleDocs[] = [];
  const problems: ModuleProblem[] = [];
  for (const name of new Set(names)) {
    if (isKernelModule(name)) continue;
    const source = Object.hasOwn(sources, name) ? sources[name] : undefined;
    if (typeof source !== "string") {
      problems.push({ module: name, line: 1, message: `The package has no source for ${name}.` });
      continue;
    }
    const parsed = parseModule(source);
    for (const problem of parsed.problems) problems.push({ module: name, ...problem });
    const docs = docsOf(parsed);
    if (docs === undefined) continue;
    if (docs.name !== name) {
      problems.push({
        module: name,
        line: 1,
        message: `The source for ${name} declares the module ${docs.name}.`,
      });
    }
    modules.push(docs);
  }
  return { modules, problems };
}

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

// ---------------------------------------------------------------- reading

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
      this.expose(header.exposing);
      this.checkDocumentation(header, comment, overview.groups);
    }

    return {
      ...(header === undefined ? {} : { header }),
      ...(comment === undefined ? {} : { comment }),
      groups: overview.groups,
      imports: this.imports,
      declarations: this.declarations,
      problems: capped(this.problems.sort((a, b) => a.line - b.line)),
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
      const args: string[] = [];
      while (reader.startsTerm()) {
        const arg = reader.term();
        if (arg === undefined) break;
        args.push(formatType(arg));
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

  /** The rest of the reader's tokens as a type, laid out canonically when they read as one. */
  private typeText(reader: TokenReader, what: string, line: number): string {
    const start = reader.at;
    const type = reader.type();
    if (type !== undefined && reader.done) return formatType(type);
    this.problem(line, `The type of ${what} could not be read, so it is kept as written.`);
    reader.at = reader.end;
    return joinTokens(this.tokens, start, reader.end);
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

  // ------------------------------------------------------------ exposure and documentation

  private expose(exposing: Exposing): void {
    if (exposing.kind === "everything") {
      for (const declaration of this.declarations) {
        declaration.exposed = true;
        if (declaration.kind === "union") declaration.constructorsExposed = true;
      }
      return;
    }
    const seen = new Set<string>();
    for (const item of exposing.items) {
      const key = `${item.kind}:${item.name}`;
      if (seen.has(key)) {
        this.problem(this.headerLine, `The module exposes ${display(item)} more than once.`);
        continue;
      }
      seen.add(key);
      const declaration = this.byKey.get(key);
      if (declaration === undefined) {
        this.problem(
          this.headerLine,
          `The module exposes ${display(item)}, which it does not declare.`,
        );
        continue;
      }
      declaration.exposed = true;
      if (item.kind !== "type" || !item.constructors) continue;
      if (declaration.kind === "union") declaration.constructorsExposed = true;
      else
        this.problem(
          this.headerLine,
          `The module exposes ${item.name}(..), but ${item.name} is a type alias, which has no constructors.`,
        );
    }
  }

  private checkDocumentation(
    header: ModuleHeader,
    comment: string | undefined,
    groups: string[][],
  ): void {
    if (comment === undefined) {
      this.problem(
        this.headerLine,
        "The module has no doc comment `{-| ... -}` right after its header.",
      );
    }
    const exposed = this.declarations.filter((declaration) => declaration.exposed);
    for (const declaration of exposed) {
      const documented =
        declaration.kind === "infix" ? this.values.get(declaration.function) : declaration;
      if (declaration.kind === "infix" && documented === undefined) {
        this.problem(
          declaration.line,
          `The operator (${declaration.name}) stands for ${declaration.function}, which the module does not declare.`,
        );
        continue;
      }
      if (documented?.comment === undefined) {
        this.problem(declaration.line, `${nameOf(declaration)} is exposed but has no doc comment.`);
      }
      if (documented?.kind === "value" && documented.type === undefined) {
        this.problem(
          declaration.line,
          `${nameOf(declaration)} is exposed but has no type annotation.`,
        );
      }
    }

    const exposedNames =
      header.exposing.kind === "explicit"
        ? header.exposing.items.map((item) => item.name)
        : exposed.map((declaration) => declaration.name);
    const listed = new Set<string>();
    for (const name of groups.flat()) {
      if (listed.has(name)) this.problem(this.headerLine, `@docs lists ${name} more than once.`);
      listed.add(name);
    }
    const exposedSet = new Set(exposedNames);
    for (const name of listed) {
      if (!exposedSet.has(name))
        this.problem(this.headerLine, `@docs lists ${name}, which the module does not expose.`);
    }
    for (const name of exposedSet) {
      if (!listed.has(name))
        this.problem(this.headerLine, `${name} is exposed but no @docs line lists it.`);
    }
  }
}

// A hostile source can have a problem on every line; an answer listing them all
// would be as large as the source, and no more useful than the first ones.
const PROBLEM_LIMIT = 100;

function capped(problems: Problem[]): Problem[] {
  if (problems.length <= PROBLEM_LIMIT) return problems;
  const rest = problems.length - (PROBLEM_LIMIT - 1);
  const last = problems[PROBLEM_LIMIT - 2]?.line ?? 1;
  return [
    ...problems.slice(0, PROBLEM_LIMIT - 1),
    { line: last, message: `${rest} more problems are not listed.` },
  ];
}

type Base = Pick<DeclarationBase, "line" | "exposed" | "comment">;

const isType = (declaration: Declaration): boolean =>
  declaration.kind === "union" || declaration.kind === "alias";

/** Types, values and operators have separate names: `Maybe` the type, `maybe` the function, `(+)`. */
function keyOf(declaration: Declaration): string {
  if (isType(declaration)) return `type:${declaration.name}`;
  return `${declaration.kind === "infix" ? "operator" : "value"}:${declaration.name}`;
}

const nameOf = (declaration: Declaration): string =>
  declaration.kind === "infix" ? `(${declaration.name})` : declaration.name;

function display(item: ExposedItem): string {
  if (item.kind === "operator") return `(${item.name})`;
  return item.kind === "type" && item.constructors ? `${item.name}(..)` : item.name;
}

/** Keeps a quoted piece of a malformed source short in a problem's sentence. */
const clip = (text: string): string => (text.length > 40 ? `${text.slice(0, 39)}…` : text);

function valuesByName(
  declarations: readonly Declaration[],
): Map<string, ValueDeclaration | PortDeclaration> {
  const values = new Map<string, ValueDeclaration | PortDeclaration>();
  for (const declaration of declarations) {
    if (declaration.kind === "value" || declaration.kind === "port")
      values.set(declaration.name, declaration);
  }
  return values;
}

/** Code-unit order, as the compiler sorts names in docs.json. */
const byName = <T extends { name: string }>(items: T[]): T[] =>
  items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
