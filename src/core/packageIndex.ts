import { formatPackageName, type PackageName } from "../gren/names.ts";
import type { Database } from "../ports/database.ts";
import type { Ports } from "../ports/index.ts";
import { ok, type Result } from "../result.ts";
import type { PackageIndex } from "../wire/packages.ts";
import { findVisiblePackage, type PackageLookupError } from "./packages.ts";
import { indexEntriesOf, type PackageRecord } from "./stores/packages.ts";
import { publishIndexesOf } from "./stores/transparencyLog.ts";
import type { User } from "./stores/users.ts";
import { changesSummariesOf } from "./stores/versionChanges.ts";
import { packageIndexView } from "./views.ts";

export interface IndexAnswer {
  index: PackageIndex;
  /**
   * Changes whenever the index does, and only then: the package head's tag,
   * made anew by every publication and revocation. It is random, not counted,
   * so a database restored to an older state never gives one tag to two
   * different indexes.
   */
  tag: string;
}

/**
 * Every version of a package, ascending, revoked ones included, with what a
 * resolver needs of each (the compiler can choose versions from this alone),
 * and where the transparency log holds its publication.
 * Private packages only to their identity's members.
 */
export function packageIndex(
  ports: Pick<Ports, "db">,
  name: PackageName,
  viewer: User | undefined,
): Result<IndexAnswer, PackageLookupError> {
  const found = findVisiblePackage(ports.db, name, viewer);
  if (!found.ok) return found;
  const { head } = found.value;
  if (head === undefined) {
    throw new Error(`The package ${formatPackageName(name)} has no versions`);
  }
  return ok({ index: indexOf(ports.db, found.value), tag: head.tag });
}

/** A package's index, whoever asks. */
export const indexOf = (db: Database, pkg: PackageRecord): PackageIndex =>
  packageIndexView(
    pkg,
    indexEntriesOf(db, pkg.id),
    publishIndexesOf(db, pkg.id),
    changesSummariesOf(db, pkg.id),
  );

/**
 * The index as the bytes of its answer: the API sends these, and the static
 * mirror holds them, so the two never differ by so much as a space.
 */
export const indexText = (index: PackageIndex): string => JSON.stringify(index);
