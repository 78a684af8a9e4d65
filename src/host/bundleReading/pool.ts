import { randomUUID } from "node:crypto";
import { availableParallelism } from "node:os";
import { BroadcastChannel } from "node:worker_threads";
import { Piscina } from "piscina";
import type { BundleReader, BundleRejection } from "../../ports/bundles.ts";
import { err } from "../../result.ts";

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
  readonly #pool: Piscina;
  readonly #options: ReaderPoolOptions;
  /**
   * Where readers say which task they have taken up. One channel for the
   * pool: a channel for each task would be a handful of objects each that a
   * reader's heap never gives back.
   */
  readonly #channelName = `bundle-readers-${randomUUID()}`;
  readonly #started = new BroadcastChannel(this.#channelName);
  /** What to do when each task waiting for a reader is taken up. */
  readonly #onStart = new Map<number, () => void>();
  #tasks = 0;

  constructor(options: ReaderPoolOptions) {
    this.#options = options;
    this.#started.onmessage = (event) => this.#onStart.get((event as { data: number }).data)?.();
    this.#started.unref();
    this.#pool = new Piscina({
      filename: new URL("./worker.ts", import.meta.url).href,
      minThreads: options.threads,
      maxThreads: options.threads,
      // A waiting upload holds its bytes; beyond a few per thread, wait in the queue.
      maxQueue: options.threads * 64,
      idleTimeout: 60_000,
      resourceLimits: {
        maxOldGenerationSizeMb: options.memoryMb,
        maxYoungGenerationSizeMb: YOUNG_GENERATION_MB,
      },
    });
  }

  async read(bytes: Uint8Array, expected: Parameters<BundleReader["read"]>[1]) {
    // The time limit counts from when a worker takes the bundle up, not from
    // when it was queued: a valid bundle is never refused for a busy server.
    const abort = new AbortController();
    const task = ++this.#tasks;
    let timer: NodeJS.Timeout | undefined;
    this.#onStart.set(task, () => {
      timer = setTimeout(() => abort.abort(), this.#options.timeoutMs);
    });
    try {
      return (await this.#pool.run(
        { bytes, expected, task, channel: this.#channelName },
        { signal: abort.signal },
      )) as Awaited<ReturnType<BundleReader["read"]>>;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (abort.signal.aborted) {
        return refused(
          `Reading the bundle took longer than ${this.#options.timeoutMs / 1000} seconds, the most the registry gives one.`,
        );
      }
      if (code === "ERR_WORKER_OUT_OF_MEMORY") {
        return refused(
          `Reading the bundle needed more than the ${this.#options.memoryMb} MB of memory the registry gives one.`,
        );
      }
      throw error;
    } finally {
      clearTimeout(timer);
      this.#onStart.delete(task);
    }
  }

  async close(): Promise<void> {
    this.#started.close();
    await this.#pool.destroy();
  }
}
