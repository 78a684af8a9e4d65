import { type Static, Type } from "typebox";

// The files of the static mirror that are its own: a package's index and a
// version's bundle there are exactly what the API answers at the same paths.

/** A public package as `packages/index` lists it. */
export const MirroredPackage = Type.Object({
  name: Type.String(),
  /** The highest version not revoked; null once every version is revoked. */
  latest: Type.Union([Type.String(), Type.Null()]),
});
export type MirroredPackage = Static<typeof MirroredPackage>;

/** `packages/index`: every public package, in name order. */
export const MirroredPackages = Type.Object({ packages: Type.Array(MirroredPackage) });
export type MirroredPackages = Static<typeof MirroredPackages>;

/** `mirror.json`: what the mirror holds, and up to which change. */
export const MirrorManifest = Type.Object({
  /** The layout's version: a client that does not know it should not read the mirror. */
  format: Type.Literal(1),
  /**
   * The mirror holds every public change up to this one, by the feed's `seq`:
   * what came after is at `GET /feed?since=` this number.
   */
  change: Type.Integer(),
  /** The public packages, each with its index. */
  packages: Type.Integer(),
  /** The live versions of public packages, each with its files. */
  versions: Type.Integer(),
  /** The paths the mirror holds files at, with `{author}`, `{project}`, `{version}` to fill in. */
  files: Type.Array(Type.String()),
  writtenAt: Type.String(),
});
export type MirrorManifest = Static<typeof MirrorManifest>;
