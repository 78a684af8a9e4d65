import type { Database } from "../ports/database.ts";
import { eventsAfter, feedEnd } from "./feed.ts";
import { findVisiblePackage } from "./packages.ts";

export interface RecentPublication {
  name: string;
  version: string;
  summary: string;
  /** When it was published, ISO 8601 UTC. */
  at: string;
}

/** Enough of the feed's tail to fill the list when a few packages publish often. */
const EVENTS_PER_PACKAGE = 8;

/**
 * The packages published most recently, newest first, each once with its
 * newest version, read from the end of the public feed: private packages
 * never appear, and a version revoked since is left out.
 */
export function recentlyPublished(db: Database, count: number): RecentPublication[] {
  const window = count * EVENTS_PER_PACKAGE;
  const events = eventsAfter(db, Math.max(0, feedEnd(db) - window), window).reverse();
  const revoked = new Set<string>();
  const seen = new Set<string>();
  const recent: RecentPublication[] = [];
  for (const event of events) {
    const release = `${event.name}@${event.version}`;
    if (event.type === "revoked") {
      revoked.add(release);
      continue;
    }
    if (revoked.has(release) || seen.has(event.name)) continue;
    seen.add(event.name);
    const [author = "", project = ""] = event.name.split("/");
    const pkg = findVisiblePackage(db, author, project, undefined);
    if (!pkg.ok) continue;
    recent.push({
      name: event.name,
      version: event.version,
      summary: pkg.value.summary,
      at: event.at,
    });
    if (recent.length === count) break;
  }
  return recent;
}
