import { randomUUID } from "node:crypto";
import { BroadcastChannel } from "node:worker_threads";
import { Piscina } from "piscina";
import type { TaskStart } from "./taskStart.ts";

export interface TimedPoolOptions {
  /** The worker's module. */
  filename: string;
  threads: number;
  /** Tasks that may wait for a thread; more are refused at once. */
  maxQueue: number;
  /** The most memory a worker's heap may take; a task needing more fails. */
  memoryMb: number;
  /** The young generation of each worker's heap. */
  youngGenerationMb: number;
}

/** How a task ended: with the worker's answer, or cut short. */
export type TimedOutcome<T> =
  | { kind: "done"; value: T }
  | { kind: "timed_out" }
  | { kind: "out_of_memory" }
  | { kind: "queue_full" };

/**
 * A pool of worker threads whose tasks each have a time limit, counted from
 * when a worker takes the task up, not from when it was queued: a task is
 * never cut short for a busy server. A task past its limit is given up and
 * its worker replaced; every other request goes on meanwhile.
 */
export class TimedPool {
  readonly #pool: Piscina;
  readonly #maxQueue: number;
  /**
   * Where workers say which task they have taken up. One channel for the
   * pool: a channel for each task would be a handful of objects each that a
   * worker's heap never gives back.
   */
  readonly #channelName = `task-starts-${randomUUID()}`;
  readonly #started = new BroadcastChannel(this.#channelName);
  /** What to do when each task waiting for a worker is taken up. */
  readonly #onStart = new Map<number, () => void>();
  #tasks = 0;

  constructor(options: TimedPoolOptions) {
    this.#maxQueue = options.maxQueue;
    this.#started.onmessage = (event) => this.#onStart.get((event as { data: number }).data)?.();
    this.#started.unref();
    this.#pool = new Piscina({
      filename: options.filename,
      minThreads: options.threads,
      maxThreads: options.threads,
      maxQueue: options.maxQueue,
      idleTimeout: 60_000,
      resourceLimits: {
        maxOldGenerationSizeMb: options.memoryMb,
        maxYoungGenerationSizeMb: options.youngGenerationMb,
      },
    });
  }

  /**
   * Runs `task` (which the worker receives with a `start` to announce) with
   * the worker's export `name` (its default one without), and gives it up once
   * it has run `timeoutMs`.
   */
  async run<T>(task: object, timeoutMs: number, name?: string): Promise<TimedOutcome<T>> {
    if (this.#pool.queueSize >= this.#maxQueue) return { kind: "queue_full" };
    const abort = new AbortController();
    const id = ++this.#tasks;
    let timer: NodeJS.Timeout | undefined;
    this.#onStart.set(id, () => {
      timer = setTimeout(() => abort.abort(), timeoutMs);
    });
    const start: TaskStart = { channel: this.#channelName, task: id };
    try {
      const value = (await this.#pool.run(
        { ...task, start },
        { signal: abort.signal, ...(name === undefined ? {} : { name }) },
      )) as T;
      return { kind: "done", value };
    } catch (error) {
      if (abort.signal.aborted) return { kind: "timed_out" };
      if ((error as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY") {
        return { kind: "out_of_memory" };
      }
      if ((error as Error).message === "Task queue is at limit") return { kind: "queue_full" };
      throw error;
    } finally {
      clearTimeout(timer);
      this.#onStart.delete(id);
    }
  }

  async close(): Promise<void> {
    this.#started.close();
    await this.#pool.destroy();
  }
}
