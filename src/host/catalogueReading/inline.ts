import { searchCatalogue } from "../../core/packages.ts";
import { LiveVersions, solveOnCatalogue } from "../../core/resolution.ts";
import { rankedSearch } from "../../core/stores/packages.ts";
import type { Database } from "../../ports/database.ts";
import type { DependencyResolver } from "../../ports/resolver.ts";
import type { PackageSearch } from "../../ports/search.ts";

/**
 * Resolves on the calling thread, on `db`: for tools and tests that resolve
 * one at a time. With `budgetMs`, a search running longer gives up.
 */
export function inlineResolver(db: Database, budgetMs?: number): DependencyResolver {
  const live = new LiveVersions();
  return {
    resolve: async (job) => {
      const deadline = performance.now() + (budgetMs ?? Number.POSITIVE_INFINITY);
      return solveOnCatalogue(db, live, job, () => performance.now() >= deadline);
    },
  };
}

/** Searches on the calling thread, on `db`: for tools and tests. */
export const inlineSearch = (db: Database): PackageSearch => ({
  find: async (job) => ({ ok: true, value: searchCatalogue(db, job) }),
  rank: async (job) => ({ ok: true, value: rankedSearch(db, job) }),
});
