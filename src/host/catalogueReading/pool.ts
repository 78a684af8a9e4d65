import { tooTangled } from "../../gren/conflicts.ts";
import type { Conflict } from "../../gren/solver.ts";
import type { ChosenVersion, DependencyResolver, ResolutionJob } from "../../ports/resolver.ts";
import type {
  FoundPackage,
  PackageSearch,
  RankedPackage,
  RankedSearchJob,
  SearchFailure,
  SearchJob,
} from "../../ports/search.ts";
import { err, type Result } from "../../result.ts";
import { TimedPool } from "../threads/timedPool.ts";

export interface CatalogueReaderOptions {
  /** The database file, which each worker reads on a connection of its own. */
  dbPath: string;
  threads: number;
  /** How long one resolution's search may run. */
  resolveBudgetMs: number;
  /** How long one search of the catalogue may run. */
  searchTimeoutMs: number;
}

/** The heap of each catalogue reader: the packages it keeps read, and one task at a time. */
export const CATALOGUE_READER_MEMORY_MB = 128;
/** Tasks waiting for a thread, per thread; more are told to ask again later. */
const QUEUED_PER_THREAD = 16;
/**
 * A resolution's search stops itself when its budget is spent; a thread still
 * busy this long after that (reading a vast catalogue, say) is given up and
 * replaced.
 */
const GRACE_MS = 1000;

/**
 * Reads the catalogue for the questions whose cost depends on what is asked:
 * resolutions, within their time budget, and searches. They run in a pool of
 * worker threads, and no other request waits for them meanwhile.
 */
export class CatalogueReaders implements DependencyResolver, PackageSearch {
  readonly #pool: TimedPool;
  readonly #options: CatalogueReaderOptions;

  constructor(options: CatalogueReaderOptions) {
    this.#options = options;
    this.#pool = new TimedPool({
      filename: new URL("./worker.ts", import.meta.url).href,
      threads: options.threads,
      maxQueue: options.threads * QUEUED_PER_THREAD,
      memoryMb: CATALOGUE_READER_MEMORY_MB,
      youngGenerationMb: 16,
    });
  }

  async resolve(job: ResolutionJob) {
    const { dbPath, resolveBudgetMs: budgetMs } = this.#options;
    const outcome = await this.#pool.run<Result<ChosenVersion[], Conflict>>(
      { job, dbPath, budgetMs },
      budgetMs + GRACE_MS,
      "resolve",
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

  find(job: SearchJob) {
    return this.#search<FoundPackage[]>("search", job);
  }

  rank(job: RankedSearchJob) {
    return this.#search<RankedPackage[]>("rank", job);
  }

  async #search<T>(task: "search" | "rank", job: SearchJob | RankedSearchJob) {
    const outcome = await this.#pool.run<T>(
      { job, dbPath: this.#options.dbPath },
      this.#options.searchTimeoutMs,
      task,
    );
    switch (outcome.kind) {
      case "done":
        return { ok: true as const, value: outcome.value };
      case "timed_out":
      case "out_of_memory":
        // SQLite cannot be stopped half-way: the thread is replaced.
        return err<SearchFailure>({
          kind: "too_costly",
          limitMs: this.#options.searchTimeoutMs,
        });
      case "queue_full":
        return err<SearchFailure>({ kind: "busy" });
      default:
        return outcome satisfies never;
    }
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }
}
