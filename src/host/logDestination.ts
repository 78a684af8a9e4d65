import { pino } from "pino";

// The request log is one line per request, and writing each line as it comes
// costs a system call per request on a thread of its own: at tens of
// thousands of requests a second, a third of the server's time. Lines are
// gathered instead and written a few kilobytes at a time, and at least every
// quarter second, so that at any rate a line is at most that late.

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
