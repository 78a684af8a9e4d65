import type { IdentityName, PackageName, ProjectName } from "../../gren/names.ts";
import type { Platform } from "../../gren/outline.ts";
import type { Database, Row } from "../../ports/database.ts";
import type { RankedPackage, RankedSearchJob, SearchMatch } from "../../ports/search.ts";
import { HEAD_COLUMNS, type PackageHeadRecord, toHead } from "./packageHeads.ts";
import { bytes, flag, integer, optionalInteger, optionalText, text } from "./rows.ts";

// Packages, their versions, the bundles' bytes, and the search index.

export interface PackageRecord {
  id: number;
  identityId: number;
  /** As registered: the author keeps its identity's case. */
  name: PackageName;
  private: boolean;
  /** Of the highest version, shown in listings. */
  summary: string;
  license: string;
  /** What every read asks first; written with its first version, so only a package being created has none. */
  head: PackageHeadRecord | undefined;
}

/** Times are milliseconds since the epoch; versions and ranges are `versionKey`s. */
export interface RevocationRecord {
  at: number;
  reason: string;
}

export interface VersionSummaryRecord {
  versionKey: number;
  publishedAt: number;
  grenLower: number;
  grenUpper: number;
  sha256: string;
  size: number;
  revoked: RevocationRecord | undefined;
}

export interface VersionRecord extends VersionSummaryRecord {
  id: number;
  /** The outline exactly as published, as JSON text. */
  outline: string;
}

const PACKAGE_COLUMNS = `packages.id, packages.identity_id, identities.name AS author, packages.project,
  packages.private, packages.summary, packages.license, ${HEAD_COLUMNS}`;
const PACKAGE_TABLES = `packages JOIN identities ON identities.id = packages.identity_id
  LEFT JOIN package_heads ON package_heads.package_id = packages.id`;

const toPackage = (row: Row): PackageRecord => ({
  id: integer(row, "id"),
  identityId: integer(row, "identity_id"),
  name: {
    author: text(row, "author") as IdentityName,
    project: text(row, "project") as ProjectName,
  },
  private: flag(row, "private"),
  summary: text(row, "summary"),
  license: text(row, "license"),
  head: row.highest_key === null ? undefined : toHead(row),
});

function toRevocation(row: Row): RevocationRecord | undefined {
  const at = optionalInteger(row, "revoked_at");
  return at === undefined ? undefined : { at, reason: optionalText(row, "revoked_reason") ?? "" };
}

const SUMMARY_COLUMNS =
  "version_key, published_at, gren_lower, gren_upper, sha256, size, revoked_at, revoked_reason";

const toSummary = (row: Row): VersionSummaryRecord => ({
  versionKey: integer(row, "version_key"),
  publishedAt: integer(row, "published_at"),
  grenLower: integer(row, "gren_lower"),
  grenUpper: integer(row, "gren_upper"),
  sha256: text(row, "sha256"),
  size: integer(row, "size"),
  revoked: toRevocation(row),
});

const toVersion = (row: Row): VersionRecord => ({
  ...toSummary(row),
  id: integer(row, "id"),
  outline: text(row, "outline"),
});

/** The package whose `packageKey` is `key`. */
export function findPackage(db: Database, key: string): PackageRecord | undefined {
  const row = db.get(
    `SELECT ${PACKAGE_COLUMNS} FROM ${PACKAGE_TABLES} WHERE packages.name_key = :key`,
    { key },
  );
  return row && toPackage(row);
}

export function findPackageById(db: Database, id: number): PackageRecord | undefined {
  const row = db.get(`SELECT ${PACKAGE_COLUMNS} FROM ${PACKAGE_TABLES} WHERE packages.id = :id`, {
    id,
  });
  return row && toPackage(row);
}

/** Every public package that has a version, in name order. */
export function publicPackages(db: Database): PackageRecord[] {
  return db
    .all(
      `SELECT ${PACKAGE_COLUMNS} FROM ${PACKAGE_TABLES}
       WHERE packages.private = 0 AND package_heads.package_id IS NOT NULL
       ORDER BY packages.name_key`,
    )
    .map(toPackage);
}

/** A package whose bundles are installed under the file name `installKey` gives. */
export function findPackageInstalledAs(
  db: Database,
  installKey: string,
): PackageRecord | undefined {
  const row = db.get(
    `SELECT ${PACKAGE_COLUMNS} FROM ${PACKAGE_TABLES} WHERE packages.install_key = :installKey`,
    { installKey },
  );
  return row && toPackage(row);
}

export function insertPackage(
  db: Database,
  pkg: {
    identityId: number;
    project: string;
    key: string;
    installKey: string;
    private: boolean;
    summary: string;
    license: string;
    createdAt: number;
  },
): number {
  return db.run(
    `INSERT INTO packages (identity_id, project, name_key, install_key, private, summary, license, created_at)
     VALUES (:identityId, :project, :key, :installKey, :private, :summary, :license, :createdAt)`,
    { ...pkg, private: pkg.private ? 1 : 0 },
  ).lastInsertRowid;
}

/** Listings and search show the newest release's summary, licence and modules. */
export function showInListings(
  db: Database,
  packageId: number,
  newest: { name: string; summary: string; license: string; modules: readonly string[] },
): void {
  db.run("UPDATE packages SET summary = :summary, license = :license WHERE id = :packageId", {
    packageId,
    summary: newest.summary,
    license: newest.license,
  });
  db.run("DELETE FROM package_search WHERE rowid = :packageId", { packageId });
  db.run("INSERT INTO package_search (rowid, text) VALUES (:packageId, :text)", {
    packageId,
    text: [newest.name, newest.summary, ...newest.modules].join(" "),
  });
}

/** The names of an identity's packages in name order, private ones only when asked. */
export function packageNamesOf(
  db: Database,
  identityId: number,
  includePrivate: boolean,
): string[] {
  return db
    .all(
      `SELECT identities.name AS author, packages.project FROM packages
       JOIN identities ON identities.id = packages.identity_id
       WHERE packages.identity_id = :identityId AND (packages.private = 0 OR :includePrivate)
       ORDER BY packages.name_key`,
      { identityId, includePrivate: includePrivate ? 1 : 0 },
    )
    .map((row) => `${text(row, "author")}/${text(row, "project")}`);
}

/**
 * The names of packages the viewer may see whose identity is `identityKey`
 * (in any case), and of those whose project is `project`, at most `limit` of
 * each: where the package meant by a name with one part mistyped is.
 */
export function packagesSharingAPart(
  db: Database,
  input: { identityKey: string; project: string; viewerId: number | undefined; limit: number },
): PackageName[] {
  const visible = `(packages.private = 0 OR packages.identity_id IN
    (SELECT identity_id FROM members WHERE user_id = :viewerId))`;
  const params = { viewerId: input.viewerId ?? -1, limit: input.limit };
  const rows = [
    ...db.all(
      `SELECT identities.name AS author, packages.project FROM packages
       JOIN identities ON identities.id = packages.identity_id
       WHERE identities.name_key = :identityKey AND ${visible}
       ORDER BY packages.project LIMIT :limit`,
      { ...params, identityKey: input.identityKey },
    ),
    ...db.all(
      `SELECT identities.name AS author, packages.project FROM packages
       JOIN identities ON identities.id = packages.identity_id
       WHERE packages.project = :project AND ${visible}
       ORDER BY packages.name_key LIMIT :limit`,
      { ...params, project: input.project },
    ),
  ];
  return rows.map((row) => ({
    author: text(row, "author") as IdentityName,
    project: text(row, "project") as ProjectName,
  }));
}

export interface ListedRecord {
  key: string;
  name: string;
  summary: string;
  latestKey: number | undefined;
}

/**
 * A page of packages in name order after `after`, those the viewer may see,
 * optionally only those whose name, summary or module names contain `query`.
 */
export function listPackages(
  db: Database,
  input: { after: string; viewerId: number | undefined; query: string; limit: number },
): ListedRecord[] {
  // Trigram search needs three characters; shorter queries scan the (small) text column.
  const search =
    input.query === ""
      ? ""
      : input.query.length >= 3
        ? "AND packages.id IN (SELECT rowid FROM package_search WHERE package_search MATCH :match)"
        : "AND packages.id IN (SELECT rowid FROM package_search WHERE instr(lower(text), lower(:query)) > 0)";
  const params =
    input.query === ""
      ? {}
      : input.query.length >= 3
        ? { match: `"${input.query.replaceAll('"', '""')}"` }
        : { query: input.query };
  return db
    .all(
      `SELECT packages.name_key, identities.name AS author, packages.project, packages.summary,
              package_heads.latest_key AS latest
       FROM ${PACKAGE_TABLES}
       WHERE packages.name_key > :after
         AND (packages.private = 0 OR packages.identity_id IN
              (SELECT identity_id FROM members WHERE user_id = :viewerId))
         ${search}
       ORDER BY packages.name_key LIMIT :limit`,
      { after: input.after, viewerId: input.viewerId ?? -1, limit: input.limit, ...params },
    )
    .map((row) => ({
      key: text(row, "name_key"),
      name: `${text(row, "author")}/${text(row, "project")}`,
      summary: text(row, "summary"),
      latestKey: optionalInteger(row, "latest"),
    }));
}

/** Every version a package ever had, revoked ones included, in ascending order. */
export function versionsOf(db: Database, packageId: number): VersionSummaryRecord[] {
  return db
    .all(
      `SELECT ${SUMMARY_COLUMNS} FROM versions WHERE package_id = :packageId ORDER BY version_key`,
      { packageId },
    )
    .map(toSummary);
}

export function findVersion(
  db: Database,
  packageId: number,
  versionKey: number,
): VersionRecord | undefined {
  const row = db.get(
    `SELECT id, ${SUMMARY_COLUMNS}, outline FROM versions
     WHERE package_id = :packageId AND version_key = :versionKey`,
    { packageId, versionKey },
  );
  return row && toVersion(row);
}

/** The versions not revoked, oldest first. */
export function liveVersionsOf(db: Database, packageId: number): VersionRecord[] {
  return db
    .all(
      `SELECT id, ${SUMMARY_COLUMNS}, outline FROM versions
       WHERE package_id = :packageId AND revoked_at IS NULL ORDER BY version_key`,
      { packageId },
    )
    .map(toVersion);
}

export function insertVersion(
  db: Database,
  version: {
    packageId: number;
    versionKey: number;
    grenLower: number;
    grenUpper: number;
    platform: Platform;
    /** JSON text: package name to range, as the outline has them. */
    dependencies: string;
    outline: string;
    sha256: string;
    size: number;
    publishedAt: number;
    publisherId: number;
  },
): void {
  db.run(
    `INSERT INTO versions (package_id, version_key, gren_lower, gren_upper, platform, dependencies,
                           outline, sha256, size, published_at, publisher_id)
     VALUES (:packageId, :versionKey, :grenLower, :grenUpper, :platform, :dependencies,
             :outline, :sha256, :size, :publishedAt, :publisherId)`,
    version,
  );
}

/** What choosing a version as a dependency needs to know of it. */
export interface CandidateRecord {
  versionKey: number;
  grenLower: number;
  grenUpper: number;
  platform: Platform;
  /** JSON text: package name to range. */
  dependencies: string;
}

const toCandidate = (row: Row): CandidateRecord => ({
  versionKey: integer(row, "version_key"),
  grenLower: integer(row, "gren_lower"),
  grenUpper: integer(row, "gren_upper"),
  platform: text(row, "platform") as Platform,
  dependencies: text(row, "dependencies"),
});

/** Every version not revoked, oldest first, as a dependency resolver sees it. */
export function liveCandidatesOf(db: Database, packageId: number): CandidateRecord[] {
  return db
    .all(
      `SELECT version_key, gren_lower, gren_upper, platform, dependencies FROM versions
       WHERE package_id = :packageId AND revoked_at IS NULL ORDER BY version_key`,
      { packageId },
    )
    .map(toCandidate);
}

/** A version a resolver may choose, with what its answer names of it. */
export interface PinnableRecord extends CandidateRecord {
  sha256: string;
  size: number;
}

const toPinnable = (row: Row): PinnableRecord => ({
  ...toCandidate(row),
  sha256: text(row, "sha256"),
  size: integer(row, "size"),
});

/** A version as a package's index shows it to a resolver: revoked ones too, with why. */
export interface IndexEntryRecord extends PinnableRecord {
  revoked: RevocationRecord | undefined;
}

/** Every version a package ever had, ascending, with what resolving needs of each. */
export function indexEntriesOf(db: Database, packageId: number): IndexEntryRecord[] {
  return db
    .all(
      `SELECT version_key, gren_lower, gren_upper, platform, dependencies, sha256, size,
              revoked_at, revoked_reason
       FROM versions WHERE package_id = :packageId ORDER BY version_key`,
      { packageId },
    )
    .map((row) => ({ ...toPinnable(row), revoked: toRevocation(row) }));
}

/** A package as a resolver sees it: who may see it, and its live versions. */
export interface ResolvableRecord {
  name: PackageName;
  identityId: number;
  private: boolean;
  /** Not revoked, oldest first. */
  versions: PinnableRecord[];
}

/**
 * The package whose `packageKey` is `key`, with its live versions, in one
 * statement: a resolution reads one of these per package it reaches.
 */
export function resolvablePackage(db: Database, key: string): ResolvableRecord | undefined {
  const rows = db.all(
    `SELECT identities.name AS author, packages.project, packages.identity_id, packages.private,
            versions.version_key, versions.gren_lower, versions.gren_upper, versions.platform,
            versions.dependencies, versions.sha256, versions.size
     FROM packages JOIN identities ON identities.id = packages.identity_id
     LEFT JOIN versions ON versions.package_id = packages.id AND versions.revoked_at IS NULL
     WHERE packages.name_key = :key
     ORDER BY versions.version_key`,
    { key },
  );
  const [first] = rows;
  if (!first) return undefined;
  return {
    name: {
      author: text(first, "author") as IdentityName,
      project: text(first, "project") as ProjectName,
    },
    identityId: integer(first, "identity_id"),
    private: flag(first, "private"),
    // A package without live versions still has its one row, with no version in it.
    versions: rows.filter((row) => row.version_key !== null).map(toPinnable),
  };
}

// "latest" for a compiler and "previous" read only the versions_live index.

/** The highest version not revoked whose range holds a compiler version. */
export function latestLiveKeyFor(
  db: Database,
  packageId: number,
  compilerKey: number,
): number | undefined {
  const row = db.get(
    `SELECT version_key FROM versions
     WHERE package_id = :packageId AND revoked_at IS NULL
       AND gren_lower <= :compilerKey AND gren_upper > :compilerKey
     ORDER BY version_key DESC LIMIT 1`,
    { packageId, compilerKey },
  );
  return row && optionalInteger(row, "version_key");
}

/** The highest version not revoked below `beforeKey`. */
export function previousLiveKey(
  db: Database,
  packageId: number,
  beforeKey: number,
): number | undefined {
  const row = db.get(
    `SELECT version_key FROM versions
     WHERE package_id = :packageId AND revoked_at IS NULL AND version_key < :beforeKey
     ORDER BY version_key DESC LIMIT 1`,
    { packageId, beforeKey },
  );
  return row && integer(row, "version_key");
}

export function markRevoked(
  db: Database,
  versionId: number,
  revocation: { at: number; reason: string; by: number },
): void {
  db.run(
    "UPDATE versions SET revoked_at = :at, revoked_reason = :reason, revoked_by = :by WHERE id = :versionId",
    { versionId, ...revocation },
  );
}

/**
 * Bundles are stored in chunks of this many bytes, so that sending one reads
 * a chunk at a time, as the client takes them.
 */
export const BLOB_CHUNK_BYTES = 64 * 1024;

/** Stores a bundle's bytes under their SHA-256, once however many versions share them. */
export function storeBlob(db: Database, sha256: string, content: Uint8Array): void {
  const stored = db.run(
    "INSERT INTO blobs (sha256, size) VALUES (:sha256, :size) ON CONFLICT (sha256) DO NOTHING",
    { sha256, size: content.byteLength },
  );
  if (stored.changes === 0) return;
  for (let seq = 0; seq * BLOB_CHUNK_BYTES < Math.max(content.byteLength, 1); seq++) {
    db.run("INSERT INTO blob_chunks (blob_id, seq, bytes) VALUES (:blobId, :seq, :bytes)", {
      blobId: stored.lastInsertRowid,
      seq,
      bytes: content.subarray(seq * BLOB_CHUNK_BYTES, (seq + 1) * BLOB_CHUNK_BYTES),
    });
  }
}

/** One chunk of the bytes stored under `sha256`, counted from 0; undefined past the last, or when there are none. */
export function readBlobChunk(db: Database, sha256: string, seq: number): Uint8Array | undefined {
  const row = db.get(
    `SELECT blob_chunks.bytes FROM blobs JOIN blob_chunks ON blob_chunks.blob_id = blobs.id
     WHERE blobs.sha256 = :sha256 AND blob_chunks.seq = :seq`,
    { sha256, seq },
  );
  return row && bytes(row, "bytes");
}

/** All the bytes stored under `sha256`, in one piece. */
export function readBlob(db: Database, sha256: string): Uint8Array | undefined {
  const rows = db.all(
    `SELECT blob_chunks.bytes FROM blobs JOIN blob_chunks ON blob_chunks.blob_id = blobs.id
     WHERE blobs.sha256 = :sha256 ORDER BY blob_chunks.seq`,
    { sha256 },
  );
  if (rows.length === 0) return undefined;
  const chunks = rows.map((row) => bytes(row, "bytes"));
  const whole = new Uint8Array(chunks.reduce((size, chunk) => size + chunk.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    whole.set(chunk, at);
    at += chunk.byteLength;
  }
  return whole;
}

/**
 * Deletes the bytes once no live version uses them. With secure_delete on,
 * SQLite overwrites the freed pages, so the content leaves the file too.
 */
export function releaseBlob(db: Database, sha256: string): void {
  const unused = `SELECT id FROM blobs WHERE sha256 = :sha256
     AND NOT EXISTS (SELECT 1 FROM versions WHERE sha256 = :sha256 AND revoked_at IS NULL)`;
  db.run(`DELETE FROM blob_chunks WHERE blob_id IN (${unused})`, { sha256 });
  db.run(`DELETE FROM blobs WHERE id IN (${unused})`, { sha256 });
}

/** What a package's head says of its versions, counted from them. */
export function tallyVersions(
  db: Database,
  packageId: number,
): {
  latestKey: number | undefined;
  highestKey: number;
  versions: number;
  liveVersions: number;
  lastPublished: { versionKey: number; at: number } | undefined;
} {
  const row = db.get(
    `SELECT max(version_key) AS highest, count(*) AS versions,
            max(CASE WHEN revoked_at IS NULL THEN version_key END) AS latest,
            count(revoked_at IS NULL OR NULL) AS live
     FROM versions WHERE package_id = :packageId`,
    { packageId },
  );
  const last = db.get(
    `SELECT version_key, published_at FROM versions
     WHERE package_id = :packageId AND revoked_at IS NULL
     ORDER BY published_at DESC, version_key DESC LIMIT 1`,
    { packageId },
  );
  if (!row) throw new Error(`No versions of package ${packageId} to count`);
  return {
    latestKey: optionalInteger(row, "latest"),
    highestKey: integer(row, "highest"),
    versions: integer(row, "versions"),
    liveVersions: integer(row, "live"),
    lastPublished: last && {
      versionKey: integer(last, "version_key"),
      at: integer(last, "published_at"),
    },
  };
}

/**
 * The lowest version of a package in `lower <= v < upper`, revoked or not: the
 * one a dependent that asks for that range is built against.
 */
export function lowestVersionIn(
  db: Database,
  packageId: number,
  range: { lowerKey: number; upperKey: number },
): { id: number; versionKey: number } | undefined {
  const row = db.get(
    `SELECT id, version_key FROM versions
     WHERE package_id = :packageId AND version_key >= :lowerKey AND version_key < :upperKey
     ORDER BY version_key LIMIT 1`,
    { packageId, ...range },
  );
  return row && { id: integer(row, "id"), versionKey: integer(row, "version_key") };
}

/** Whether a version was revoked. */
export function isRevoked(db: Database, versionId: number): boolean {
  return (
    db.get("SELECT 1 FROM versions WHERE id = :versionId AND revoked_at IS NOT NULL", {
      versionId,
    }) !== undefined
  );
}

const MATCHES: readonly SearchMatch[] = ["exact", "prefix", "name", "summary", "module"];

/**
 * Packages the viewer may see whose name, summary or module names contain
 * `query` (lower case), the best matches first: the exact name (or project),
 * then names that start with it, names that contain it, summaries, and
 * modules; each kind in name order.
 */
export function rankedSearch(db: Database, input: RankedSearchJob): RankedPackage[] {
  const query = input.query.toLowerCase();
  // The trigram index matches three characters or more; shorter text is looked for in every row.
  const indexed = query.length >= 3;
  const found = indexed
    ? "package_search MATCH :match"
    : "instr(lower(package_search.text), :query) > 0";
  const prefix = `${query.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
  return db
    .all(
      `SELECT packages.name_key, identities.name AS author, packages.project, packages.summary,
              package_heads.latest_key AS latest, package_search.text AS indexed,
              CASE
                WHEN packages.name_key = :query OR packages.project = :query THEN 0
                WHEN packages.name_key LIKE :prefix ESCAPE '\\'
                  OR packages.project LIKE :prefix ESCAPE '\\' THEN 1
                WHEN instr(packages.name_key, :query) > 0 THEN 2
                WHEN instr(lower(packages.summary), :query) > 0 THEN 3
                ELSE 4
              END AS rank
       FROM ${PACKAGE_TABLES} JOIN package_search ON package_search.rowid = packages.id
       WHERE ${found}
         AND (packages.private = 0 OR packages.identity_id IN
              (SELECT identity_id FROM members WHERE user_id = :viewerId))
       ORDER BY rank, packages.name_key LIMIT :limit OFFSET :offset`,
      {
        query,
        prefix,
        // node:sqlite refuses a named parameter the statement does not name.
        ...(indexed ? { match: `"${query.replaceAll('"', '""')}"` } : {}),
        viewerId: input.viewerId ?? -1,
        limit: input.limit,
        offset: input.offset,
      },
    )
    .map((row) => ({
      key: text(row, "name_key"),
      name: `${text(row, "author")}/${text(row, "project")}`,
      summary: text(row, "summary"),
      latestKey: optionalInteger(row, "latest"),
      indexed: text(row, "indexed"),
      match: MATCHES[integer(row, "rank")] ?? "module",
    }));
}

export interface PackageSummaryRecord {
  name: PackageName;
  summary: string;
  private: boolean;
  latestKey: number | undefined;
  /** When its live version published last was, if it has one. */
  lastPublishedAt: number | undefined;
}

/** An identity's packages in name order, with what a list of them shows; private ones only when asked. */
export function packageSummariesOf(
  db: Database,
  identityId: number,
  includePrivate: boolean,
): PackageSummaryRecord[] {
  return db
    .all(
      `SELECT identities.name AS author, packages.project, packages.summary, packages.private,
              package_heads.latest_key, package_heads.last_published_at
       FROM ${PACKAGE_TABLES}
       WHERE packages.identity_id = :identityId AND (packages.private = 0 OR :includePrivate)
       ORDER BY packages.name_key`,
      { identityId, includePrivate: includePrivate ? 1 : 0 },
    )
    .map((row) => ({
      name: {
        author: text(row, "author") as IdentityName,
        project: text(row, "project") as ProjectName,
      },
      summary: text(row, "summary"),
      private: flag(row, "private"),
      latestKey: optionalInteger(row, "latest_key"),
      lastPublishedAt: optionalInteger(row, "last_published_at"),
    }));
}
