import { type Static, type TSchema, Type } from "typebox";

/** Longer than any name or version can be, so a long one reaches the rule that explains it. */
const Segment = Type.String({ maxLength: 255 });
export const ChangesParams = Type.Object({
  author: Segment,
  project: Segment,
  from: Segment,
  to: Segment,
});

/** How the version number must move for these changes, as the compiler decides it. */
export const Magnitude = Type.Enum(["major", "minor", "patch"]);

// Declarations as docs.json writes them, types fully qualified, without their
// doc comments: a comment is no part of the API.

/**
 * A constructor as docs.json writes it: `["Just", ["a"]]`, its name and its
 * argument types. Described without a tuple, which OpenAPI 3.1 writes another way.
 */
const Constructor = Type.Unsafe<[string, string[]]>(
  Type.Array(Type.Union([Type.String(), Type.Array(Type.String())]), {
    minItems: 2,
    maxItems: 2,
    description: "A constructor's name, then its argument types",
  }),
);

export const UnionApi = Type.Object({
  name: Type.String(),
  args: Type.Array(Type.String()),
  /** Each constructor with its argument types; none when the type hides its constructors. */
  cases: Type.Array(Constructor),
});
export type UnionApi = Static<typeof UnionApi>;

export const AliasApi = Type.Object({
  name: Type.String(),
  args: Type.Array(Type.String()),
  type: Type.String(),
});
export type AliasApi = Static<typeof AliasApi>;

export const ValueApi = Type.Object({ name: Type.String(), type: Type.String() });
export type ValueApi = Static<typeof ValueApi>;

export const BinopApi = Type.Object({
  name: Type.String(),
  type: Type.String(),
  associativity: Type.Enum(["left", "non", "right"]),
  precedence: Type.Integer(),
});
export type BinopApi = Static<typeof BinopApi>;

/** What was added, changed (with the old and the new) and removed, each sorted by name. */
const ChangesOf = <T extends TSchema>(declaration: T) =>
  Type.Object({
    added: Type.Array(declaration),
    changed: Type.Array(Type.Object({ old: declaration, new: declaration })),
    removed: Type.Array(declaration),
  });

export const ModuleChangesView = Type.Object({
  name: Type.String(),
  magnitude: Magnitude,
  unions: ChangesOf(UnionApi),
  aliases: ChangesOf(AliasApi),
  values: ChangesOf(ValueApi),
  binops: ChangesOf(BinopApi),
});
export type ModuleChangesView = Static<typeof ModuleChangesView>;

/** Modules added and removed, and per module in both what was added, changed and removed. */
export const ChangedModules = Type.Object({
  added: Type.Array(Type.String()),
  removed: Type.Array(Type.String()),
  /** Only the modules in both versions whose API differs. */
  changed: Type.Array(ModuleChangesView),
});
export type ChangedModules = Static<typeof ChangedModules>;

/**
 * What decides the magnitude: the API changes, or the compilers: when no
 * compiler version is in both versions' `gren-version` ranges, the compiler
 * cannot build the older to compare them, and calls for a major version.
 */
export const MagnitudeBasis = Type.Enum(["api", "compiler_ranges"]);

/** The API changes from one version of a package to another. */
export const ApiChangesView = Type.Object({
  from: Type.String(),
  to: Type.String(),
  /** How far the version number must move from `from` to `to`, as the compiler decides it. */
  magnitude: Magnitude,
  decidedBy: MagnitudeBasis,
  modules: ChangedModules,
});
export type ApiChangesView = Static<typeof ApiChangesView>;

/**
 * What changed in a version since the version it bumps, as decided when it
 * was published. `since` is null for a package's first version; `magnitude`
 * and `modules` are null when there is nothing to compare with, or when the
 * API of the version bumped is unknown (`unknown` says why).
 */
export const VersionChanges = Type.Object({
  since: Type.Union([Type.String(), Type.Null()]),
  magnitude: Type.Union([Magnitude, Type.Null()]),
  decidedBy: Type.Union([MagnitudeBasis, Type.Null()]),
  modules: Type.Union([ChangedModules, Type.Null()]),
  unknown: Type.Union([Type.String(), Type.Null()]),
  /** Published as history (`?history=true`): its number was not held to the rules. */
  history: Type.Boolean(),
});
export type VersionChanges = Static<typeof VersionChanges>;

/**
 * A version brought in as history whose number does not say what its API
 * did: compared with `since`, its API called for `calledFor`.
 */
export const Misnumbered = Type.Object({
  since: Type.String(),
  magnitude: Magnitude,
  calledFor: Type.String(),
});
export type Misnumbered = Static<typeof Misnumbered>;

export const MisnumberedOrNull = Type.Union([Type.Null(), Misnumbered]);

/** What a publish of a bundle would be told, nothing being stored. */
export const CheckedBundle = Type.Object({
  name: Type.String(),
  /** The version the bundle's gren.json gives. */
  version: Type.String(),
  /** The version compared with: the one `version` bumps, or `version` itself when it is published. */
  since: Type.Union([Type.String(), Type.Null()]),
  magnitude: Type.Union([Magnitude, Type.Null()]),
  decidedBy: Type.Union([MagnitudeBasis, Type.Null()]),
  modules: Type.Union([ChangedModules, Type.Null()]),
  /** The version number the API calls for. */
  calledFor: Type.String(),
  /** Why the API could not be compared, when it could not. */
  unknown: Type.Union([Type.String(), Type.Null()]),
});
export type CheckedBundle = Static<typeof CheckedBundle>;

export const CheckQuery = Type.Object({
  /** Compare with this published version instead (the CLI's `diff` compares with the latest). */
  since: Type.Optional(Segment),
});
