import { formatPackageName, type PackageName } from "../gren/names.ts";
import type { Database } from "../ports/database.ts";
import { ok, type Result } from "../result.ts";
import { eventsAfter, feedEnd } from "./feed.ts";
import { findVisiblePackage, type PackageLookupError } from "./packages.ts";
import { versionsOf } from "./stores/packages.ts";
import type { User } from "./stores/users.ts";
import { isoTime } from "./time.ts";
import { versionText } from "./views.ts";

// New versions, newest first, as the site's Atom feeds list them: of every
// public package, from the feed's own public events, or of one package.

/** Entries a feed holds. */
export const FEED_ENTRIES = 50;

export interface Publication {
  name: string;
  version: string;
  /** ISO 8601, UTC. */
  at: string;
  /** Undefined unless the version was revoked since. */
  revoked: string | undefined;
}

/** The versions of public packages published last, newest first. */
export function recentPublications(db: Database): Publication[] {
  // Revocations are events too: read enough to find the publications among them.
  const end = feedEnd(db);
  return eventsAfter(db, Math.max(0, end - 4 * FEED_ENTRIES), 4 * FEED_ENTRIES)
    .filter((event) => event.type === "published")
    .slice(-FEED_ENTRIES)
    .reverse()
    .map((event) => ({
      name: event.name,
      version: event.version,
      at: event.at,
      revoked: undefined,
    }));
}

/** A package's versions, newest first, with its summary. */
export function packagePublications(
  db: Database,
  packageName: PackageName,
  viewer: User | undefined,
): Result<
  { name: string; summary: string; private: boolean; publications: Publication[] },
  PackageLookupError
> {
  const found = findVisiblePackage(db, packageName, viewer);
  if (!found.ok) return found;
  const name = formatPackageName(found.value.name);
  const publications = versionsOf(db, found.value.id)
    .sort((a, b) => b.publishedAt - a.publishedAt || b.versionKey - a.versionKey)
    .slice(0, FEED_ENTRIES)
    .map((version) => ({
      name,
      version: versionText(version.versionKey),
      at: isoTime(version.publishedAt),
      revoked: version.revoked?.reason,
    }));
  return ok({ name, summary: found.value.summary, private: found.value.private, publications });
}
