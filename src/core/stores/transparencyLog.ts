import type { Database } from "../../ports/database.ts";
import { bytes, integer, text } from "./rows.ts";

// The transparency log's tables: its entries, the hashes of its tree's
// complete subtrees, and the checkpoints the registry signed.

export interface LoggedEntry {
  index: number;
  entry: Uint8Array;
}

export interface LogEntryRecord extends LoggedEntry {
  kind: "publish" | "revoke";
  /** A private package's change: what the logged commitment opens to. */
  opening: { salt: Uint8Array; entry: Uint8Array } | undefined;
}

export function logSize(db: Database): number {
  const row = db.get("SELECT coalesce(max(idx) + 1, 0) AS size FROM log_entries");
  return row ? integer(row, "size") : 0;
}

export function insertLogEntry(
  db: Database,
  entry: {
    index: number;
    entry: Uint8Array;
    kind: "publish" | "revoke";
    packageId: number;
    versionKey: number;
    opening: { salt: Uint8Array; entry: Uint8Array } | undefined;
  },
): void {
  db.run(
    `INSERT INTO log_entries (idx, entry, kind, package_id, version_key, salt, opening)
     VALUES (:idx, :entry, :kind, :packageId, :versionKey, :salt, :opening)`,
    {
      idx: entry.index,
      entry: entry.entry,
      kind: entry.kind,
      packageId: entry.packageId,
      versionKey: entry.versionKey,
      salt: entry.opening?.salt ?? null,
      opening: entry.opening?.entry ?? null,
    },
  );
}

export function insertLogNode(db: Database, level: number, index: number, hash: Uint8Array): void {
  db.run("INSERT INTO log_nodes (level, idx, hash) VALUES (:level, :index, :hash)", {
    level,
    index,
    hash,
  });
}

export function logNode(db: Database, level: number, index: number): Uint8Array | undefined {
  const row = db.get("SELECT hash FROM log_nodes WHERE level = :level AND idx = :index", {
    level,
    index,
  });
  return row ? bytes(row, "hash") : undefined;
}

/** The hashes of the complete subtrees at `level` from `start` up to, not including, `end`, in order. */
export function logNodesBetween(
  db: Database,
  level: number,
  start: number,
  end: number,
): Uint8Array[] {
  return db
    .all(
      `SELECT hash FROM log_nodes WHERE level = :level AND idx >= :start AND idx < :end
       ORDER BY idx`,
      { level, start, end },
    )
    .map((row) => bytes(row, "hash"));
}

/** Entries from `start` up to, not including, `end`. */
export function logEntriesBetween(db: Database, start: number, end: number): LoggedEntry[] {
  return db
    .all("SELECT idx, entry FROM log_entries WHERE idx >= :start AND idx < :end ORDER BY idx", {
      start,
      end,
    })
    .map((row) => ({ index: integer(row, "idx"), entry: bytes(row, "entry") }));
}

/** The entry that logged a version's publish (or revoke). */
export function logEntryOf(
  db: Database,
  packageId: number,
  versionKey: number,
  kind: "publish" | "revoke",
): LogEntryRecord | undefined {
  const row = db.get(
    `SELECT idx, entry, kind, salt, opening FROM log_entries
     WHERE package_id = :packageId AND version_key = :versionKey AND kind = :kind
     ORDER BY idx LIMIT 1`,
    { packageId, versionKey, kind },
  );
  if (!row) return undefined;
  const salt = row.salt;
  return {
    index: integer(row, "idx"),
    entry: bytes(row, "entry"),
    kind: text(row, "kind") as "publish" | "revoke",
    opening: salt instanceof Uint8Array ? { salt, entry: bytes(row, "opening") } : undefined,
  };
}

/** Each version's log index, keyed by version key, for a package's pages. */
export function publishIndexesOf(db: Database, packageId: number): Map<number, number> {
  const rows = db.all(
    "SELECT version_key, idx FROM log_entries WHERE package_id = :packageId AND kind = 'publish'",
    { packageId },
  );
  return new Map(rows.map((row) => [integer(row, "version_key"), integer(row, "idx")]));
}

export interface StoredCheckpoint {
  size: number;
  note: string;
}

export function insertCheckpoint(db: Database, checkpoint: StoredCheckpoint, at: number): void {
  db.run("INSERT INTO log_checkpoints (size, note, signed_at) VALUES (:size, :note, :at)", {
    size: checkpoint.size,
    note: checkpoint.note,
    at,
  });
}

/** The checkpoints signed, newest first. */
export function latestCheckpoints(db: Database, limit: number): StoredCheckpoint[] {
  return db
    .all("SELECT size, note FROM log_checkpoints ORDER BY id DESC LIMIT :limit", { limit })
    .map((row) => ({ size: integer(row, "size"), note: text(row, "note") }));
}

export interface HistoricalChange {
  kind: "publish" | "revoke";
  packageId: number;
  name: string;
  private: boolean;
  versionKey: number;
  sha256: string;
  size: number;
  at: number;
}

/** Every publish and revoke in the order they happened, for a database older than its log. */
export function pastChanges(db: Database): HistoricalChange[] {
  return db
    .all(
      `SELECT changes.kind, versions.package_id, identities.name || '/' || packages.project AS name,
         packages.private, versions.version_key, versions.sha256, versions.size, changes.at
       FROM (
         SELECT 'publish' AS kind, id, published_at AS at, 0 AS step FROM versions
         UNION ALL
         SELECT 'revoke', id, revoked_at, 1 FROM versions WHERE revoked_at IS NOT NULL
       ) AS changes
       JOIN versions ON versions.id = changes.id
       JOIN packages ON packages.id = versions.package_id
       JOIN identities ON identities.id = packages.identity_id
       ORDER BY changes.at, changes.step, versions.id`,
    )
    .map((row) => ({
      kind: text(row, "kind") as "publish" | "revoke",
      packageId: integer(row, "package_id"),
      name: text(row, "name"),
      private: integer(row, "private") === 1,
      versionKey: integer(row, "version_key"),
      sha256: text(row, "sha256"),
      size: integer(row, "size"),
      at: integer(row, "at"),
    }));
}
