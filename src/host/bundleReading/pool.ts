import { availableParallelism } from "node:os";
import type { BundleReader, BundleRejection } from "../../ports/bundles.ts";
import { err } from "../../result.ts";
import { TimedPool } from "../threads/timedPool.ts";

export interface ReaderPoolOptions {
  /** Worker threads; one fewer than the machine's cores by default. */
  threads: number;
  /** A bundle still being read after this long is given up, and its worker replaced. */
  timeoutMs: number;
  /** The most memory a worker's heap may take; a bundle needing more is refused. */
  memoryMb: number;
}

/**
 * One core is left to the thread that answers requests, whose reads must not
 * wait for bundles; the rest read bundles. Publishing is rare beside reading.
 */
export const defaultReaderThreads = (): number => Math.max(1, availableParallelism() - 1);

/**
 * A bundle's garbage dies young: a small young generation is collected often
 * and cheaply, where the default would let each reader's heap swell by tens of
 * megabytes before its first collection.
 */
const YOUNG_GENERATION_MB = 8;

const refused = (problem: string) => err<BundleRejection>({ kind: "invalid", problems: [problem] });

/**
 * Reads bundles in a pool of worker threads. A bundle that takes too long, or
 * needs more memory than a worker has, is refused with a sentence saying so;
 * the worker it held is replaced, and every other request goes on.
 */
export class WorkerBundleReader implements BundleReader {
  readonly #pool: TimedPool;
  readonly #options: ReaderPoolOptions;

  constructor(options: ReaderPoolOptions) {
    this.#options = options;
    this.#pool = new TimedPool({
      filename: new URL("./worker.ts", import.meta.url).href,
      threads: options.threads,
      // A waiting upload holds its bytes; beyond a few per thread, wait in the queue.
      maxQueue: options.threads * 64,
      memoryMb: options.memoryMb,
      youngGenerationMb: YOUNG_GENERATION_MB,
    });
  }

  async read(bytes: Uint8Array, expected: Parameters<BundleReader["read"]>[1]) {
    // The time limit counts from when a worker takes the bundle up, not from
    // when it was queued: a valid bundle is never refused for a busy server.
    const outcome = await this.#pool.run<Awaited<ReturnType<BundleReader["read"]>>>(
      { bytes, expected },
      this.#options.timeoutMs,
    );
    switch (outcome.kind) {
      case "done":
        return outcome.value;
      case "timed_out":
        return refused(
          `Reading the bundle took longer than ${this.#options.timeoutMs / 1000} seconds, the most the registry gives one.`,
        );
      case "out_of_memory":
        return refused(
          `Reading the bundle needed more than the ${this.#options.memoryMb} MB of memory the registry gives one.`,
        );
      case "queue_full":
        // Uploads in flight are fewer than the queue holds, so this is a bug.
        throw new Error("The bundle readers' queue is full");
      default:
        return outcome satisfies never;
    }
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }
}
