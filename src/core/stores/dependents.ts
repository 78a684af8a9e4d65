import type { IdentityName, PackageName, ProjectName } from "../../gren/names.ts";
import type { Database } from "../../ports/database.ts";
import { integer, optionalInteger, text } from "./rows.ts";

// Which packages each package's latest live version depends on
// (latest_dependencies): rewritten whenever the package's head moves, so that
// the packages using one are a single indexed read.

/** The package's latest version now depends on these (package keys); none when it has no live version. */
export function replaceLatestDependencies(
  db: Database,
  packageId: number,
  dependencyKeys: readonly string[],
): string[] {
  const before = db
    .all("SELECT dependency_key FROM latest_dependencies WHERE package_id = :packageId", {
      packageId,
    })
    .map((row) => text(row, "dependency_key"));
  db.run("DELETE FROM latest_dependencies WHERE package_id = :packageId", { packageId });
  for (const dependencyKey of new Set(dependencyKeys)) {
    db.run(
      "INSERT INTO latest_dependencies (package_id, dependency_key) VALUES (:packageId, :dependencyKey)",
      { packageId, dependencyKey },
    );
  }
  return before;
}

export interface DependentRecord {
  name: PackageName;
  summary: string;
  latestKey: number | undefined;
}

/**
 * The packages whose latest version depends on the package keyed
 * `dependencyKey`, those the viewer may see, in name order.
 */
export function dependentsOf(
  db: Database,
  dependencyKey: string,
  viewerId: number | undefined,
  limit: number,
): DependentRecord[] {
  return db
    .all(
      `SELECT identities.name AS author, packages.project, packages.summary,
              package_heads.latest_key
       FROM latest_dependencies
       JOIN packages ON packages.id = latest_dependencies.package_id
       JOIN identities ON identities.id = packages.identity_id
       LEFT JOIN package_heads ON package_heads.package_id = packages.id
       WHERE latest_dependencies.dependency_key = :dependencyKey
         AND (packages.private = 0 OR packages.identity_id IN
              (SELECT identity_id FROM members WHERE user_id = :viewerId))
       ORDER BY packages.name_key LIMIT :limit`,
      { dependencyKey, viewerId: viewerId ?? -1, limit },
    )
    .map((row) => ({
      name: {
        author: text(row, "author") as IdentityName,
        project: text(row, "project") as ProjectName,
      },
      summary: text(row, "summary"),
      latestKey: optionalInteger(row, "latest_key"),
    }));
}

/** How many packages the viewer may see use the package keyed `dependencyKey`. */
export function countDependents(
  db: Database,
  dependencyKey: string,
  viewerId: number | undefined,
): number {
  const row = db.get(
    `SELECT count(*) AS n FROM latest_dependencies
     JOIN packages ON packages.id = latest_dependencies.package_id
     WHERE latest_dependencies.dependency_key = :dependencyKey
       AND (packages.private = 0 OR packages.identity_id IN
            (SELECT identity_id FROM members WHERE user_id = :viewerId))`,
    { dependencyKey, viewerId: viewerId ?? -1 },
  );
  return row ? integer(row, "n") : 0;
}

/** The packages a version depends on, as package keys. */
export function dependencyKeysOf(db: Database, packageId: number, versionKey: number): string[] {
  const row = db.get(
    "SELECT dependencies FROM versions WHERE package_id = :packageId AND version_key = :versionKey",
    { packageId, versionKey },
  );
  if (row === undefined) return [];
  return Object.keys(JSON.parse(text(row, "dependencies")) as Record<string, string>).map((name) =>
    name.toLowerCase(),
  );
}

/** The package keyed so, by its id. */
export function packageIdOfKey(db: Database, key: string): number | undefined {
  const row = db.get("SELECT id FROM packages WHERE name_key = :key", { key });
  return row && integer(row, "id");
}
