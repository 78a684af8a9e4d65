import { searchCatalogue } from "../../core/packages.ts";
import { LiveVersions, solveOnCatalogue } from "../../core/resolution.ts";
import { rankedSearch } from "../../core/stores/packages.ts";
import type { ResolutionJob } from "../../ports/resolver.ts";
import type { RankedSearchJob, SearchJob } from "../../ports/search.ts";
import { SqliteDatabase } from "../sqlite.ts";
import { yieldToRequests } from "../threads/priority.ts";
import { announceStart, type TaskStart } from "../threads/taskStart.ts";

// A worker thread's one job: answer the questions about the catalogue whose
// cost depends on what is asked (resolutions and searches) by the core's
// rules, off the thread that answers requests. It reads the catalogue itself,
// on a read-only connection of its own to the database file, which WAL lets
// it read beside the server's writer. A connection for each task is opened in
// a fraction of a millisecond, and none is left open when the server closes
// the database.

yieldToRequests();

/** The packages read for earlier resolutions, kept while nothing is published or revoked. */
const live = new LiveVersions();

function reading<T>(dbPath: string, work: (db: SqliteDatabase) => T): T {
  const db = new SqliteDatabase(dbPath, { readOnly: true });
  try {
    return work(db);
  } finally {
    db.close();
  }
}

export function resolve(task: {
  job: ResolutionJob;
  dbPath: string;
  /** How long the search may run, counted from here. */
  budgetMs: number;
  start: TaskStart;
}) {
  announceStart(task.start);
  const deadline = performance.now() + task.budgetMs;
  return reading(task.dbPath, (db) =>
    solveOnCatalogue(db, live, task.job, () => performance.now() >= deadline),
  );
}

export function search(task: { job: SearchJob; dbPath: string; start: TaskStart }) {
  announceStart(task.start);
  return reading(task.dbPath, (db) => searchCatalogue(db, task.job));
}

export function rank(task: { job: RankedSearchJob; dbPath: string; start: TaskStart }) {
  announceStart(task.start);
  return reading(task.dbPath, (db) => rankedSearch(db, task.job));
}
