import { formatPackageName, type PackageName } from "../gren/names.ts";
import { formatVersion, type Version, versionKey } from "../gren/semver.ts";
import { quote } from "../gren/wording.ts";
import type { Database } from "../ports/database.ts";
import { err, ok, type Result } from "../result.ts";
import type { FoundVersion, Revocation, VersionView } from "../wire/packages.ts";
import type { VersionAddress } from "./address.ts";
import { findVisiblePackage, type PackageLookupError } from "./packages.ts";
import {
  findVersion,
  latestLiveKeyFor,
  type PackageRecord,
  previousLiveKey,
  readBlob,
  readBlobChunk,
  type VersionRecord,
  type VersionSummaryRecord,
  versionsOf,
} from "./stores/packages.ts";
import type { User } from "./stores/users.ts";
import { findVersionChanges } from "./stores/versionChanges.ts";
import { revocationView, versionText, versionView } from "./views.ts";

export type VersionLookupError =
  | PackageLookupError
  | { kind: "no_such_version"; name: string; version: string };

export type DownloadError =
  | VersionLookupError
  | { kind: "revoked"; name: string; version: string; revoked: Revocation };

/** - `no_version_found`: `why` says what the versions there are do not offer. */
export type VersionQueryError =
  | PackageLookupError
  | { kind: "no_version_found"; name: string; why: string };

/** The version, if the viewer may see its package. */
export function findVisibleVersion(
  db: Database,
  address: VersionAddress,
  viewer: User | undefined,
): Result<{ pkg: PackageRecord; version: VersionRecord }, VersionLookupError> {
  const found = findVisiblePackage(db, address.name, viewer);
  if (!found.ok) return found;
  const version = versionOf(db, found.value, address.version);
  return version.ok ? ok({ pkg: found.value, version: version.value }) : version;
}

/** One version of a package already found. */
export function versionOf(
  db: Database,
  pkg: PackageRecord,
  version: Version,
): Result<VersionRecord, VersionLookupError> {
  const record = findVersion(db, pkg.id, versionKey(version));
  if (!record) {
    return err({
      kind: "no_such_version",
      name: formatPackageName(pkg.name),
      version: formatVersion(version),
    });
  }
  return ok(record);
}

/** One version's metadata, which outlives a revocation so clients can say why it is gone. */
export function describeVersion(
  db: Database,
  address: VersionAddress,
  viewer: User | undefined,
): Result<VersionView, VersionLookupError> {
  const found = findVisibleVersion(db, address, viewer);
  if (!found.ok) return found;
  const { pkg, version } = found.value;
  return ok(versionView(pkg, version, findVersionChanges(db, version.id)));
}

/** A version's bundle as it is sent: its size and tag, its bytes read a chunk at a time. */
export interface BundleToSend {
  sha256: string;
  size: number;
  private: boolean;
}

/** What sending the exact bytes that were published needs, unless the version was revoked. */
export function bundleToSend(
  db: Database,
  address: VersionAddress,
  viewer: User | undefined,
): Result<BundleToSend, DownloadError> {
  const found = findVisibleVersion(db, address, viewer);
  if (!found.ok) return found;
  const { pkg, version } = found.value;
  const revoked = revocationView(version.revoked);
  if (revoked) {
    const name = formatPackageName(pkg.name);
    return err({ kind: "revoked", name, version: versionText(version.versionKey), revoked });
  }
  return ok({ sha256: version.sha256, size: version.size, private: pkg.private });
}

/**
 * The `index`th chunk of the bundle's bytes, from 0; undefined past the last,
 * or once the bundle has been deleted (its last version revoked) meanwhile.
 */
export const bundleChunk = (db: Database, sha256: string, index: number): Uint8Array | undefined =>
  readBlobChunk(db, sha256, index);

/** The exact bytes that were published, in one piece, unless the version was revoked. */
export function downloadBundle(
  db: Database,
  address: VersionAddress,
  viewer: User | undefined,
): Result<{ bytes: Uint8Array; sha256: string; private: boolean }, DownloadError> {
  const found = bundleToSend(db, address, viewer);
  if (!found.ok) return found;
  const bytes = readBlob(db, found.value.sha256);
  if (!bytes) throw new Error(`The bundle with sha256 ${found.value.sha256} is missing`);
  return ok({ bytes, sha256: found.value.sha256, private: found.value.private });
}

/**
 * The highest version, not revoked, whose `gren-version` range contains the
 * compiler version; without one, simply the highest not revoked.
 */
export function latestVersion(
  db: Database,
  input: { name: PackageName; compiler: Version | undefined },
  viewer: User | undefined,
): Result<FoundVersion, VersionQueryError> {
  const found = findVisiblePackage(db, input.name, viewer);
  if (!found.ok) return found;
  const compilerKey = input.compiler && versionKey(input.compiler);
  const key =
    compilerKey === undefined
      ? found.value.head?.latestKey
      : latestLiveKeyFor(db, found.value.id, compilerKey);
  if (key !== undefined) return ok({ version: versionText(key) });
  return noVersion(found.value, whyNoLatest(versionsOf(db, found.value.id), compilerKey));
}

/** The highest version, not revoked, below the given one (which need not exist). */
export function previousVersion(
  db: Database,
  address: VersionAddress,
  viewer: User | undefined,
): Result<FoundVersion, VersionQueryError> {
  const found = findVisiblePackage(db, address.name, viewer);
  if (!found.ok) return found;
  const before = address.version;
  const key = previousLiveKey(db, found.value.id, versionKey(before));
  if (key !== undefined) return ok({ version: versionText(key) });
  return noVersion(found.value, whyNoPrevious(versionsOf(db, found.value.id), versionKey(before)));
}

const noVersion = (pkg: PackageRecord, why: string): Result<FoundVersion, VersionQueryError> =>
  err({ kind: "no_version_found", name: formatPackageName(pkg.name), why });

// Why nothing fits is read only when nothing does, from the package's own
// versions: a question about one package, answered from its few rows.

/** Why no version is the latest: every one revoked, or none for that compiler. */
function whyNoLatest(versions: VersionSummaryRecord[], compilerKey: number | undefined): string {
  const live = versions.filter((v) => !v.revoked);
  if (live.length === 0) return allRevoked(versions);
  // Only with a compiler version can live versions fail to fit.
  const compiler = versionText(compilerKey ?? 0);
  const works = (v: VersionSummaryRecord) =>
    compilerKey !== undefined && v.grenLower <= compilerKey && compilerKey < v.grenUpper;
  const ranges = [...new Set(live.map((v) => rangeText(v)))];
  const revokedFits = versions.filter((v) => v.revoked && works(v));
  const revokedNote =
    revokedFits.length === 0
      ? ""
      : `; ${listed(
          revokedFits.map((v) => versionText(v.versionKey)),
          "version",
        )} would, but ${revokedFits.length === 1 ? "it is" : "they are"} revoked`;
  return `none of its versions that are not revoked works with Gren ${compiler}, only with ${listed(ranges, "range")}${revokedNote}`;
}

/** Why no version is below `beforeKey`: none was ever published there, or all there are revoked. */
function whyNoPrevious(versions: VersionSummaryRecord[], beforeKey: number): string {
  const below = versions.filter((v) => v.versionKey < beforeKey);
  const lowest = versions[0];
  if (below.length === 0) {
    return `it has no version below ${versionText(beforeKey)}${lowest ? `, its lowest being ${versionText(lowest.versionKey)}` : ""}`;
  }
  return `every version below ${versionText(beforeKey)} is revoked (${listed(
    below.map((v) => versionText(v.versionKey)),
    "version",
  )})`;
}

function allRevoked(versions: VersionSummaryRecord[]): string {
  const newest = versions.at(-1)!;
  const why = newest.revoked ? ` with the reason ${quote(newest.revoked.reason)}` : "";
  return versions.length === 1
    ? `its one version, ${versionText(newest.versionKey)}, was revoked${why}`
    : `every one of its ${versions.length} versions is revoked, the newest, ${versionText(newest.versionKey)},${why}`;
}

const rangeText = (v: VersionSummaryRecord): string =>
  `${versionText(v.grenLower)} <= v < ${versionText(v.grenUpper)}`;

/** A few items, newest last, and how many more there are. */
function listed(items: string[], noun: string, shown = 5): string {
  const tail = items.slice(-shown);
  const more = items.length - tail.length;
  return more > 0 ? `${tail.join(", ")} and ${more} more ${noun}s` : tail.join(", ");
}
