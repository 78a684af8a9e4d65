import { type Static, Type } from "typebox";

import { Magnitude, MisnumberedOrNull, VersionChanges } from "./apiChanges.ts";
import { MAX_REASON_LENGTH } from "./limits.ts";

/** Longer than any name or version can be, so a long one reaches the rule that explains it. */
const Segment = Type.String({ maxLength: 255 });
export const PackageParams = Type.Object({ author: Segment, project: Segment });
export const VersionParams = Type.Object({ author: Segment, project: Segment, version: Segment });

export const PublishQuery = Type.Object({
  /**
   * `true` to bring in a version that exists elsewhere with the number it has
   * (admins only): the number rules are not applied, and a number that does
   * not match the API is marked.
   */
  history: Type.Optional(Type.Enum(["true", "false"])),
});

export const Revocation = Type.Object({ at: Type.String(), reason: Type.String() });
export type Revocation = Static<typeof Revocation>;

const Revoked = Type.Union([Type.Null(), Revocation]);

export const Published = Type.Object({
  name: Type.String(),
  version: Type.String(),
  sha256: Type.String(),
  size: Type.Integer(),
  /** Published as history with a number its API did not call for: what it called for. */
  misnumbered: MisnumberedOrNull,
});
export type Published = Static<typeof Published>;

export const ListingQuery = Type.Object({
  /** Text to look for; control characters are no part of any name, summary or module. */
  q: Type.Optional(
    Type.String({
      maxLength: 200,
      pattern: "^[^\\u0000-\\u001f\\u007f]*$",
      description: "text without control characters",
    }),
  ),
  limit: Type.Optional(Type.String({ pattern: "^[0-9]{1,4}$" })),
  cursor: Type.Optional(
    Type.String({
      maxLength: 300,
      pattern: "^[^\\u0000-\\u001f\\u007f]*$",
      description: "a cursor from a listing's next",
    }),
  ),
});

export const ListedPackage = Type.Object({
  name: Type.String(),
  summary: Type.String(),
  latest: Type.Union([Type.String(), Type.Null()]),
});
export type ListedPackage = Static<typeof ListedPackage>;

export const Listing = Type.Object({
  packages: Type.Array(ListedPackage),
  next: Type.Union([Type.String(), Type.Null()]),
});
export type Listing = Static<typeof Listing>;

export const VersionSummary = Type.Object({
  version: Type.String(),
  publishedAt: Type.String(),
  grenVersion: Type.String(),
  sha256: Type.String(),
  size: Type.Integer(),
  revoked: Revoked,
  /** How far its number moved from the version it bumps, by its API; null when not known. */
  magnitude: Type.Union([Magnitude, Type.Null()]),
  misnumbered: MisnumberedOrNull,
});
export type VersionSummary = Static<typeof VersionSummary>;

export const PackageView = Type.Object({
  name: Type.String(),
  summary: Type.String(),
  license: Type.String(),
  private: Type.Boolean(),
  versions: Type.Array(VersionSummary),
});
export type PackageView = Static<typeof PackageView>;

export const VersionView = Type.Object({
  name: Type.String(),
  version: Type.String(),
  publishedAt: Type.String(),
  sha256: Type.String(),
  size: Type.Integer(),
  /** The package's gren.json exactly as published. */
  outline: Type.Record(Type.String(), Type.Unknown()),
  revoked: Revoked,
  /** What changed in its API since the version it bumps; null for versions published before the registry compared APIs. */
  changes: Type.Union([VersionChanges, Type.Null()]),
  misnumbered: MisnumberedOrNull,
});
export type VersionView = Static<typeof VersionView>;

export const LatestQuery = Type.Object({ gren: Type.Optional(Segment) });

export const FoundVersion = Type.Object({ version: Type.String() });
export type FoundVersion = Static<typeof FoundVersion>;

export const Reason = Type.Object({ reason: Type.String({ maxLength: MAX_REASON_LENGTH }) });
export type Reason = Static<typeof Reason>;

/** One version as a resolver needs it: the compiler reads nothing else before it downloads. */
export const IndexEntry = Type.Object({
  version: Type.String(),
  grenVersion: Type.String(),
  platform: Type.String(),
  /** Package name to range, as the version's gren.json has them. */
  dependencies: Type.Record(Type.String(), Type.String()),
  sha256: Type.String(),
  size: Type.Integer(),
  /**
   * The index of the transparency log's entry that logged its publication:
   * where a client finds it in the log's tiles, to prove it from a mirror.
   */
  logIndex: Type.Integer({ minimum: 0 }),
  revoked: Revoked,
  /** Brought in as history with a number its API did not call for. */
  misnumbered: MisnumberedOrNull,
});
export type IndexEntry = Static<typeof IndexEntry>;

/** Every version of a package, ascending, revoked ones included: like crates.io's sparse index. */
export const PackageIndex = Type.Object({
  name: Type.String(),
  private: Type.Boolean(),
  versions: Type.Array(IndexEntry),
});
export type PackageIndex = Static<typeof PackageIndex>;
