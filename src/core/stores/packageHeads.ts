import type { IdentityName, ProjectName } from "../../gren/names.ts";
import type { Database, Row } from "../../ports/database.ts";
import { integer, optionalInteger, text } from "./rows.ts";

// Each package's head: what every read of a package asks first (its latest
// live version, its highest, how many it has) and the number of the change
// that last moved it. One row per package, written only by `recordPackageHead`.

export interface PackageHeadRecord {
  /** The highest version not revoked; undefined once every version is revoked. */
  latestKey: number | undefined;
  /** The highest version ever published, revoked or not. */
  highestKey: number;
  versions: number;
  liveVersions: number;
  /** The live version published last, and when. */
  lastPublished: { versionKey: number; at: number } | undefined;
  /** The number of the last change to the package, counted across all packages. */
  changeSeq: number;
  /** Different after every change, and never seen before. */
  tag: string;
}

export const HEAD_COLUMNS = `package_heads.latest_key, package_heads.highest_key, package_heads.versions,
  package_heads.live_versions, package_heads.last_published_key, package_heads.last_published_at,
  package_heads.change_seq, package_heads.tag`;

export function toHead(row: Row): PackageHeadRecord {
  const lastKey = optionalInteger(row, "last_published_key");
  const lastAt = optionalInteger(row, "last_published_at");
  return {
    latestKey: optionalInteger(row, "latest_key"),
    highestKey: integer(row, "highest_key"),
    versions: integer(row, "versions"),
    liveVersions: integer(row, "live_versions"),
    lastPublished:
      lastKey === undefined || lastAt === undefined
        ? undefined
        : { versionKey: lastKey, at: lastAt },
    changeSeq: integer(row, "change_seq"),
    tag: text(row, "tag"),
  };
}

export function writeHead(
  db: Database,
  packageId: number,
  head: Omit<PackageHeadRecord, "changeSeq" | "tag">,
): void {
  db.run(
    `INSERT INTO package_heads (package_id, latest_key, highest_key, versions, live_versions,
                                last_published_key, last_published_at, change_seq, tag)
     VALUES (:packageId, :latestKey, :highestKey, :versions, :liveVersions,
             :lastKey, :lastAt,
             (SELECT coalesce(max(change_seq), 0) + 1 FROM package_heads),
             lower(hex(randomblob(16))))
     ON CONFLICT (package_id) DO UPDATE SET
       latest_key = excluded.latest_key, highest_key = excluded.highest_key,
       versions = excluded.versions, live_versions = excluded.live_versions,
       last_published_key = excluded.last_published_key,
       last_published_at = excluded.last_published_at,
       change_seq = excluded.change_seq, tag = excluded.tag`,
    {
      packageId,
      latestKey: head.latestKey ?? null,
      highestKey: head.highestKey,
      versions: head.versions,
      liveVersions: head.liveVersions,
      lastKey: head.lastPublished?.versionKey ?? null,
      lastAt: head.lastPublished?.at ?? null,
    },
  );
}

export function readHead(db: Database, packageId: number): PackageHeadRecord | undefined {
  const row = db.get(`SELECT ${HEAD_COLUMNS} FROM package_heads WHERE package_id = :packageId`, {
    packageId,
  });
  return row && toHead(row);
}

/** The last change to any package so far. */
export function lastChangeSeq(db: Database): number {
  const row = db.get("SELECT max(change_seq) AS seq FROM package_heads");
  return (row && optionalInteger(row, "seq")) ?? 0;
}

/** The packages changed after `since`, by the key the database gives them, with their change. */
export function headsChangedSince(
  db: Database,
  since: number,
): { packageKey: string; changeSeq: number }[] {
  return db
    .all(
      `SELECT packages.name_key, package_heads.change_seq FROM package_heads
       JOIN packages ON packages.id = package_heads.package_id
       WHERE package_heads.change_seq > :since ORDER BY package_heads.change_seq`,
      { since },
    )
    .map((row) => ({ packageKey: text(row, "name_key"), changeSeq: integer(row, "change_seq") }));
}

export interface RecentRecord {
  name: { author: IdentityName; project: ProjectName };
  summary: string;
  versionKey: number;
  at: number;
}

/**
 * Public packages by when their last live version was published, newest
 * first; versions published in the same millisecond, in the order they were.
 */
export function recentlyPublishedHeads(db: Database, count: number): RecentRecord[] {
  return db
    .all(
      `SELECT identities.name AS author, packages.project, packages.summary,
              package_heads.last_published_key, package_heads.last_published_at
       FROM package_heads JOIN packages ON packages.id = package_heads.package_id
       JOIN identities ON identities.id = packages.identity_id
       JOIN versions AS last ON last.package_id = package_heads.package_id
                            AND last.version_key = package_heads.last_published_key
       WHERE package_heads.last_published_at IS NOT NULL AND packages.private = 0
       ORDER BY package_heads.last_published_at DESC, last.id DESC
       LIMIT :count`,
      { count },
    )
    .map((row) => ({
      name: {
        author: text(row, "author") as IdentityName,
        project: text(row, "project") as ProjectName,
      },
      summary: text(row, "summary"),
      versionKey: integer(row, "last_published_key"),
      at: integer(row, "last_published_at"),
    }));
}
