import { formatPackageName, type PackageName, packageKey } from "../gren/names.ts";
import type { Database } from "../ports/database.ts";
import type { Ports } from "../ports/index.ts";
import type { FoundPackage, SearchJob } from "../ports/search.ts";
import { err, ok, type Result } from "../result.ts";
import { LISTING_LIMIT } from "../wire/limits.ts";
import type { Listing, PackageView } from "../wire/packages.ts";
import { isMember } from "./access.ts";
import { similarPackageNames } from "./similarNames.ts";
import {
  findPackage,
  listPackages as listPage,
  type PackageRecord,
  versionsOf,
} from "./stores/packages.ts";
import type { User } from "./stores/users.ts";
import { changesSummariesOf } from "./stores/versionChanges.ts";
import { listedPackageView, packageView } from "./views.ts";

/**
 * - `no_such_package` also answers for a private package the viewer may not
 *   see: to outsiders it does not exist, so its existence does not leak. It
 *   names the packages close to the name that the viewer may see.
 */
export type PackageLookupError =
  | { kind: "invalid_package_name"; name: string }
  | { kind: "no_such_package"; name: string; suggestions?: string[] };

/** The package, if `viewer` may know it exists: private packages only to their identity's members. */
export function findVisiblePackage(
  db: Database,
  name: PackageName,
  viewer: User | undefined,
): Result<PackageRecord, PackageLookupError> {
  const pkg = findPackage(db, packageKey(name));
  if (!pkg || (pkg.private && !isMember(db, pkg.identityId, viewer))) {
    return err({
      kind: "no_such_package",
      name: formatPackageName(name),
      suggestions: similarPackageNames(db, name, viewer),
    });
  }
  return ok(pkg);
}

/** A package and every version it ever had, revoked ones included, in ascending order. */
export function describePackage(
  db: Database,
  name: PackageName,
  viewer: User | undefined,
): Result<PackageView, PackageLookupError> {
  const found = findVisiblePackage(db, name, viewer);
  if (!found.ok) return found;
  const { id } = found.value;
  return ok(packageView(found.value, versionsOf(db, id), changesSummariesOf(db, id)));
}

/**
 * - `search_too_costly`: the search did not finish in the time a search is given.
 * - `searches_busy`: more searches are waiting than the registry queues.
 */
export type ListingError =
  | { kind: "invalid_limit"; max: number }
  | { kind: "search_too_costly"; limitMs: number }
  | { kind: "searches_busy" };

/**
 * Packages in name order, optionally only those whose name, summary or module
 * names contain `query`, a page at a time. The cursor is the last name of the
 * previous page, in the listing's own order. A search runs wherever
 * `ports.search` runs it: its cost depends on what is searched for.
 */
export async function listPackages(
  ports: Pick<Ports, "db" | "search">,
  input: { query: string | undefined; limit: number | undefined; cursor: string | undefined },
  viewer: User | undefined,
): Promise<Result<Listing, ListingError>> {
  const limit = input.limit ?? LISTING_LIMIT.default;
  if (limit < 1 || limit > LISTING_LIMIT.max) {
    return err({ kind: "invalid_limit", max: LISTING_LIMIT.max });
  }
  const job: SearchJob = {
    query: input.query?.trim() ?? "",
    after: input.cursor ?? "",
    viewerId: viewer?.id,
    limit: limit + 1,
  };
  let rows: FoundPackage[];
  if (job.query === "") {
    // Walking the names in order, a page at a time, costs the same whatever is asked.
    rows = searchCatalogue(ports.db, job);
  } else {
    const found = await ports.search.find(job);
    if (!found.ok) {
      return err(
        found.error.kind === "busy"
          ? { kind: "searches_busy" }
          : { kind: "search_too_costly", limitMs: found.error.limitMs },
      );
    }
    rows = found.value;
  }
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return ok({
    packages: page.map(listedPackageView),
    next: rows.length > limit && last ? last.key : null,
  });
}

/** The search itself, on `db`: whoever runs it gives it a database of its own to read. */
export const searchCatalogue = (db: Database, job: SearchJob): FoundPackage[] => listPage(db, job);
