import type { IdentityName } from "../gren/names.ts";
import type { Database } from "../ports/database.ts";
import type { Ports } from "../ports/index.ts";
import { err, ok, type Result } from "../result.ts";
import type { FeedEvent, WebhookStatus } from "../wire/feed.ts";
import { type AccessError, authorize } from "./access.ts";
import { roleNeeded } from "./roles.ts";
import { lastPublicSeq, publicEventById, publicEventsAfter } from "./stores/events.ts";
import type { User } from "./stores/users.ts";
import {
  deliveryCounts,
  dueDeliveries,
  enqueueDelivery,
  markDelivered,
  markFailed,
  moveWebhookCursor,
  nextDueAt,
  webhookCursor,
} from "./stores/webhooks.ts";
import { isoTime, MINUTE, SECOND } from "./time.ts";
import { feedEventView } from "./views.ts";

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
const PAGE = 500;

/** When the next delivery falls due, if any is waiting. */
export const nextDeliveryAt = (db: Database): number | undefined => nextDueAt(db);

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
    const end = lastPublicSeq(db);
    for (const url of urls) {
      let since = webhookCursor(db, url);
      while (since !== undefined) {
        const events = publicEventsAfter(db, since, PAGE);
        for (const event of events) enqueueDelivery(db, { url, eventId: event.id, dueAt: now });
        since = events.length < PAGE ? undefined : events.at(-1)!.seq;
      }
      moveWebhookCursor(db, url, end);
    }
    return ok(undefined);
  });
}

/**
 * Attempts every delivery that is due, all at once, so a URL that keeps
 * failing (or hangs until its timeout) does not hold up the others.
 * Returns how many were attempted.
 */
export async function deliverDue(ports: Ports, policy: WebhookPolicy): Promise<number> {
  const { db } = ports;
  const due = dueDeliveries(db, ports.clock.now(), BATCH);
  await Promise.all(
    due.map(async (delivery) => {
      const stored = publicEventById(db, delivery.eventId);
      if (!stored) return;
      const event = feedEventView(stored);
      const error = await post(ports, policy, delivery.url, event, delivery.id);
      record(ports, policy, delivery.id, delivery.attempts + 1, error);
    }),
  );
  return due.length;
}

/** Sends one delivery; the reason it failed, or undefined when the receiver took it. */
async function post(
  ports: Ports,
  policy: WebhookPolicy,
  url: string,
  event: FeedEvent,
  deliveryId: number,
): Promise<string | undefined> {
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

/** When a delivery that has failed this many times is tried again. */
export const retryDelay = (policy: WebhookPolicy, attempts: number): number =>
  Math.min(policy.maxDelayMs, policy.firstRetryMs * 2 ** (attempts - 1));

function record(
  ports: Ports,
  policy: WebhookPolicy,
  id: number,
  attempts: number,
  error: string | undefined,
): void {
  const now = ports.clock.now();
  if (error === undefined) {
    markDelivered(ports.db, id, now, attempts);
    return;
  }
  markFailed(ports.db, id, {
    attempts,
    error,
    retryAt: now + retryDelay(policy, attempts),
    gaveUpAt: attempts >= policy.maxAttempts ? now : null,
  });
}

/** The state of delivery per URL, for admins of the operator identity. */
export function webhookStatus(
  db: Database,
  viewer: User,
  operators: { identity: string; urls: readonly string[] },
): Result<WebhookStatus[], AccessError> {
  const access = authorize(db, operators.identity, viewer, "read_operations");
  if (!access.ok && access.error.kind !== "forbidden") {
    // Where the operator identity is missing or misspelt, nobody is an operator:
    // the answer is the same as to anyone else who is not one.
    return err({
      kind: "forbidden",
      identity: operators.identity as IdentityName,
      action: "read_operations",
      needed: roleNeeded("read_operations"),
      role: undefined,
    });
  }
  if (!access.ok) return access;
  return ok(
    operators.urls.map((url) => {
      const counts = deliveryCounts(db, url);
      return {
        url,
        delivered: counts.delivered,
        pending: counts.pending,
        failing: counts.failing,
        gaveUp: counts.gaveUp,
        lastError: counts.lastError ?? null,
        nextAttemptAt: counts.nextAt === undefined ? null : isoTime(counts.nextAt),
      };
    }),
  );
}
