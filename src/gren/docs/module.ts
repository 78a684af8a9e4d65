// What the docs reader finds in a module's source: its header, its imports and
// its top-level declarations, public or not, with what it could not read.

import type { Associativity } from "../docsJson.ts";
import type { TypeNode } from "./types.ts";

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

export interface DeclarationBase {
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
  type?: TypeNode;
}

export interface PortDeclaration extends DeclarationBase {
  kind: "port";
  type: TypeNode;
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
  args: TypeNode[];
}

export interface AliasDeclaration extends DeclarationBase {
  kind: "alias";
  args: string[];
  type: TypeNode;
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

const isType = (declaration: Declaration): boolean =>
  declaration.kind === "union" || declaration.kind === "alias";

/** Types, values and operators have separate names: `Maybe` the type, `maybe` the function, `(+)`. */
export function keyOf(declaration: Declaration): string {
  if (isType(declaration)) return `type:${declaration.name}`;
  return `${declaration.kind === "infix" ? "operator" : "value"}:${declaration.name}`;
}

/** How a declaration is named in a sentence: operators in their parentheses. */
export const nameOf = (declaration: Declaration): string =>
  declaration.kind === "infix" ? `(${declaration.name})` : declaration.name;

/** How an exposed item is written in an exposing list. */
export function display(item: ExposedItem): string {
  if (item.kind === "operator") return `(${item.name})`;
  return item.kind === "type" && item.constructors ? `${item.name}(..)` : item.name;
}

/** The types a module shows to modules that import it: its exposed custom types and aliases. */
export function exposedTypeNames(parsed: ParsedModule): string[] {
  return parsed.declarations
    .filter(
      (declaration) =>
        declaration.exposed && (declaration.kind === "union" || declaration.kind === "alias"),
    )
    .map((declaration) => declaration.name);
}
