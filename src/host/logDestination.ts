import { writeSync } from "node:fs";

// The request log is one line per request, on standard output. Writing each
// line with a system call of its own cost about a tenth of the server's
// throughput on a two-core machine, so lines are gathered and written a few
// kilobytes at a time, on the answering thread, and at least every quarter
// second, so that a line is never later than that.
//
// Whoever reads standard output may be slow, stop reading, or be gone (a log
// collector restarting, a closed pipe). None of that may stop the registry:
// the output is written without waiting (a write that would block is tried
// again at the next flush), at most a bounded amount waits meanwhile, and a
// write that fails for good is dropped. Dropped lines are counted, and said
// in the log as soon as a write goes through again.

const BATCH_BYTES = 4096;
const FLUSH_EVERY_MS = 250;
/** Lines waiting for a reader that does not read; past this, new lines are dropped. */
const MAX_WAITING_BYTES = 1024 * 1024;
/** At exit, how long to wait for a reader that is slow before giving up on what is left. */
const FINAL_FLUSH_MS = 500;

/** Where the logger writes: pino calls `write` with each line. */
export interface LogDestination {
  write(line: string): void;
  /** Writes what is gathered now, as far as the reader takes it. */
  flush(): void;
  /** At exit: writes what is left, waiting a little for a slow reader and no more. */
  flushSync(): void;
  /** Lines that could not be written and were dropped. */
  readonly dropped: number;
}

/** Standard output, written in batches. */
export const batchedStdout = (): LogDestination => new BatchedOutput(1, FLUSH_EVERY_MS);

export class BatchedOutput implements LogDestination {
  readonly #fd: number;
  /** Lines gathered since the last write. */
  #waiting = "";
  /** What the reader has not taken yet of the last write. */
  #unsent: Buffer | undefined;
  #dropped = 0;
  /** Dropped lines not yet said in the log. */
  #untold = 0;

  constructor(fd: number, flushEveryMs: number) {
    this.#fd = fd;
    if (fd === 1) nonBlockingStdout();
    setInterval(() => this.flush(), flushEveryMs).unref();
  }

  get dropped(): number {
    return this.#dropped;
  }

  write(line: string): void {
    const held = this.#waiting.length + (this.#unsent?.length ?? 0);
    if (held + line.length > MAX_WAITING_BYTES) {
      this.#drop(countLines(line));
      return;
    }
    this.#waiting += line;
    if (this.#unsent === undefined && this.#waiting.length >= BATCH_BYTES) this.flush();
  }

  flush(): void {
    while (this.#unsent !== undefined || this.#waiting.length > 0) {
      if (this.#unsent === undefined) {
        const told = this.#untold > 0 ? droppedLine(this.#untold) : "";
        this.#untold = 0;
        this.#unsent = Buffer.from(told + this.#waiting, "utf8");
        this.#waiting = "";
      }
      let written: number;
      try {
        written = writeSync(this.#fd, this.#unsent);
      } catch (error) {
        // The reader is there but not reading: try again at the next flush.
        if ((error as { code?: string }).code === "EAGAIN") return;
        // Anything else will not get better by trying again (EPIPE: the reader is gone).
        this.#drop(countLines(this.#unsent.toString("utf8")));
        this.#unsent = undefined;
        return;
      }
      this.#unsent = written < this.#unsent.length ? this.#unsent.subarray(written) : undefined;
    }
  }

  flushSync(): void {
    const giveUpAt = Date.now() + FINAL_FLUSH_MS;
    this.flush();
    while (this.#unsent !== undefined && Date.now() < giveUpAt) {
      Atomics.wait(PAUSE, 0, 0, 10);
      this.flush();
    }
    if (this.#unsent !== undefined || this.#waiting.length > 0) {
      this.#drop(countLines(`${this.#unsent?.toString("utf8") ?? ""}${this.#waiting}`));
      this.#unsent = undefined;
      this.#waiting = "";
    }
  }

  #drop(lines: number): void {
    this.#dropped += lines;
    this.#untold += lines;
  }
}

/** Something to wait on for a few milliseconds, where nothing else may run. */
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

function countLines(text: string): number {
  let lines = 0;
  for (let at = text.indexOf("\n"); at >= 0; at = text.indexOf("\n", at + 1)) lines++;
  return lines;
}

/** A line in the log's own form saying how many lines before it were lost. */
const droppedLine = (lines: number): string =>
  `${JSON.stringify({ level: 40, time: new Date().toISOString(), pid: process.pid, dropped: lines, msg: "log lines dropped: standard output did not take them" })}\n`;

/**
 * Standard output as a pipe or a socket is blocking unless someone made it
 * otherwise, and a write to a reader that does not read would then wait for
 * ever. Node's own stream for it makes the descriptor non-blocking; it is
 * opened for that alone, and never written to.
 */
function nonBlockingStdout(): void {
  void process.stdout;
}
