/** A value SQLite can store and give back. Blobs travel as bytes. */
export type SqlValue = null | number | bigint | string | Uint8Array;

export type Row = Record<string, SqlValue>;

export interface RunResult {
  changes: number;
  lastInsertRowid: number;
}

/**
 * The registry's only view of its storage: parameterised SQL in, plain rows out.
 * Calls are synchronous, so a transaction is a plain function that cannot be
 * interleaved with another request's work.
 */
export interface Database {
  get(sql: string, params?: readonly SqlValue[]): Row | undefined;
  all(sql: string, params?: readonly SqlValue[]): Row[];
  run(sql: string, params?: readonly SqlValue[]): RunResult;
  /** Runs SQL with no parameters, possibly several statements (migrations). */
  exec(sql: string): void;
  /**
   * Runs `work` inside one write transaction: everything it did is committed
   * when it returns, and nothing is when it throws. Nested calls join the
   * outer transaction.
   */
  transaction<T>(work: () => T): T;
}
