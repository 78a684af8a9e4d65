import type { Database, Row } from "../../ports/database.ts";
import { integer, optionalInteger, optionalText, text } from "./rows.ts";

// The webhook queue: for each URL, the last event it was given deliveries
// for, and one row per delivery until it is delivered or given up.

export interface DueDelivery {
  id: number;
  url: string;
  /** The event's own row (`events.seq`), not its public number. */
  eventId: number;
  attempts: number;
}

/** The last public event number this URL has deliveries for; undefined for a URL never seen. */
export function webhookCursor(db: Database, url: string): number | undefined {
  const row = db.get("SELECT last_seq FROM webhook_cursors WHERE url = :url", { url });
  return row && integer(row, "last_seq");
}

export function moveWebhookCursor(db: Database, url: string, lastSeq: number): void {
  db.run(
    `INSERT INTO webhook_cursors (url, last_seq) VALUES (:url, :lastSeq)
     ON CONFLICT (url) DO UPDATE SET last_seq = excluded.last_seq`,
    { url, lastSeq },
  );
}

export function enqueueDelivery(
  db: Database,
  delivery: { url: string; eventId: number; dueAt: number },
): void {
  db.run(
    `INSERT INTO webhook_deliveries (url, event_seq, next_attempt_at) VALUES (:url, :eventId, :dueAt)
     ON CONFLICT DO NOTHING`,
    delivery,
  );
}

const toDue = (row: Row): DueDelivery => ({
  id: integer(row, "id"),
  url: text(row, "url"),
  eventId: integer(row, "event_seq"),
  attempts: integer(row, "attempts"),
});

/** Deliveries due by `now`, the longest waiting first. */
export function dueDeliveries(db: Database, now: number, limit: number): DueDelivery[] {
  return db
    .all(
      `SELECT id, url, event_seq, attempts FROM webhook_deliveries
       WHERE delivered_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= :now
       ORDER BY next_attempt_at, id LIMIT :limit`,
      { now, limit },
    )
    .map(toDue);
}

export function markDelivered(db: Database, id: number, at: number, attempts: number): void {
  db.run(
    "UPDATE webhook_deliveries SET delivered_at = :at, attempts = :attempts, last_error = NULL WHERE id = :id",
    { id, at, attempts },
  );
}

export function markFailed(
  db: Database,
  id: number,
  failure: { attempts: number; error: string; retryAt: number; gaveUpAt: number | null },
): void {
  db.run(
    `UPDATE webhook_deliveries
     SET attempts = :attempts, last_error = :error, next_attempt_at = :retryAt, gave_up_at = :gaveUpAt
     WHERE id = :id`,
    { id, ...failure },
  );
}

/** When the next delivery falls due, if any is waiting. */
export function nextDueAt(db: Database): number | undefined {
  const row = db.get(
    "SELECT min(next_attempt_at) AS at FROM webhook_deliveries WHERE delivered_at IS NULL AND gave_up_at IS NULL",
  );
  return row && optionalInteger(row, "at");
}

export interface DeliveryCounts {
  delivered: number;
  pending: number;
  failing: number;
  gaveUp: number;
  nextAt: number | undefined;
  lastError: string | undefined;
}

export function deliveryCounts(db: Database, url: string): DeliveryCounts {
  const row = db.get(
    `SELECT
       count(delivered_at) AS delivered,
       coalesce(sum(delivered_at IS NULL AND gave_up_at IS NULL), 0) AS pending,
       coalesce(sum(delivered_at IS NULL AND gave_up_at IS NULL AND attempts > 0), 0) AS failing,
       count(gave_up_at) AS gave_up,
       min(CASE WHEN delivered_at IS NULL AND gave_up_at IS NULL THEN next_attempt_at END) AS next_at,
       (SELECT last_error FROM webhook_deliveries
        WHERE url = :url AND last_error IS NOT NULL ORDER BY id DESC LIMIT 1) AS last_error
     FROM webhook_deliveries WHERE url = :url`,
    { url },
  )!;
  return {
    delivered: integer(row, "delivered"),
    pending: integer(row, "pending"),
    failing: integer(row, "failing"),
    gaveUp: integer(row, "gave_up"),
    nextAt: optionalInteger(row, "next_at"),
    lastError: optionalText(row, "last_error"),
  };
}
