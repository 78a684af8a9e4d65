import type { Database } from "../ports/database.ts";

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
