import type { Database } from "../../ports/database.ts";
import { integer } from "./rows.ts";

// Work that must outlive a restart, written in the transaction of the change
// that asks for it and done afterwards, as crates.io and Hex keep theirs.

export type JobKind = "scrub_deleted_content";

export function enqueueJob(db: Database, kind: JobKind, at: number): void {
  db.run("INSERT INTO jobs (kind, created_at) VALUES (:kind, :at)", { kind, at });
}

/** The ids of the jobs of this kind not done yet, oldest first. */
export function pendingJobs(db: Database, kind: JobKind): number[] {
  return db
    .all("SELECT id FROM jobs WHERE kind = :kind AND done_at IS NULL ORDER BY id", { kind })
    .map((row) => integer(row, "id"));
}

export function finishJobs(db: Database, ids: readonly number[], at: number): void {
  for (const id of ids) db.run("UPDATE jobs SET done_at = :at WHERE id = :id", { id, at });
}
