import type { Result } from "../result.ts";

/** A value SQLite can store and give back. Blobs travel as bytes. */
export type SqlValue = null | number | bigint | string | Uint8Array;

export type Row = Record<string, SqlValue>;

/** Named parameters: `{ email }` binds `:email` in the SQL. */
export type Params = Readonly<Record<string, SqlValue>>;

export interface RunResult {
  changes: number;
  lastInsertRowid: number;
}

/**
 * The registry's only view of its storage: SQL with named parameters in,
 * plain rows out. Calls are synchronous, so a transaction is a plain function
 * that cannot be interleaved with another request's work.
 */
export interface Database {
  get(sql: string, params?: Params): Row | undefined;
  all(sql: string, params?: Params): Row[];
  run(sql: string, params?: Params): RunResult;
  /** Runs SQL with no parameters, possibly several statements (migrations). */
  exec(sql: string): void;
  /**
   * Runs `work` as one write transaction: what it wrote is committed when it
   * returns a success, and rolled back when it returns a failure or throws,
   * unless the failure was made with `failKeepingWrites`. A nested call is a
   * savepoint inside the outer transaction, undone alone when it fails.
   */
  transaction<T, E>(work: () => Result<T, E>): Result<T, E>;
}
