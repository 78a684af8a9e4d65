import {
  formatPackageName,
  type IdentityName,
  type PackageName,
  type ProjectName,
  parseIdentityName,
  parseProjectName,
} from "../gren/names.ts";
import { formatRange, formatVersion, versionFromKey } from "../gren/semver.ts";
import type { Database } from "../ports/database.ts";
import { err, ok, type Result } from "../result.ts";
import { roleIn } from "./access.ts";
import type { User } from "./users.ts";

export interface PackageRecord {
  id: number;
  identityId: number;
  /** As registered: the author keeps its identity's case. */
  name: PackageName;
  private: boolean;
  summary: string;
  license: string;
}

export type PackageLookupError =
  | { kind: "invalid_package_name"; name: string }
  | { kind: "no_such_package"; name: string };

export const packageKey = (name: PackageName): string =>
  `${name.author.toLowerCase()}/${name.project}`;

export function parseNameParts(
  author: string,
  project: string,
): Result<{ author: IdentityName; project: ProjectName }, PackageLookupError> {
  const parsedAuthor = parseIdentityName(author);
  const parsedProject = parseProjectName(project);
  if (!parsedAuthor || !parsedProject)
    return err({ kind: "invalid_package_name", name: `${author}/${project}` });
  return ok({ author: parsedAuthor, project: parsedProject });
}

/** Whether `viewer` may see packages of this identity that are private: its members may. */
export function seesPrivate(db: Database, identityId: number, viewer: User | undefined): boolean {
  return viewer !== undefined && roleIn(db, identityId, viewer.id) !== undefined;
}

/**
 * The package, if `viewer` may know it exists. A private package is not found
 * by anyone outside its identity, so its existence does not leak.
 */
export function findVisiblePackage(
  db: Database,
  author: string,
  project: string,
  viewer: User | undefined,
): Result<PackageRecord, PackageLookupError> {
  const name = parseNameParts(author, project);
  if (!name.ok) return name;
  const notFound = err({ kind: "no_such_package" as const, name: `${author}/${project}` });
  const row = db.get(
    `SELECT packages.id, packages.identity_id, identities.name AS author, packages.project,
            packages.private, packages.summary, packages.license
     FROM packages JOIN identities ON identities.id = packages.identity_id
     WHERE packages.name_key = ?`,
    [packageKey(name.value)],
  );
  if (!row) return notFound;
  const record = toRecord(row);
  if (record.private && !seesPrivate(db, record.identityId, viewer)) return notFound;
  return ok(record);
}

function toRecord(row: Record<string, unknown>): PackageRecord {
  return {
    id: Number(row.id),
    identityId: Number(row.identity_id),
    name: { author: row.author as IdentityName, project: row.project as ProjectName },
    private: row.private === 1,
    summary: String(row.summary),
    license: String(row.license),
  };
}

export interface Revocation {
  at: string;
  reason: string;
}

export interface VersionSummary {
  version: string;
  publishedAt: string;
  grenVersion: string;
  sha256: string;
  size: number;
  revoked: Revocation | null;
}

export interface PackageView {
  name: string;
  summary: string;
  license: string;
  private: boolean;
  versions: VersionSummary[];
}

/** A package and every version it ever had, revoked ones included, in ascending order. */
export function describePackage(
  db: Database,
  author: string,
  project: string,
  viewer: User | undefined,
): Result<PackageView, PackageLookupError> {
  const found = findVisiblePackage(db, author, project, viewer);
  if (!found.ok) return found;
  const pkg = found.value;
  const versions = db
    .all(
      `SELECT version_key, published_at, gren_lower, gren_upper, sha256, size, revoked_at, revoked_reason
       FROM versions WHERE package_id = ? ORDER BY version_key`,
      [pkg.id],
    )
    .map(
      (row): VersionSummary => ({
        version: formatVersion(versionFromKey(Number(row.version_key))),
        publishedAt: new Date(Number(row.published_at)).toISOString(),
        grenVersion: formatRange({
          lower: versionFromKey(Number(row.gren_lower)),
          upper: versionFromKey(Number(row.gren_upper)),
        }),
        sha256: String(row.sha256),
        size: Number(row.size),
        revoked: revocationOf(row),
      }),
    );
  return ok({
    name: formatPackageName(pkg.name),
    summary: pkg.summary,
    license: pkg.license,
    private: pkg.private,
    versions,
  });
}

export function revocationOf(row: Record<string, unknown>): Revocation | null {
  return row.revoked_at === null || row.revoked_at === undefined
    ? null
    : { at: new Date(Number(row.revoked_at)).toISOString(), reason: String(row.revoked_reason) };
}

/** The names of an identity's packages, private ones only for its members. */
export function identityPackages(
  db: Database,
  identityId: number,
  includePrivate: boolean,
): string[] {
  return db
    .all(
      `SELECT identities.name AS author, packages.project FROM packages
       JOIN identities ON identities.id = packages.identity_id
       WHERE packages.identity_id = ? AND (packages.private = 0 OR ?)
       ORDER BY packages.name_key`,
      [identityId, includePrivate ? 1 : 0],
    )
    .map((row) => `${row.author}/${row.project}`);
}

export interface ListedPackage {
  name: string;
  summary: string;
  latest: string | null;
}

export const LISTING_LIMIT = { default: 20, max: 100 } as const;

/**
 * Packages in name order, optionally only those whose name, summary or module
 * names contain `query`, a page at a time.
 */
export function listPackages(
  db: Database,
  input: { query: string | undefined; limit: number; cursor: string | undefined },
  viewer: User | undefined,
): { packages: ListedPackage[]; next: string | null } {
  const query = input.query?.trim() ?? "";
  // The cursor is the last name of the previous page, in the listing's own order.
  const after = input.cursor ?? "";
  // Trigram search needs three characters; shorter queries scan the (small) text column.
  const search =
    query === ""
      ? { sql: "", params: [] }
      : query.length >= 3
        ? {
            sql: "AND packages.id IN (SELECT rowid FROM package_search WHERE package_search MATCH ?)",
            params: [`"${query.replaceAll('"', '""')}"`],
          }
        : {
            sql: "AND packages.id IN (SELECT rowid FROM package_search WHERE instr(lower(text), lower(?)) > 0)",
            params: [query],
          };
  const rows = db.all(
    `SELECT packages.name_key, identities.name AS author, packages.project, packages.summary,
            (SELECT max(version_key) FROM versions
             WHERE versions.package_id = packages.id AND versions.revoked_at IS NULL) AS latest
     FROM packages JOIN identities ON identities.id = packages.identity_id
     WHERE packages.name_key > ?
       AND (packages.private = 0 OR packages.identity_id IN (SELECT identity_id FROM members WHERE user_id = ?))
       ${search.sql}
     ORDER BY packages.name_key LIMIT ?`,
    [after, viewer?.id ?? -1, ...search.params, input.limit + 1],
  );
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    packages: page.map((row) => ({
      name: `${row.author}/${row.project}`,
      summary: String(row.summary),
      latest: row.latest === null ? null : formatVersion(versionFromKey(Number(row.latest))),
    })),
    next: rows.length > input.limit && last ? String(last.name_key) : null,
  };
}

/** Keeps the search index in step with the package's newest summary and modules. */
export function indexForSearch(
  db: Database,
  packageId: number,
  name: string,
  summary: string,
  modules: string[],
): void {
  db.run("DELETE FROM package_search WHERE rowid = ?", [packageId]);
  db.run("INSERT INTO package_search (rowid, text) VALUES (?, ?)", [
    packageId,
    [name, summary, ...modules].join(" "),
  ]);
}
