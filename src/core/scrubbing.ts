import type { Database } from "../ports/database.ts";
import { ok } from "../result.ts";
import { finishJobs, pendingJobs } from "./stores/jobs.ts";

// Revoking deletes a bundle's bytes; what remains is to make sure no copy is
// left in the database's files. How that is done is storage's business (the
// host's); which deletions still need it is recorded here.

/** The scrubs asked for by revocations and not done yet. */
export const scrubsPending = (db: Database): number[] => pendingJobs(db, "scrub_deleted_content");

export function scrubsDone(db: Database, ids: readonly number[], at: number): void {
  db.transaction(() => ok(finishJobs(db, ids, at)));
}
