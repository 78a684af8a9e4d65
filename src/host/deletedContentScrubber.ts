import type { FastifyBaseLogger } from "fastify";
import { scrubsDone, scrubsPending } from "../core/scrubbing.ts";
import type { Clock } from "../ports/clock.ts";
import type { SqliteDatabase } from "./sqlite.ts";

/** How often a scrub that could not finish yet is tried again. */
const RETRY_MS = 2000;

/**
 * Makes sure revoked bundles' bytes leave the database's files promptly.
 * SQLite's secure_delete zeroes the freed pages, but until a checkpoint the
 * database file still holds the old pages, and the WAL holds the frames that
 * once wrote them.
 *
 * Alone with the database, the server folds the WAL in and cuts it to nothing
 * at once. Beside litestream, which holds a read lock between its own
 * checkpoints (every few seconds, by litestream.yml), it waits for the WAL to
 * have been checkpointed and started again, which leaves the database file
 * clean, and then writes zeros over the WAL's stale end.
 */
export class DeletedContentScrubber {
  readonly #db: SqliteDatabase;
  readonly #clock: Clock;
  readonly #log: FastifyBaseLogger;
  /** The WAL's life when each job was first seen: once it changes, the job can finish. */
  readonly #seenIn = new Map<number, string | undefined>();
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(db: SqliteDatabase, clock: Clock, log: FastifyBaseLogger) {
    this.#db = db;
    this.#clock = clock;
    this.#log = log;
  }

  wake(): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    try {
      this.#scrub();
    } catch (error) {
      this.#log.error({ err: error }, "scrubbing deleted content failed");
    }
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  #scrub(): void {
    const pending = scrubsPending(this.#db);
    if (pending.length === 0) return;
    if (this.#db.tryTruncatingWal()) {
      this.#finish(pending);
      return;
    }
    const now = this.#db.walGeneration();
    const ready = pending.filter((id) => {
      if (!this.#seenIn.has(id)) this.#seenIn.set(id, now);
      return this.#seenIn.get(id) !== now;
    });
    if (ready.length > 0) {
      this.#db.overwriteWal();
      this.#finish(ready);
    }
    if (ready.length < pending.length) {
      this.#timer = setTimeout(() => this.wake(), RETRY_MS);
      this.#timer.unref();
    }
  }

  #finish(ids: number[]): void {
    scrubsDone(this.#db, ids, this.#clock.now());
    for (const id of ids) this.#seenIn.delete(id);
  }
}
