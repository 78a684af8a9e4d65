import { formatPackageName } from "../gren/names.ts";
import {
  formatVersion,
  parseVersion,
  type Version,
  versionFromKey,
  versionKey,
} from "../gren/semver.ts";
import type { Database } from "../ports/database.ts";
import { err, ok, type Result } from "../result.ts";
import { readBlob } from "./blobs.ts";
import {
  findVisiblePackage,
  type PackageLookupError,
  type PackageRecord,
  type Revocation,
  revocationOf,
} from "./packages.ts";
import type { User } from "./users.ts";

export type VersionLookupError =
  | PackageLookupError
  | { kind: "invalid_version"; version: string }
  | { kind: "no_such_version"; name: string; version: string };

export type BundleError =
  | VersionLookupError
  | { kind: "revoked"; name: string; version: string; revoked: Revocation };

export type VersionQueryError =
  | PackageLookupError
  | { kind: "invalid_version"; version: string }
  | { kind: "no_version_found"; name: string };

export interface VersionView {
  name: string;
  version: string;
  publishedAt: string;
  sha256: string;
  size: number;
  outline: unknown;
  revoked: Revocation | null;
}

interface Located {
  pkg: PackageRecord;
  version: Version;
  row: Record<string, unknown>;
}

function locate(
  db: Database,
  input: { author: string; project: string; version: string },
  viewer: User | undefined,
): Result<Located, VersionLookupError> {
  const found = findVisiblePackage(db, input.author, input.project, viewer);
  if (!found.ok) return found;
  const version = parseVersion(input.version);
  if (!version) return err({ kind: "invalid_version", version: input.version });
  const row = db.get(
    `SELECT published_at, outline, sha256, size, revoked_at, revoked_reason
     FROM versions WHERE package_id = ? AND version_key = ?`,
    [found.value.id, versionKey(version)],
  );
  if (!row) {
    return err({
      kind: "no_such_version",
      name: formatPackageName(found.value.name),
      version: input.version,
    });
  }
  return ok({ pkg: found.value, version, row });
}

/** One version's metadata, which outlives a revocation so clients can say why it is gone. */
export function describeVersion(
  db: Database,
  input: { author: string; project: string; version: string },
  viewer: User | undefined,
): Result<VersionView, VersionLookupError> {
  const found = locate(db, input, viewer);
  if (!found.ok) return found;
  const { pkg, version, row } = found.value;
  return ok({
    name: formatPackageName(pkg.name),
    version: formatVersion(version),
    publishedAt: new Date(Number(row.published_at)).toISOString(),
    sha256: String(row.sha256),
    size: Number(row.size),
    outline: JSON.parse(String(row.outline)),
    revoked: revocationOf(row),
  });
}

/** The exact bytes that were published, unless the version was revoked. */
export function bundleOf(
  db: Database,
  input: { author: string; project: string; version: string },
  viewer: User | undefined,
): Result<{ bytes: Uint8Array; sha256: string; private: boolean }, BundleError> {
  const found = locate(db, input, viewer);
  if (!found.ok) return found;
  const { pkg, version, row } = found.value;
  const revoked = revocationOf(row);
  const name = formatPackageName(pkg.name);
  if (revoked) return err({ kind: "revoked", name, version: formatVersion(version), revoked });
  const sha256 = String(row.sha256);
  const bytes = readBlob(db, sha256);
  if (!bytes)
    throw new Error(`The bundle of ${name} ${formatVersion(version)} (${sha256}) is missing`);
  return ok({ bytes, sha256, private: pkg.private });
}

/**
 * The highest version, not revoked, whose `gren-version` range contains the
 * compiler version; without one, simply the highest not revoked.
 */
export function latestVersion(
  db: Database,
  input: { author: string; project: string; gren: string | undefined },
  viewer: User | undefined,
): Result<{ version: string }, VersionQueryError> {
  const found = findVisiblePackage(db, input.author, input.project, viewer);
  if (!found.ok) return found;
  const pkg = found.value;
  let row: Record<string, unknown> | undefined;
  if (input.gren === undefined) {
    row = db.get(
      "SELECT max(version_key) AS version_key FROM versions WHERE package_id = ? AND revoked_at IS NULL",
      [pkg.id],
    );
  } else {
    const compiler = parseVersion(input.gren);
    if (!compiler) return err({ kind: "invalid_version", version: input.gren });
    const key = versionKey(compiler);
    row = db.get(
      `SELECT version_key FROM versions
       WHERE package_id = ? AND revoked_at IS NULL AND gren_lower <= ? AND gren_upper > ?
       ORDER BY version_key DESC LIMIT 1`,
      [pkg.id, key, key],
    );
  }
  return foundVersion(pkg, row);
}

/** The highest version, not revoked, below the given one (which need not exist). */
export function previousVersion(
  db: Database,
  input: { author: string; project: string; version: string },
  viewer: User | undefined,
): Result<{ version: string }, VersionQueryError> {
  const found = findVisiblePackage(db, input.author, input.project, viewer);
  if (!found.ok) return found;
  const before = parseVersion(input.version);
  if (!before) return err({ kind: "invalid_version", version: input.version });
  const row = db.get(
    `SELECT version_key FROM versions
     WHERE package_id = ? AND revoked_at IS NULL AND version_key < ?
     ORDER BY version_key DESC LIMIT 1`,
    [found.value.id, versionKey(before)],
  );
  return foundVersion(found.value, row);
}

function foundVersion(
  pkg: PackageRecord,
  row: Record<string, unknown> | undefined,
): Result<{ version: string }, VersionQueryError> {
  if (row?.version_key === undefined || row.version_key === null) {
    return err({ kind: "no_version_found", name: formatPackageName(pkg.name) });
  }
  return ok({ version: formatVersion(versionFromKey(Number(row.version_key))) });
}
