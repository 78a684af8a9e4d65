import { type Static, Type } from "typebox";
import { ListedPackage } from "./packages.ts";

// Who uses a package: how often its bundles are downloaded, and which
// packages' latest versions depend on it.

export const DayCount = Type.Object({
  /** The UTC day, YYYY-MM-DD. */
  date: Type.String(),
  count: Type.Integer(),
});

export const PackageDownloads = Type.Object({
  name: Type.String(),
  /** Every download of any of its versions' bundles. */
  total: Type.Integer(),
  /** Each of the last 30 days, today last, today's count so far. */
  days: Type.Array(DayCount),
  /** Each version's downloads in all, highest version first; none counted is 0. */
  versions: Type.Array(Type.Object({ version: Type.String(), count: Type.Integer() })),
});
export type PackageDownloads = Static<typeof PackageDownloads>;

export const Dependents = Type.Object({
  name: Type.String(),
  /** How many packages the caller may see use it. */
  count: Type.Integer(),
  /** The first of them in name order, each with its latest version. */
  packages: Type.Array(ListedPackage),
});
export type Dependents = Static<typeof Dependents>;
