import { randomUUID } from "node:crypto";
import { availableParallelism } from "node:os";
import { BroadcastChannel, MessageChannel } from "node:worker_threads";
import { Piscina } from "piscina";
import type {
  BundleReader,
  BundleRejection,
  DependencyApis,
  StoredApi,
  StoredBundle,
  UploadExtras,
} from "../../ports/bundles.ts";
import { err, type Result } from "../../result.ts";
import type { ReaderTask } from "./worker.ts";

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

const refused = (problem: string): Result<never, BundleRejection> =>
  err({ kind: "invalid", problems: [problem] });

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

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

  read(
    bytes: Uint8Array,
    expected: Parameters<BundleReader["read"]>[1],
    dependencies: DependencyApis,
    extras: UploadExtras = {},
  ): ReturnType<BundleReader["read"]> {
    return this.#run({ kind: "upload", bytes, expected, extras }, dependencies, (problem) =>
      refused(problem),
    );
  }

  compare(older: StoredApi, newer: StoredApi): ReturnType<BundleReader["compare"]> {
    return this.#run({ kind: "compare", older, newer }, undefined, (problem) =>
      err(problem.replace("Reading the bundle", "Comparing the two APIs")),
    );
  }

  document(
    bytes: Uint8Array,
    stored: StoredBundle,
    dependencies: DependencyApis,
  ): ReturnType<BundleReader["document"]> {
    return this.#run({ kind: "stored", bytes, stored }, dependencies, (problem) => err([problem]));
  }

  async #run<T>(
    work: DistributiveOmit<ReaderTask, "task" | "channel" | "apis">,
    dependencies: DependencyApis | undefined,
    refusal: (problem: string) => T,
  ): Promise<T> {
    // The time limit counts from when a worker takes the bundle up, not from
    // when it was queued: a valid bundle is never refused for a busy server.
    const abort = new AbortController();
    const task = ++this.#tasks;
    let timer: NodeJS.Timeout | undefined;
    this.#onStart.set(task, () => {
      timer = setTimeout(() => abort.abort(), this.#options.timeoutMs);
    });
    // The reader asks here for the stored APIs of the bundle's dependencies, once it has read its outline.
    const apis = dependencies && new MessageChannel();
    apis?.port1.on("message", (asked: Parameters<DependencyApis>[0]) => {
      apis.port1.postMessage(dependencies!(asked));
    });
    try {
      const taken = { ...work, task, channel: this.#channelName, apis: apis?.port2 } as ReaderTask;
      return (await this.#pool.run(taken, {
        signal: abort.signal,
        transferList: apis ? [apis.port2] : [],
      })) as T;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (abort.signal.aborted) {
        return refusal(
          `Reading the bundle took longer than ${this.#options.timeoutMs / 1000} seconds, the most the registry gives one.`,
        );
      }
      if (code === "ERR_WORKER_OUT_OF_MEMORY") {
        return refusal(
          `Reading the bundle needed more than the ${this.#options.memoryMb} MB of memory the registry gives one.`,
        );
      }
      throw error;
    } finally {
      clearTimeout(timer);
      this.#onStart.delete(task);
      apis?.port1.close();
    }
  }

  async close(): Promise<void> {
    this.#started.close();
    await this.#pool.destroy();
  }
}
