import type { Database } from "../ports/database.ts";
import { err, ok, type Result } from "../result.ts";
import type { FeedEvent, FeedPage } from "../wire/feed.ts";
import { FEED_LIMIT } from "../wire/limits.ts";
import { lastPublicSeq, publicEventsAfter } from "./stores/events.ts";
import { feedEventView } from "./views.ts";

export type FeedError = { kind: "invalid_limit"; max: number };

/** Events of public packages after `since`, in order. Private packages never appear. */
export const eventsAfter = (db: Database, since: number, limit: number): FeedEvent[] =>
  publicEventsAfter(db, since, limit).map(feedEventView);

/** The sequence number a follower asking for only new events starts after. */
export const feedEnd = (db: Database): number => lastPublicSeq(db);

/**
 * One page of the feed. `next` is what to pass as `since` for the following
 * page: the last event's number, or `since` itself when there was none. The
 * public sequence has no gaps, so `next` never moves on a private change.
 */
export function readFeed(
  db: Database,
  since: number,
  limit: number | undefined,
): Result<FeedPage, FeedError> {
  const size = limit ?? FEED_LIMIT.default;
  if (size < 1 || size > FEED_LIMIT.max) return err({ kind: "invalid_limit", max: FEED_LIMIT.max });
  const events = eventsAfter(db, since, size);
  return ok({ events, next: events.at(-1)?.seq ?? since });
}
