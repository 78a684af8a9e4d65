import type { Database } from "../ports/database.ts";
import type { Ports } from "../ports/index.ts";

export type EventType = "published" | "revoked";

/**
 * Appends a change to the feed. Called inside the transaction that makes the
 * change, so there is never one without the other.
 */
export function recordEvent(
  db: Database,
  event: { type: EventType; packageId: number; versionKey: number; at: number },
): number {
  return db.run("INSERT INTO events (type, package_id, version_key, at) VALUES (?, ?, ?, ?)", [
    event.type,
    event.packageId,
    event.versionKey,
    event.at,
  ]).lastInsertRowid;
}

/**
 * Runs a change in one transaction and, once it has committed, tells the
 * notifier, so followers never see an event before its change is durable.
 */
export function commitWithEvents<T extends { ok: boolean }>(
  ports: Pick<Ports, "db" | "notifier">,
  change: () => T,
): T {
  const result = ports.db.transaction(change);
  if (result.ok) ports.notifier.eventsRecorded();
  return result;
}
