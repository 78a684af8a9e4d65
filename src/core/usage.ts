import { formatPackageName, type PackageName, packageKey } from "../gren/names.ts";
import type { Database } from "../ports/database.ts";
import { ok, type Result } from "../result.ts";
import type { Dependents, PackageDownloads } from "../wire/usage.ts";
import { findVisiblePackage, type PackageLookupError } from "./packages.ts";
import { countDependents, dependentsOf } from "./stores/dependents.ts";
import { addDownloads, dailyDownloads, versionDownloads } from "./stores/downloads.ts";
import type { PackageRecord } from "./stores/packages.ts";
import { versionsOf } from "./stores/packages.ts";
import type { User } from "./stores/users.ts";
import { versionText } from "./views.ts";

// Who uses a package: the packages whose latest version depends on it, and
// how often its bundles are downloaded. Downloads are counted by the server
// as they happen and written here in batches, per version and per day.

const DAY_MS = 24 * 60 * 60 * 1000;

/** Days of downloads an answer shows, today among them. */
export const DOWNLOAD_DAYS = 30;

/** Packages named as using one, at most; the count says how many there are in all. */
export const DEPENDENTS_SHOWN = 100;

/** The day of a time, as days since the Unix epoch, in UTC. */
export const dayOf = (millis: number): number => Math.floor(millis / DAY_MS);

const dateOf = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** Downloads of one version, counted since the last batch. */
export interface DownloadTally {
  packageKey: string;
  versionKey: number;
  count: number;
}

/**
 * Adds a batch of downloads, all on `day`; call it inside a transaction.
 * Gives the keys of the packages whose counts moved.
 */
export function recordDownloads(
  db: Database,
  tallies: Iterable<DownloadTally>,
  day: number,
): Set<string> {
  const moved = new Set<string>();
  for (const tally of tallies) {
    if (addDownloads(db, tally, day, tally.count)) moved.add(tally.packageKey);
  }
  return moved;
}

/** A package's downloads: in all, on each of the last days, and of each version. */
export function packageDownloads(
  db: Database,
  input: { name: PackageName; now: number },
  viewer: User | undefined,
): Result<PackageDownloads, PackageLookupError> {
  const found = findVisiblePackage(db, input.name, viewer);
  if (!found.ok) return found;
  return ok(downloadsOf(db, found.value, input.now));
}

export function downloadsOf(db: Database, pkg: PackageRecord, now: number): PackageDownloads {
  const today = dayOf(now);
  const counted = versionDownloads(db, pkg.id);
  const byDay = new Map(
    dailyDownloads(db, pkg.id, today - DOWNLOAD_DAYS + 1).map(({ day, count }) => [day, count]),
  );
  const days = [];
  for (let day = today - DOWNLOAD_DAYS + 1; day <= today; day++) {
    days.push({ date: dateOf(day), count: byDay.get(day) ?? 0 });
  }
  const versions = versionsOf(db, pkg.id)
    .map((version) => ({
      version: versionText(version.versionKey),
      count: counted.get(version.versionKey) ?? 0,
    }))
    .reverse();
  let total = 0;
  for (const count of counted.values()) total += count;
  return { name: formatPackageName(pkg.name), total, days, versions };
}

/** The packages whose latest version depends on this one, those the viewer may see. */
export function packageDependents(
  db: Database,
  name: PackageName,
  viewer: User | undefined,
): Result<Dependents, PackageLookupError> {
  const found = findVisiblePackage(db, name, viewer);
  if (!found.ok) return found;
  return ok(dependentsView(db, found.value, viewer, DEPENDENTS_SHOWN));
}

export function dependentsView(
  db: Database,
  pkg: PackageRecord,
  viewer: User | undefined,
  most: number,
): Dependents {
  const key = packageKey(pkg.name);
  return {
    name: formatPackageName(pkg.name),
    count: countDependents(db, key, viewer?.id),
    packages: dependentsOf(db, key, viewer?.id, most).map((dependent) => ({
      name: formatPackageName(dependent.name),
      summary: dependent.summary,
      latest: dependent.latestKey === undefined ? null : versionText(dependent.latestKey),
    })),
  };
}
