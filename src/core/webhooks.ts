import type { Database } from "../ports/database.ts";
import type { Ports } from "../ports/index.ts";
import { eventsAfter, type FeedEvent, lastSeq } from "./feed.ts";
import { isoTime, MINUTE, SECOND } from "./time.ts";

export interface WebhookPolicy {
  urls: readonly string[];
  secret: string;
  /** Delay before the first retry; each later retry waits twice as long, up to `maxDelayMs`. */
  firstRetryMs: number;
  maxDelayMs: number;
  /** After this many failed attempts a delivery is given up and shown as such to operators. */
  maxAttempts: number;
  timeoutMs: number;
}

export const DEFAULT_WEBHOOK_POLICY = {
  firstRetryMs: 5 * SECOND,
  maxDelayMs: 60 * MINUTE,
  maxAttempts: 30,
  timeoutMs: 10 * SECOND,
} as const;

const BATCH = 50;

/** The signature header's value: an HMAC-SHA256 of the exact body, in hex. */
export function signature(ports: Pick<Ports, "digest">, secret: string, body: string): string {
  return `sha256=${ports.digest.hmacSha256(secret, body)}`;
}

/**
 * Queues a delivery of every public event not yet queued, for each URL. A URL
 * seen for the first time starts from now rather than replaying all history.
 */
export function enqueueDeliveries(db: Database, urls: readonly string[], now: number): void {
  db.transaction(() => {
    const end = lastSeq(db);
    for (const url of urls) {
      const cursor = db.get("SELECT last_seq FROM webhook_cursors WHERE url = ?", [url]);
      if (!cursor) {
        db.run("INSERT INTO webhook_cursors (url, last_seq) VALUES (?, ?)", [url, end]);
        continue;
      }
      let since = Number(cursor.last_seq);
      for (;;) {
        const events = eventsAfter(db, since, 500);
        for (const event of events) {
          db.run(
            "INSERT INTO webhook_deliveries (url, event_seq, next_attempt_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [url, event.seq, now],
          );
        }
        if (events.length < 500) break;
        since = events.at(-1)!.seq;
      }
      db.run("UPDATE webhook_cursors SET last_seq = ? WHERE url = ?", [end, url]);
    }
  });
}

/**
 * Attempts every delivery that is due, all at once, so a URL that keeps
 * failing (or hangs until its timeout) does not hold up the others.
 * Returns how many were attempted.
 */
export async function deliverDue(ports: Ports, policy: WebhookPolicy): Promise<number> {
  const { db } = ports;
  const now = ports.clock.now();
  const due = db.all(
    `SELECT id, url, event_seq, attempts FROM webhook_deliveries
     WHERE delivered_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= ?
     ORDER BY next_attempt_at, id LIMIT ?`,
    [now, BATCH],
  );
  await Promise.all(
    due.map(async (row) => {
      const event = eventsAfter(db, Number(row.event_seq) - 1, 1)[0];
      if (!event || event.seq !== Number(row.event_seq)) return;
      const outcome = await post(ports, policy, String(row.url), event, Number(row.id));
      record(ports, policy, Number(row.id), Number(row.attempts) + 1, outcome);
    }),
  );
  return due.length;
}

async function post(
  ports: Ports,
  policy: WebhookPolicy,
  url: string,
  event: FeedEvent,
  deliveryId: number,
) {
  const body = JSON.stringify(event);
  const result = await ports.http.post(url, {
    body,
    timeoutMs: policy.timeoutMs,
    headers: {
      "content-type": "application/json",
      "x-registry-signature": signature(ports, policy.secret, body),
      "x-registry-event": event.type,
      "x-registry-delivery": String(deliveryId),
    },
  });
  if (!result.ok) return result.error;
  return result.status >= 200 && result.status < 300
    ? undefined
    : `the receiver answered ${result.status}`;
}

function record(
  ports: Ports,
  policy: WebhookPolicy,
  id: number,
  attempts: number,
  error: string | undefined,
) {
  const now = ports.clock.now();
  if (error === undefined) {
    ports.db.run(
      "UPDATE webhook_deliveries SET delivered_at = ?, attempts = ?, last_error = NULL WHERE id = ?",
      [now, attempts, id],
    );
    return;
  }
  const delay = Math.min(policy.maxDelayMs, policy.firstRetryMs * 2 ** (attempts - 1));
  ports.db.run(
    `UPDATE webhook_deliveries SET attempts = ?, last_error = ?, next_attempt_at = ?,
       gave_up_at = CASE WHEN ? >= ? THEN ? ELSE NULL END
     WHERE id = ?`,
    [attempts, error, now + delay, attempts, policy.maxAttempts, now, id],
  );
}

/** When the next delivery falls due, if any is waiting. */
export function nextDueAt(db: Database): number | undefined {
  const row = db.get(
    "SELECT min(next_attempt_at) AS at FROM webhook_deliveries WHERE delivered_at IS NULL AND gave_up_at IS NULL",
  );
  return row?.at === null || row?.at === undefined ? undefined : Number(row.at);
}

export interface WebhookStatus {
  url: string;
  delivered: number;
  pending: number;
  /** Pending deliveries that have failed at least once. */
  failing: number;
  gaveUp: number;
  lastError: string | null;
  nextAttemptAt: string | null;
}

/** The state of delivery per URL, for operators. */
export function webhookStatus(db: Database, urls: readonly string[]): WebhookStatus[] {
  return urls.map((url) => {
    const row = db.get(
      `SELECT
         count(delivered_at) AS delivered,
         sum(delivered_at IS NULL AND gave_up_at IS NULL) AS pending,
         sum(delivered_at IS NULL AND gave_up_at IS NULL AND attempts > 0) AS failing,
         count(gave_up_at) AS gave_up,
         min(CASE WHEN delivered_at IS NULL AND gave_up_at IS NULL THEN next_attempt_at END) AS next_at
       FROM webhook_deliveries WHERE url = ?`,
      [url],
    );
    const lastError = db.get(
      "SELECT last_error FROM webhook_deliveries WHERE url = ? AND last_error IS NOT NULL ORDER BY id DESC LIMIT 1",
      [url],
    );
    return {
      url,
      delivered: Number(row?.delivered ?? 0),
      pending: Number(row?.pending ?? 0),
      failing: Number(row?.failing ?? 0),
      gaveUp: Number(row?.gave_up ?? 0),
      lastError: lastError ? String(lastError.last_error) : null,
      nextAttemptAt:
        row?.next_at === null || row?.next_at === undefined ? null : isoTime(Number(row.next_at)),
    };
  });
}
