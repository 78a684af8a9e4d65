// When two versions' declarations count as the same API, as the compiler's
// `gren diff` decides it (`builder/src/Deps/Diff.hs`): types are equal up to a
// consistent renaming of their type variables, record fields are a set, and a
// constrained variable (`number`, `comparable`, `appendable`, `compappend`)
// may only become one at least as general. Doc comments play no part.

import { lex } from "./docs/lexer.ts";
import { TokenReader, type TypeNode } from "./docs/types.ts";
import type { AliasDocs, BinopDocs, UnionDocs, ValueDocs } from "./docsJson.ts";

/** Pairs of (old name, new name) that make two types the same. */
type Renamings = [string, string][];

/** A type as docs.json writes it, read; `undefined` when the text is not a type. */
export function readType(text: string): TypeNode | undefined {
  const { tokens, problems } = lex(text);
  if (problems.length > 0) return undefined;
  const reader = new TokenReader(tokens, 0, tokens.length);
  const type = reader.type();
  return type !== undefined && reader.done ? type : undefined;
}

/**
 * What renaming of type variables turns `old` into `new`, if any shape-preserving
 * one does; whether that renaming is consistent is decided afterwards.
 */
function renamingsBetween(old: TypeNode, next: TypeNode): Renamings | undefined {
  switch (old.kind) {
    case "variable":
      return next.kind === "variable" ? [[old.name, next.name]] : undefined;
    case "function": {
      if (next.kind !== "function") return undefined;
      const from = renamingsBetween(old.from, next.from);
      const to = from && renamingsBetween(old.to, next.to);
      return from && to && [...from, ...to];
    }
    case "named": {
      if (next.kind !== "named") return undefined;
      if (!isSameName(old.name, next.name) || old.args.length !== next.args.length) {
        return undefined;
      }
      return renamingsOfAll(old.args, next.args);
    }
    case "record": {
      if (next.kind !== "record") return undefined;
      if ((old.extending === undefined) !== (next.extending === undefined)) return undefined;
      const fields = renamingsOfFields(old, next);
      if (fields === undefined) return undefined;
      return old.extending !== undefined && next.extending !== undefined
        ? [[old.extending, next.extending], ...fields]
        : fields;
    }
    case "unit":
      return next.kind === "unit" ? [] : undefined;
  }
}

function renamingsOfAll(
  old: readonly TypeNode[],
  next: readonly TypeNode[],
): Renamings | undefined {
  const all: Renamings = [];
  for (let index = 0; index < old.length; index++) {
    const found = renamingsBetween(old[index]!, next[index]!);
    if (found === undefined) return undefined;
    all.push(...found);
  }
  return all;
}

/** Fields compared by name, in whatever order each version writes them. */
function renamingsOfFields(
  old: TypeNode & { kind: "record" },
  next: TypeNode & { kind: "record" },
): Renamings | undefined {
  if (old.fields.length !== next.fields.length) return undefined;
  const byName = (a: { name: string }, b: { name: string }): number =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  const oldFields = [...old.fields].sort(byName);
  const newFields = [...next.fields].sort(byName);
  if (oldFields.some((field, index) => field.name !== newFields[index]!.name)) return undefined;
  return renamingsOfAll(
    oldFields.map((field) => field.type),
    newFields.map((field) => field.type),
  );
}

/**
 * Whether two type names name the same type. Both are qualified in docs.json;
 * the compiler still matches a bare name against a qualified one by its last
 * part, for docs written before names were qualified, and so does this.
 */
function isSameName(old: string, next: string): boolean {
  const oldParts = old.split(".");
  const newParts = next.split(".");
  if (oldParts.length === 1 || newParts.length === 1) return oldParts.at(-1) === newParts.at(-1);
  return old === next;
}

/**
 * A renaming is consistent when each old variable becomes one new variable, no
 * two old ones become the same, and none becomes more constrained than it was.
 */
function isConsistentRenaming(renamings: Renamings): boolean {
  const renamed = new Map<string, string>();
  for (const [old, next] of renamings) {
    const earlier = renamed.get(old);
    if (earlier !== undefined && earlier !== next) return false;
    renamed.set(old, next);
  }
  const targets = [...renamed.values()];
  if (new Set(targets).size !== targets.length) return false;
  for (const [old, next] of renamed) if (!isCompatible(old, next)) return false;
  return true;
}

type VariableKind = "compappend" | "comparable" | "appendable" | "number" | "any";

/** The compiler reads a constraint from the start of the name: `number2`, `comparableKey`. */
function variableKind(name: string): VariableKind {
  if (name.startsWith("compappend")) return "compappend";
  if (name.startsWith("comparable")) return "comparable";
  if (name.startsWith("appendable")) return "appendable";
  if (name.startsWith("number")) return "number";
  return "any";
}

/** Whether a variable may become another: only ever to one at least as general. */
function isCompatible(old: string, next: string): boolean {
  const from = variableKind(old);
  const to = variableKind(next);
  return to === "any" || from === to || (from === "number" && to === "comparable");
}

/**
 * Two types, each under its declaration's variables (an alias's or a union's
 * arguments; none for a value), are the same. A type docs.json could not have
 * written is compared as text: nothing else can be said of it.
 */
function isEquivalentType(
  oldArgs: readonly string[],
  oldType: string,
  newArgs: readonly string[],
  newType: string,
): boolean {
  // The same text under the same arguments is the same type: most of an API between two versions.
  if (oldType === newType && sameArguments(oldArgs, newArgs)) return true;
  const old = readType(oldType);
  const next = readType(newType);
  if (old === undefined || next === undefined) {
    return oldType.trim() === newType.trim() && oldArgs.join(" ") === newArgs.join(" ");
  }
  const renamings = renamingsBetween(old, next);
  if (renamings === undefined || oldArgs.length !== newArgs.length) return false;
  const argRenamings = oldArgs.map((arg, index): [string, string] => [arg, newArgs[index]!]);
  return isConsistentRenaming([...argRenamings, ...renamings]);
}

const sameArguments = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((arg, index) => arg === b[index]);

export const isEquivalentAlias = (old: AliasDocs, next: AliasDocs): boolean =>
  isEquivalentType(old.args, old.type, next.args, next.type);

export const isEquivalentValue = (old: ValueDocs, next: ValueDocs): boolean =>
  isEquivalentType([], old.type, [], next.type);

export const isEquivalentBinop = (old: BinopDocs, next: BinopDocs): boolean =>
  isEquivalentType([], old.type, [], next.type) &&
  old.associativity === next.associativity &&
  old.precedence === next.precedence;

/**
 * The same constructors, in the same order, each with equivalent arguments.
 * As in the compiler, the type's own arguments are compared only through its
 * constructors' arguments: a type exposed without its constructors, or whose
 * constructors take no arguments, may gain or lose a type argument unnoticed.
 */
export function isEquivalentUnion(old: UnionDocs, next: UnionDocs): boolean {
  if (old.cases.length !== next.cases.length) return false;
  return old.cases.every(([name, oldTypes], index) => {
    const [newName, newTypes] = next.cases[index]!;
    return name === newName && isEquivalentConstructor(old.args, oldTypes, next.args, newTypes);
  });
}

/** One constructor's arguments, under each version's type arguments. */
export function isEquivalentConstructor(
  oldArgs: readonly string[],
  oldTypes: readonly string[],
  newArgs: readonly string[],
  newTypes: readonly string[],
): boolean {
  return (
    oldTypes.length === newTypes.length &&
    oldTypes.every((type, index) => isEquivalentType(oldArgs, type, newArgs, newTypes[index]!))
  );
}
