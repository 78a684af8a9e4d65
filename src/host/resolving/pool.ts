import { tooTangled } from "../../gren/conflicts.ts";
import type { Conflict } from "../../gren/solver.ts";
import type { ChosenVersion, DependencyResolver, ResolutionJob } from "../../ports/resolver.ts";
import { err, type Result } from "../../result.ts";
import { TimedPool } from "../threads/timedPool.ts";

export interface ResolverPoolOptions {
  /** The database file, which each worker reads on a connection of its own. */
  dbPath: string;
  threads: number;
  /** How long one resolution's search may run. */
  budgetMs: number;
}

/** The heap of each resolver thread: the packages it keeps read, and one search at a time. */
export const RESOLVER_MEMORY_MB = 128;
/** Resolutions waiting for a thread, per thread; more are told to ask again later. */
const QUEUED_PER_THREAD = 16;
/**
 * The search stops itself when its budget is spent; a thread still busy this
 * long after that (reading a vast catalogue, say) is given up and replaced.
 */
const GRACE_MS = 1000;

/**
 * Resolves dependencies in a pool of worker threads, each search within its
 * time budget: a resolution that cannot be settled in time is answered as too
 * tangled, and no other request waits for it meanwhile.
 */
export class WorkerResolver implements DependencyResolver {
  readonly #pool: TimedPool;
  readonly #options: ResolverPoolOptions;

  constructor(options: ResolverPoolOptions) {
    this.#options = options;
    this.#pool = new TimedPool({
      filename: new URL("./worker.ts", import.meta.url).href,
      threads: options.threads,
      maxQueue: options.threads * QUEUED_PER_THREAD,
      memoryMb: RESOLVER_MEMORY_MB,
      youngGenerationMb: 16,
    });
  }

  async resolve(job: ResolutionJob) {
    const { dbPath, budgetMs } = this.#options;
    const outcome = await this.#pool.run<Result<ChosenVersion[], Conflict>>(
      { job, dbPath, budgetMs },
      budgetMs + GRACE_MS,
    );
    switch (outcome.kind) {
      case "done":
        return outcome.value;
      case "timed_out":
      case "out_of_memory":
        // Cut short from outside, the search could not say where it was stuck:
        // what the project asks for is all there is to name.
        return err(
          tooTangled(
            job.roots.map((root) => root.name),
            [],
          ),
        );
      case "queue_full":
        return err({ kind: "busy" as const });
      default:
        return outcome satisfies never;
    }
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }
}
