import type { IdentityName, ProjectName } from "../../gren/names.ts";
import type { Database, Row } from "../../ports/database.ts";
import type { EventType } from "../../wire/feed.ts";
import { integer, optionalInteger, text } from "./rows.ts";

// The change feed: one row per publication or revocation, written in the
// transaction that makes the change. Events of public packages also get a
// number in the public sequence, which has no gaps: the feed, the live stream
// and webhooks count in it, so nobody outside can tell that a private change
// happened between two public ones.

export interface PublicEventRecord {
  /** The event's place in the public sequence: what the feed calls `seq`. */
  seq: number;
  /** The event's own row, public or not. */
  id: number;
  type: EventType;
  name: { author: IdentityName; project: ProjectName };
  versionKey: number;
  at: number;
}

const toEvent = (row: Row): PublicEventRecord => ({
  seq: integer(row, "public_seq"),
  id: integer(row, "seq"),
  type: text(row, "type") as EventType,
  name: {
    author: text(row, "author") as IdentityName,
    project: text(row, "project") as ProjectName,
  },
  versionKey: integer(row, "version_key"),
  at: integer(row, "at"),
});

const EVENT_COLUMNS = `events.seq, events.public_seq, events.type, identities.name AS author,
  packages.project, events.version_key, events.at`;
const EVENT_TABLES = `events JOIN packages ON packages.id = events.package_id
  JOIN identities ON identities.id = packages.identity_id`;

// The next public number is read from the end of the partial index on
// public_seq, which SQLite uses only when the query repeats the index's condition.
export function recordEvent(
  db: Database,
  event: { type: EventType; packageId: number; versionKey: number; at: number },
): void {
  db.run(
    `INSERT INTO events (type, package_id, version_key, at, public_seq)
     VALUES (:type, :packageId, :versionKey, :at,
             CASE WHEN (SELECT private FROM packages WHERE id = :packageId) = 0
                  THEN (SELECT coalesce(max(public_seq), 0) + 1 FROM events
                        WHERE public_seq IS NOT NULL) END)`,
    event,
  );
}

/** Events of public packages after `since` in the public sequence, in order. */
export function publicEventsAfter(db: Database, since: number, limit: number): PublicEventRecord[] {
  return db
    .all(
      `SELECT ${EVENT_COLUMNS} FROM ${EVENT_TABLES}
       WHERE events.public_seq > :since ORDER BY events.public_seq LIMIT :limit`,
      { since, limit },
    )
    .map(toEvent);
}

/** One public event by its own row. */
export function publicEventById(db: Database, id: number): PublicEventRecord | undefined {
  const row = db.get(
    `SELECT ${EVENT_COLUMNS} FROM ${EVENT_TABLES}
     WHERE events.seq = :id AND events.public_seq IS NOT NULL`,
    { id },
  );
  return row && toEvent(row);
}

/** The last number of the public sequence so far. */
export function lastPublicSeq(db: Database): number {
  // The condition lets SQLite read the maximum from the end of the partial
  // index on public_seq; without it, it reads the whole table.
  const row = db.get("SELECT max(public_seq) AS seq FROM events WHERE public_seq IS NOT NULL");
  return (row && optionalInteger(row, "seq")) ?? 0;
}

/** The last event of all, public or private: every publication and revocation moves it. */
export function lastEventSeq(db: Database): number {
  const row = db.get("SELECT max(seq) AS seq FROM events");
  return (row && optionalInteger(row, "seq")) ?? 0;
}
