import { LiveVersions, solveOnCatalogue } from "../../core/resolution.ts";
import type { ResolutionJob } from "../../ports/resolver.ts";
import { SqliteDatabase } from "../sqlite.ts";
import { yieldToRequests } from "../threads/priority.ts";
import { announceStart, type TaskStart } from "../threads/taskStart.ts";

// A worker thread's one job: resolve dependencies by the core's rules, off
// the thread that answers requests, within the time a resolution is given.
// It reads the catalogue itself, on a read-only connection of its own to the
// database file, which WAL lets it read beside the server's writer.

yieldToRequests();

/** The packages read for earlier resolutions, kept while nothing is published or revoked. */
const live = new LiveVersions();

export default function resolveDependencies(task: {
  job: ResolutionJob;
  dbPath: string;
  /** How long the search may run, counted from here. */
  budgetMs: number;
  start: TaskStart;
}) {
  announceStart(task.start);
  const deadline = performance.now() + task.budgetMs;
  // A connection for each resolution is opened in a fraction of a
  // millisecond, and none is left open when the server closes the database.
  const db = new SqliteDatabase(task.dbPath, { readOnly: true });
  try {
    return solveOnCatalogue(db, live, task.job, () => performance.now() >= deadline);
  } finally {
    db.close();
  }
}
