import type { Database } from "../ports/database.ts";
import { err, ok, type Result } from "../result.ts";
import { FEED_LIMIT, type FeedEvent, type FeedPage } from "../wire/feed.ts";
import { lastSeq, publicEventsAfter } from "./stores/events.ts";
import { feedEventView } from "./views.ts";

export type FeedError = { kind: "invalid_limit"; max: number };

/** Events of public packages after `since`, in order. Private packages never appear. */
export const eventsAfter = (db: Database, since: number, limit: number): FeedEvent[] =>
  publicEventsAfter(db, since, limit).map(feedEventView);

/** The sequence number a follower asking for only new events starts after. */
export const feedEnd = (db: Database): number => lastSeq(db);

/**
 * One page of the feed. `next` is what to pass as `since` for the following
 * page; when the page is not full it has reached the end, and `next` moves
 * past events that were hidden (private) so they are not scanned again.
 */
export function readFeed(
  db: Database,
  since: number,
  limit: number | undefined,
): Result<FeedPage, FeedError> {
  const size = limit ?? FEED_LIMIT.default;
  if (size < 1 || size > FEED_LIMIT.max) return err({ kind: "invalid_limit", max: FEED_LIMIT.max });
  const end = lastSeq(db);
  const events = eventsAfter(db, since, size);
  const next = events.length === size ? events.at(-1)!.seq : Math.max(since, end);
  return ok({ events, next });
}
