// What changed in a package's API from one version to another, and how big the
// change is, as the compiler's `gren diff` and `gren bump` decide it
// (`builder/src/Deps/Diff.hs`): the registry holds every version to the same
// rules the compiler's own publishing does.

import type {
  AliasDocs,
  BinopDocs,
  DocsJson,
  ModuleDocsJson,
  UnionDocs,
  ValueDocs,
} from "./docsJson.ts";
import {
  isEquivalentAlias,
  isEquivalentBinop,
  isEquivalentUnion,
  isEquivalentValue,
} from "./typeEquivalence.ts";

/**
 * How a version number must move: `major` when something exposed was removed or
 * changed, `minor` when something was only added, `patch` when the API is the same.
 */
export type Magnitude = "major" | "minor" | "patch";

const RANK: Record<Magnitude, number> = { patch: 0, minor: 1, major: 2 };

export const largerMagnitude = (a: Magnitude, b: Magnitude): Magnitude =>
  RANK[a] >= RANK[b] ? a : b;

export interface Change<T> {
  old: T;
  new: T;
}

/** Declarations of one kind, each list sorted by name. */
export interface Changes<T> {
  added: T[];
  changed: Change<T>[];
  removed: T[];
}

/** A module in both versions whose API differs. */
export interface ModuleChanges {
  name: string;
  magnitude: Magnitude;
  unions: Changes<UnionDocs>;
  aliases: Changes<AliasDocs>;
  values: Changes<ValueDocs>;
  binops: Changes<BinopDocs>;
}

export interface ApiChanges {
  magnitude: Magnitude;
  modules: {
    added: string[];
    removed: string[];
    /** Only the modules whose API differs; a change to doc comments alone is none. */
    changed: ModuleChanges[];
  };
}

/** The changes from `old` to `new`, each version's API as its docs.json has it. */
export function diffApi(old: DocsJson, next: DocsJson): ApiChanges {
  const oldNames = new Set(Object.keys(old));
  const newNames = new Set(Object.keys(next));
  const added = [...newNames].filter((name) => !oldNames.has(name)).sort(byText);
  const removed = [...oldNames].filter((name) => !newNames.has(name)).sort(byText);
  const changed = [...oldNames]
    .filter((name) => newNames.has(name))
    .sort(byText)
    .map((name) => diffModule(name, old[name]!, next[name]!))
    .filter((module) => module.magnitude !== "patch");
  const magnitudes: Magnitude[] = [
    added.length > 0 ? "minor" : "patch",
    removed.length > 0 ? "major" : "patch",
    ...changed.map((module) => module.magnitude),
  ];
  const magnitude = magnitudes.reduce(largerMagnitude, "patch");
  return { magnitude, modules: { added, removed, changed } };
}

function diffModule(name: string, old: ModuleDocsJson, next: ModuleDocsJson): ModuleChanges {
  const unions = changesBetween(old.unions, next.unions, isEquivalentUnion);
  const aliases = changesBetween(old.aliases, next.aliases, isEquivalentAlias);
  const values = changesBetween(old.values, next.values, isEquivalentValue);
  const binops = changesBetween(old.binops, next.binops, isEquivalentBinop);
  const magnitude = [
    unionsMagnitude(unions),
    declarationsMagnitude(aliases),
    declarationsMagnitude(values),
    declarationsMagnitude(binops),
  ].reduce(largerMagnitude, "patch");
  return { name, magnitude, unions, aliases, values, binops };
}

function changesBetween<T extends { name: string }>(
  old: readonly T[],
  next: readonly T[],
  isEquivalent: (old: T, next: T) => boolean,
): Changes<T> {
  const oldByName = new Map(old.map((entry) => [entry.name, entry]));
  const newByName = new Map(next.map((entry) => [entry.name, entry]));
  const names = (map: Map<string, T>): string[] => [...map.keys()].sort(byText);
  return {
    added: names(newByName)
      .filter((name) => !oldByName.has(name))
      .map((name) => newByName.get(name)!),
    changed: names(oldByName)
      .filter((name) => newByName.has(name))
      .map((name) => ({ old: oldByName.get(name)!, new: newByName.get(name)! }))
      .filter((change) => !isEquivalent(change.old, change.new)),
    removed: names(oldByName)
      .filter((name) => !newByName.has(name))
      .map((name) => oldByName.get(name)!),
  };
}

function declarationsMagnitude<T>(changes: Changes<T>): Magnitude {
  if (changes.removed.length > 0 || changes.changed.length > 0) return "major";
  return changes.added.length > 0 ? "minor" : "patch";
}

/**
 * As for other declarations, except that exposing the constructors of a type
 * that hid them only adds to the API.
 */
function unionsMagnitude(changes: Changes<UnionDocs>): Magnitude {
  if (changes.removed.length > 0) return "major";
  if (changes.changed.length > 0) {
    return changes.changed.every(exposesConstructors) ? "minor" : "major";
  }
  return changes.added.length > 0 ? "minor" : "patch";
}

/** A type that was exposed without its constructors, now exposed with them. */
export const exposesConstructors = (change: Change<UnionDocs>): boolean =>
  change.old.cases.length === 0 && change.new.cases.length > 0;

// ---------------------------------------------------------------- one change at a time

export type Declaration =
  | { kind: "union"; docs: UnionDocs }
  | { kind: "alias"; docs: AliasDocs }
  | { kind: "value"; docs: ValueDocs }
  | { kind: "binop"; docs: BinopDocs };

export type DeclarationChange =
  | ({ kind: "union" } & Change<UnionDocs>)
  | ({ kind: "alias" } & Change<AliasDocs>)
  | ({ kind: "value" } & Change<ValueDocs>)
  | ({ kind: "binop" } & Change<BinopDocs>);

/** One thing that differs between two versions' APIs. */
export type ApiChange =
  | { kind: "moduleAdded"; module: string }
  | { kind: "moduleRemoved"; module: string }
  | { kind: "added"; module: string; declaration: Declaration }
  | { kind: "removed"; module: string; declaration: Declaration }
  | { kind: "changed"; module: string; change: DeclarationChange };

/**
 * Every change, in the order `gren diff` shows them: modules added, modules
 * removed, then module by module what was added, removed and changed.
 */
export function listChanges(changes: ApiChanges): ApiChange[] {
  const list: ApiChange[] = [
    ...changes.modules.added.map((module): ApiChange => ({ kind: "moduleAdded", module })),
    ...changes.modules.removed.map((module): ApiChange => ({ kind: "moduleRemoved", module })),
  ];
  for (const module of changes.modules.changed) {
    const { name } = module;
    const declarations = (pick: <T>(changes: Changes<T>) => T[]): Declaration[] => [
      ...pick(module.unions).map((docs): Declaration => ({ kind: "union", docs })),
      ...pick(module.aliases).map((docs): Declaration => ({ kind: "alias", docs })),
      ...pick(module.binops).map((docs): Declaration => ({ kind: "binop", docs })),
      ...pick(module.values).map((docs): Declaration => ({ kind: "value", docs })),
    ];
    for (const declaration of declarations((c) => c.added)) {
      list.push({ kind: "added", module: name, declaration });
    }
    for (const declaration of declarations((c) => c.removed)) {
      list.push({ kind: "removed", module: name, declaration });
    }
    const changed: DeclarationChange[] = [
      ...module.unions.changed.map((c): DeclarationChange => ({ kind: "union", ...c })),
      ...module.aliases.changed.map((c): DeclarationChange => ({ kind: "alias", ...c })),
      ...module.binops.changed.map((c): DeclarationChange => ({ kind: "binop", ...c })),
      ...module.values.changed.map((c): DeclarationChange => ({ kind: "value", ...c })),
    ];
    for (const change of changed) list.push({ kind: "changed", module: name, change });
  }
  return list;
}

/** How far one change alone would move the version number. */
export function changeMagnitude(change: ApiChange): Magnitude {
  switch (change.kind) {
    case "moduleAdded":
    case "added":
      return "minor";
    case "moduleRemoved":
    case "removed":
      return "major";
    case "changed":
      return change.change.kind === "union" && exposesConstructors(change.change)
        ? "minor"
        : "major";
  }
}

/** The changes that make the API's magnitude what it is: none when it is a patch. */
export const decidingChanges = (changes: ApiChanges): ApiChange[] =>
  changes.magnitude === "patch"
    ? []
    : listChanges(changes).filter((change) => changeMagnitude(change) === changes.magnitude);

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

// ---------------------------------------------------------------- without doc comments

/** A declaration as the API has it: a doc comment is no part of the API. */
export type Bare<T> = Omit<T, "comment">;

export interface BareModuleChanges {
  name: string;
  magnitude: Magnitude;
  unions: Changes<Bare<UnionDocs>>;
  aliases: Changes<Bare<AliasDocs>>;
  values: Changes<Bare<ValueDocs>>;
  binops: Changes<Bare<BinopDocs>>;
}

/** The modules' changes without doc comments: what is stored, and what answers give. */
export interface BareChanges {
  added: string[];
  removed: string[];
  changed: BareModuleChanges[];
}

export function withoutComments(changes: ApiChanges): BareChanges {
  return {
    added: changes.modules.added,
    removed: changes.modules.removed,
    changed: changes.modules.changed.map((module) => ({
      name: module.name,
      magnitude: module.magnitude,
      unions: bare(module.unions, ({ name, args, cases }) => ({ name, args, cases })),
      aliases: bare(module.aliases, ({ name, args, type }) => ({ name, args, type })),
      values: bare(module.values, ({ name, type }) => ({ name, type })),
      binops: bare(module.binops, ({ name, type, associativity, precedence }) => ({
        name,
        type,
        associativity,
        precedence,
      })),
    })),
  };
}

/**
 * Changes as answers give them, with empty doc comments: what `listChanges`
 * and the sentences take.
 */
export function withEmptyComments(magnitude: Magnitude, modules: BareChanges): ApiChanges {
  return {
    magnitude,
    modules: {
      added: modules.added,
      removed: modules.removed,
      changed: modules.changed.map((module) => ({
        name: module.name,
        magnitude: module.magnitude,
        unions: bare(module.unions, commented),
        aliases: bare(module.aliases, commented),
        values: bare(module.values, commented),
        binops: bare(module.binops, commented),
      })),
    },
  };
}

const commented = <T>(docs: T): T & { comment: string } => ({ ...docs, comment: "" });

const bare = <T, B>(changes: Changes<T>, strip: (docs: T) => B): Changes<B> => ({
  added: changes.added.map(strip),
  changed: changes.changed.map((change) => ({ old: strip(change.old), new: strip(change.new) })),
  removed: changes.removed.map(strip),
});
