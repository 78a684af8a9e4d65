import type { Database } from "../ports/database.ts";
import {
  dependencyKeysOf,
  packageIdOfKey,
  replaceLatestDependencies,
} from "./stores/dependents.ts";
import { headsChangedSince, lastChangeSeq, writeHead } from "./stores/packageHeads.ts";
import { tallyVersions } from "./stores/packages.ts";

/**
 * Writes what every read of a package asks first: its latest live version,
 * its highest, how many versions it has, the live one published last, and
 * the change that moved it (the last event recorded). The one writer of a
 * package's head: called inside each publication's and revocation's
 * transaction, after its event, so that every reader finds it ready and no
 * reader works it out again. What the latest version depends on moves with
 * it, and the packages it starts or stops using change too: their pages name
 * their users.
 */
export function recordPackageHead(
  db: Database,
  packageId: number,
): ReturnType<typeof tallyVersions> {
  const head = tallyVersions(db, packageId);
  writeHead(db, packageId, head);
  const uses = head.latestKey === undefined ? [] : dependencyKeysOf(db, packageId, head.latestKey);
  const used = replaceLatestDependencies(db, packageId, uses);
  const now = new Set(uses);
  const before = new Set(used);
  for (const key of new Set([...uses, ...used])) {
    if (now.has(key) && before.has(key)) continue;
    const dependencyId = packageIdOfKey(db, key);
    if (dependencyId !== undefined && dependencyId !== packageId) {
      writeHead(db, dependencyId, tallyVersions(db, dependencyId));
    }
  }
  return head;
}

/** The last change to any package so far: where following the heads starts. */
export const lastPackageChange = (db: Database): number => lastChangeSeq(db);

/**
 * The packages changed after the change `since`, by the key the database gives
 * them, each with the change that moved it last, in the order of those changes.
 */
export const packagesChangedSince = (
  db: Database,
  since: number,
): { packageKey: string; changeSeq: number }[] => headsChangedSince(db, since);
