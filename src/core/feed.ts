import { formatVersion, versionFromKey } from "../gren/semver.ts";
import type { Database } from "../ports/database.ts";
import type { EventType } from "./events.ts";
import { isoTime } from "./time.ts";

/** A change, as the feed, the live stream and webhooks tell it. */
export interface FeedEvent {
  seq: number;
  type: EventType;
  name: string;
  version: string;
  at: string;
}

export const FEED_LIMIT = { default: 100, max: 1000 } as const;

/** Events of public packages after `since`, in order. Private packages never appear. */
export function eventsAfter(db: Database, since: number, limit: number): FeedEvent[] {
  return db
    .all(
      `SELECT events.seq, events.type, identities.name AS author, packages.project, events.version_key, events.at
       FROM events
       JOIN packages ON packages.id = events.package_id
       JOIN identities ON identities.id = packages.identity_id
       WHERE events.seq > ? AND packages.private = 0
       ORDER BY events.seq LIMIT ?`,
      [since, limit],
    )
    .map((row) => ({
      seq: Number(row.seq),
      type: row.type as EventType,
      name: `${row.author}/${row.project}`,
      version: formatVersion(versionFromKey(Number(row.version_key))),
      at: isoTime(Number(row.at)),
    }));
}

/** The highest sequence number recorded so far, public or not. */
export function lastSeq(db: Database): number {
  return Number(db.get("SELECT coalesce(max(seq), 0) AS seq FROM events")?.seq ?? 0);
}

/**
 * One page of the feed. `next` is what to pass as `since` for the following
 * page; when the page is not full it has reached the end, and `next` moves
 * past events that were hidden (private) so they are not scanned again.
 */
export function readFeed(
  db: Database,
  since: number,
  limit: number,
): { events: FeedEvent[]; next: number } {
  const end = lastSeq(db);
  const events = eventsAfter(db, since, limit);
  const next = events.length === limit ? events.at(-1)!.seq : Math.max(since, end);
  return { events, next };
}
