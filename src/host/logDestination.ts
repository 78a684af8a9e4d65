import { pino } from "pino";

// The request log is one line per request. Pino's default destination hands
// each line to another thread to write, a system call each: on `latest` that
// cost about a tenth of the server's throughput on a two-core machine, the
// writing thread taking its turns from the one that answers. Lines are
// gathered instead and written a few kilobytes at a time on the answering
// thread, and at least every quarter second, so that a line is never later
// than that.

const BATCH_BYTES = 4096;
const FLUSH_EVERY_MS = 250;

export type LogDestination = ReturnType<typeof pino.destination>;

/** Standard output, written in batches. */
export const batchedStdout = (): LogDestination =>
  pino.destination({
    dest: 1,
    sync: true,
    minLength: BATCH_BYTES,
    periodicFlush: FLUSH_EVERY_MS,
  });
