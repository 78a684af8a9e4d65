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

export const UnionApi = Type.Object({
  name: Type.String(),
  args: Type.Array(Type.String()),
  /** Each constructor with its argument types; none when the type hides its constructors. */
  cases: Type.Array(Type.Tuple([Type.String(), Type.Array(Type.String())])),
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

/** The API changes from one version of a package to another. */
export const ApiChangesView = Type.Object({
  from: Type.String(),
  to: Type.String(),
  magnitude: Magnitude,
  modules: Type.Object({
    added: Type.Array(Type.String()),
    removed: Type.Array(Type.String()),
    /** Only the modules in both versions whose API differs. */
    changed: Type.Array(ModuleChangesView),
  }),
});
export type ApiChangesView = Static<typeof ApiChangesView>;
