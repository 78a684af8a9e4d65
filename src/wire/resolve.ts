import { type Static, Type } from "typebox";

/**
 * What a project asks for. The values are checked by the registry, so a wrong
 * one gets a sentence naming it; the schema only bounds their size.
 */
export const ResolutionRequest = Type.Object({
  /** The compiler that will build the project. */
  grenVersion: Type.String({ maxLength: 50 }),
  /** The project's platform: common, browser or node. */
  platform: Type.String({ maxLength: 50 }),
  /** Package name to a range, or to an exact version as an application's gren.json has them. */
  dependencies: Type.Record(Type.String(), Type.String({ maxLength: 100 })),
});
export type ResolutionRequest = Static<typeof ResolutionRequest>;

export const PinnedVersion = Type.Object({
  version: Type.String(),
  sha256: Type.String(),
  size: Type.Integer(),
});
export type PinnedVersion = Static<typeof PinnedVersion>;

/** Every direct and indirect dependency, by package name, with the version chosen. */
export const Resolution = Type.Object({
  packages: Type.Record(Type.String(), PinnedVersion),
});
export type Resolution = Static<typeof Resolution>;
