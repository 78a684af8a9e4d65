import type { IdentityName, ProjectName } from "../../gren/names.ts";
import type { Database, Row } from "../../ports/database.ts";
import type { EventType } from "../../wire/feed.ts";
import { integer, text } from "./rows.ts";

// The change feed: one row per publication or revocation, written in the
// transaction that makes the change.

export interface EventRecord {
  seq: number;
  type: EventType;
  name: { author: IdentityName; project: ProjectName };
  versionKey: number;
  at: number;
}

const toEvent = (row: Row): EventRecord => ({
  seq: integer(row, "seq"),
  type: text(row, "type") as EventType,
  name: {
    author: text(row, "author") as IdentityName,
    project: text(row, "project") as ProjectName,
  },
  versionKey: integer(row, "version_key"),
  at: integer(row, "at"),
});

export function recordEvent(
  db: Database,
  event: { type: EventType; packageId: number; versionKey: number; at: number },
): number {
  return db.run(
    "INSERT INTO events (type, package_id, version_key, at) VALUES (:type, :packageId, :versionKey, :at)",
    event,
  ).lastInsertRowid;
}

/** Events of public packages after `since`, in order. Private packages never appear. */
export function publicEventsAfter(db: Database, since: number, limit: number): EventRecord[] {
  return db
    .all(
      `SELECT events.seq, events.type, identities.name AS author, packages.project,
              events.version_key, events.at
       FROM events
       JOIN packages ON packages.id = events.package_id
       JOIN identities ON identities.id = packages.identity_id
       WHERE events.seq > :since AND packages.private = 0
       ORDER BY events.seq LIMIT :limit`,
      { since, limit },
    )
    .map(toEvent);
}

/** The highest sequence number recorded so far, public or not. */
export function lastSeq(db: Database): number {
  const row = db.get("SELECT coalesce(max(seq), 0) AS seq FROM events");
  return row ? integer(row, "seq") : 0;
}
