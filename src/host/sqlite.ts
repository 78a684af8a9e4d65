import { closeSync, mkdirSync, openSync, readSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import type { Database, Params, Row, RunResult } from "../ports/database.ts";
import { ok, type Result } from "../result.ts";

// litestream (which backs the database up) is another process on the same file:
// it takes short write locks when it checkpoints, so a writer here waits for
// them instead of failing at once. Its guidance is a 5 s busy timeout.
export const BUSY_TIMEOUT_MS = 5000;

// litestream copies each WAL frame to the replica before the frame is folded
// back into the database, so it owns checkpointing: a checkpoint run by the
// application between two of litestream's can make it miss WAL frames and start
// a new generation (a full snapshot). Its guidance is to turn automatic
// checkpoints off. Here they are not turned off but moved far above the WAL
// size at which litestream checkpoints (from 1,000 pages, forced at 10,000):
// while litestream runs the WAL never grows that large, so the application
// never checkpoints, and when the server runs without litestream (development,
// tests) the WAL still stays bounded (20,000 pages, 80 MB). The last connection to close folds the
// WAL back in either way.
export const WAL_AUTOCHECKPOINT_PAGES = 20_000;

// SQLite's default page cache is 2 MiB. The indexes that `latest` and the
// version list walk outgrow that at a few hundred thousand versions (the live
// versions' index alone is about 12 MB at 400,000), and then most lookups read
// their pages back from the operating system with a system call each. It is
// not made larger than those indexes: publishing fills the cache with the
// pages of bundles, which nobody reads back soon, and the server's answers to
// the most frequent reads are kept in memory above the database anyway.
export const PAGE_CACHE_KIB = 16 * 1024;

/** A reading connection's cache: SQLite's default, enough for the pages one task reads. */
export const READER_PAGE_CACHE_KIB = 2 * 1024;

/** The Database port on one node:sqlite connection. */
export class SqliteDatabase implements Database {
  readonly #db: DatabaseSync;
  // Preparing a statement costs more than running a point query, so each SQL
  // text is prepared once per connection.
  readonly #statements = new Map<string, StatementSync>();
  #depth = 0;

  readonly path: string;

  /**
   * `readOnly` opens another connection to a database the server already
   * keeps, for a worker thread that only reads (WAL lets it read beside the
   * writer): it leaves the database's settings to the writer, and keeps a
   * small page cache of its own.
   */
  constructor(path: string, options: { readOnly?: boolean } = {}) {
    this.path = path;
    if (options.readOnly) {
      this.#db = new DatabaseSync(path, { timeout: BUSY_TIMEOUT_MS, readOnly: true });
      this.#db.exec(`PRAGMA cache_size = -${READER_PAGE_CACHE_KIB}`);
      return;
    }
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.#db = new DatabaseSync(path, {
      timeout: BUSY_TIMEOUT_MS,
      enableForeignKeyConstraints: true,
    });
    // WAL lets readers and litestream work beside the one writer; NORMAL is
    // durable in WAL mode except for the last commits on power loss, which
    // litestream's guidance accepts.
    this.#db.exec("PRAGMA journal_mode = WAL");
    this.#db.exec("PRAGMA synchronous = NORMAL");
    this.#db.exec(`PRAGMA wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    this.#db.exec("PRAGMA foreign_keys = ON");
    // A negative size is in KiB rather than pages.
    this.#db.exec(`PRAGMA cache_size = -${PAGE_CACHE_KIB}`);
    // Deleted content (revoked bundles) is overwritten, not left in free pages,
    // and the WAL is cut back to nothing when it restarts, so old frames holding
    // deleted content do not linger at its end.
    this.#db.exec("PRAGMA secure_delete = ON");
    this.#db.exec("PRAGMA journal_size_limit = 0");
  }

  #prepare(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  get(sql: string, params: Params = {}): Row | undefined {
    return this.#prepare(sql).get(params as Record<string, SQLInputValue>) as Row | undefined;
  }

  all(sql: string, params: Params = {}): Row[] {
    return this.#prepare(sql).all(params as Record<string, SQLInputValue>) as Row[];
  }

  run(sql: string, params: Params = {}): RunResult {
    const result = this.#prepare(sql).run(params as Record<string, SQLInputValue>);
    return { changes: Number(result.changes), lastInsertRowid: Number(result.lastInsertRowid) };
  }

  exec(sql: string): void {
    this.#db.exec(sql);
  }

  transaction<T, E>(work: () => Result<T, E>): Result<T, E> {
    // The outermost call is the transaction; inner calls are savepoints in it,
    // so an inner failure undoes its own writes and no more.
    const savepoint = this.#depth === 0 ? undefined : `nested_${this.#depth}`;
    // IMMEDIATE takes the write lock up front, so a transaction never fails
    // half-way for want of a lock that another process (litestream) holds.
    this.#db.exec(savepoint ? `SAVEPOINT ${savepoint}` : "BEGIN IMMEDIATE");
    this.#depth++;
    let result: Result<T, E>;
    try {
      result = work();
      if (result.ok || (result as { keepWrites?: boolean }).keepWrites === true) {
        this.#db.exec(savepoint ? `RELEASE ${savepoint}` : "COMMIT");
      } else {
        this.#undo(savepoint);
      }
    } catch (error) {
      this.#undo(savepoint);
      throw error;
    } finally {
      this.#depth--;
    }
    return result;
  }

  #undo(savepoint: string | undefined): void {
    if (savepoint) this.#db.exec(`ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
    else if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
  }

  /**
   * Folds the WAL into the database file and cuts it to nothing, from a
   * connection of its own that does not wait: false when another process
   * (litestream) holds a read lock, which it does between its own checkpoints.
   */
  tryTruncatingWal(): boolean {
    if (this.path === ":memory:") return true;
    const other = new DatabaseSync(this.path, { timeout: 0 });
    try {
      const row = other.prepare("PRAGMA wal_checkpoint(TRUNCATE)").get() as { busy: number };
      return row.busy === 0;
    } catch {
      return false;
    } finally {
      other.close();
    }
  }

  /**
   * Which life of the WAL file this is: its header's checkpoint sequence and
   * salt, which change each time SQLite starts writing it from the top again.
   * Undefined when there is no WAL file.
   */
  walGeneration(): string | undefined {
    try {
      const header = Buffer.alloc(20);
      const file = openSync(`${this.path}-wal`, "r");
      try {
        if (readSync(file, header, 0, 20, 0) < 20) return undefined;
      } finally {
        closeSync(file);
      }
      return header.subarray(12, 20).toString("hex");
    } catch {
      return undefined;
    }
  }

  /**
   * Writes zeros over the whole length of the WAL file as it is now. After a
   * checkpoint, SQLite writes the WAL again from the top without shortening
   * it, so frames written before (deleted content among them) stay at its end
   * until new frames cover them: these do, and are then deleted.
   */
  overwriteWal(): void {
    let size: number;
    try {
      size = statSync(`${this.path}-wal`).size;
    } catch {
      return;
    }
    this.transaction(() =>
      ok(this.run("INSERT INTO scrub_filler (bytes) VALUES (zeroblob(:size))", { size })),
    );
    this.transaction(() => ok(this.run("DELETE FROM scrub_filler")));
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }
}
