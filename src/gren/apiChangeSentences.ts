// Each API change worded for people: what an answer, a page or the CLI shows
// next to the data. Declarations are named with their module (`Json.Decode.field`),
// types as docs.json writes them, fully qualified.

import type { ApiChange, Change, Declaration, DeclarationChange } from "./apiChanges.ts";
import { formatType } from "./docs/types.ts";
import type { AliasDocs, BinopDocs, UnionDocs } from "./docsJson.ts";
import { isEquivalentConstructor, isEquivalentValue, readType } from "./typeEquivalence.ts";

/**
 * One change as a sentence without its full stop, so it reads as well in a
 * list as in a paragraph: "module `Foo` removed", "`Dict.Dict` gained the
 * constructor `Leaf a`".
 */
export function describeChange(change: ApiChange): string {
  switch (change.kind) {
    case "moduleAdded":
      return `module ${code(change.module)} added`;
    case "moduleRemoved":
      return `module ${code(change.module)} removed`;
    case "added":
      return describeAdded(change.module, change.declaration);
    case "removed":
      return `${kindWord(change.declaration)}${code(qualified(change.module, change.declaration.docs))} removed`;
    case "changed":
      return describeChanged(change.module, change.change);
  }
}

function describeAdded(module: string, declaration: Declaration): string {
  const name = code(qualified(module, declaration.docs));
  switch (declaration.kind) {
    case "union":
    case "alias":
      return `${kindWord(declaration)}${name} added`;
    case "value":
    case "binop":
      return `${kindWord(declaration)}${name} added, with the type ${code(declaration.docs.type)}`;
  }
}

function describeChanged(module: string, change: DeclarationChange): string {
  const name = code(qualified(module, change.old));
  switch (change.kind) {
    case "value":
      return `${name} changed from ${code(change.old.type)} to ${code(change.new.type)}`;
    case "alias":
      return `${name} changed from ${code(aliasText(change.old))} to ${code(aliasText(change.new))}`;
    case "binop":
      return `${name} changed ${joinPhrases(binopPhrases(change))}`;
    case "union": {
      const phrases = unionPhrases(change);
      return phrases === undefined
        ? `${name} changed from ${code(unionText(change.old))} to ${code(unionText(change.new))}`
        : `${name} ${joinPhrases(phrases)}`;
    }
  }
}

function binopPhrases(change: Change<BinopDocs>): string[] {
  const { old, new: next } = change;
  const phrases: string[] = [];
  if (!isEquivalentValue(old, next)) {
    phrases.push(`its type from ${code(old.type)} to ${code(next.type)}`);
  }
  if (old.precedence !== next.precedence) {
    phrases.push(`its precedence from ${old.precedence} to ${next.precedence}`);
  }
  if (old.associativity !== next.associativity) {
    phrases.push(`its associativity from ${old.associativity} to ${next.associativity}`);
  }
  return phrases;
}

/**
 * What happened to a type's constructors, phrase by phrase; `undefined` when
 * no phrase says it better than the two declarations side by side.
 */
function unionPhrases(change: Change<UnionDocs>): string[] | undefined {
  const { old, new: next } = change;
  if (old.cases.length === 0) {
    return [`exposed its constructors ${code(next.cases.map(constructorText).join(" | "))}`];
  }
  if (next.cases.length === 0) return ["no longer exposes its constructors"];
  const phrases: string[] = [];
  const sameArity = old.args.length === next.args.length;
  if (!sameArity) {
    phrases.push(
      `changed its type arguments from ${argumentsText(old.args)} to ${argumentsText(next.args)}`,
    );
  }
  const oldCases = new Map(old.cases);
  const newCases = new Map(next.cases);
  for (const entry of next.cases) {
    if (!oldCases.has(entry[0]))
      phrases.push(`gained the constructor ${code(constructorText(entry))}`);
  }
  for (const entry of old.cases) {
    if (!newCases.has(entry[0]))
      phrases.push(`lost the constructor ${code(constructorText(entry))}`);
  }
  for (const [name, oldTypes] of old.cases) {
    const newTypes = newCases.get(name);
    if (newTypes === undefined) continue;
    // With as many type arguments on both sides they take part, as in the
    // compiler; otherwise the phrase above already says they changed.
    const equivalent = sameArity
      ? isEquivalentConstructor(old.args, oldTypes, next.args, newTypes)
      : isEquivalentConstructor([], oldTypes, [], newTypes);
    if (equivalent) continue;
    const before = constructorText([name, oldTypes]);
    const after = constructorText([name, newTypes]);
    // Only the type's own arguments tell these apart: the declarations say it better.
    if (before === after) return undefined;
    phrases.push(`changed the constructor ${code(name)} from ${code(before)} to ${code(after)}`);
  }
  const oldOrder = old.cases.map(([name]) => name).filter((name) => newCases.has(name));
  const newOrder = next.cases.map(([name]) => name).filter((name) => oldCases.has(name));
  if (oldOrder.join(" ") !== newOrder.join(" ")) {
    phrases.push(
      `changed the order of its constructors from ${code(oldOrder.join(" | "))} to ${code(newOrder.join(" | "))}`,
    );
  }
  return phrases.length > 0 ? phrases : undefined;
}

/** `A, B and C`. */
function joinPhrases(phrases: readonly string[]): string {
  if (phrases.length <= 1) return phrases.join("");
  return `${phrases.slice(0, -1).join(", ")} and ${phrases.at(-1)}`;
}

const code = (text: string): string => `\`${text}\``;

/** `Json.Decode.field`, or `Basics.(++)` for an operator. */
function qualified(module: string, docs: { name: string }): string {
  const isOperator = !/^[\p{L}_]/u.test(docs.name);
  return `${module}.${isOperator ? `(${docs.name})` : docs.name}`;
}

function kindWord(declaration: Declaration): string {
  switch (declaration.kind) {
    case "union":
      return "type ";
    case "alias":
      return "type alias ";
    case "binop":
      return "operator ";
    case "value":
      return "";
  }
}

const argumentsText = (args: readonly string[]): string =>
  args.length === 0 ? "none" : code(args.join(" "));

/** A constructor as its type declares it: `Node (Array a) a`. */
function constructorText([name, types]: readonly [string, readonly string[]]): string {
  return [name, ...types.map(asArgument)].join(" ");
}

/** A type written whole, in the parentheses it needs as an argument. */
function asArgument(text: string): string {
  const type = readType(text);
  if (type !== undefined) return formatType(type, "typeArgument");
  return /\s/.test(text.trim()) ? `(${text.trim()})` : text;
}

function unionText(union: UnionDocs): string {
  const head = ["type", union.name, ...union.args].join(" ");
  return union.cases.length === 0
    ? head
    : `${head} = ${union.cases.map(constructorText).join(" | ")}`;
}

const aliasText = (alias: AliasDocs): string =>
  `${["type alias", alias.name, ...alias.args].join(" ")} = ${alias.type}`;
