import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";

// Requests wait for nobody but work given to worker threads can: where the
// system lets a thread be given a lower priority (Linux, where
// /proc/thread-self names it), workers take the CPU only when the thread
// answering requests leaves it.

const WORKER_NICENESS = 10;

/** In a worker thread: lets the thread that answers requests go first. */
export function yieldToRequests(): void {
  try {
    const threadId = Number(readlinkSync("/proc/thread-self").split("/").pop());
    if (Number.isInteger(threadId)) setPriority(threadId, WORKER_NICENESS);
  } catch {
    // Elsewhere workers run at the server's own priority.
  }
}
