import type { Result } from "../result.ts";

/** A search of the catalogue as asked, already checked: plain data, which can travel to another thread. */
export interface SearchJob {
  /** Found in a package's name, summary or module names; not empty. */
  query: string;
  /** The key of the last package of the previous page, or "" for the first. */
  after: string;
  /** The user asking, whose memberships show them private packages; undefined for anyone. */
  viewerId: number | undefined;
  limit: number;
}

/** A package found, as a listing shows it. */
export interface FoundPackage {
  key: string;
  /** As registered. */
  name: string;
  summary: string;
  /** The highest version not revoked, as a `versionKey`. */
  latestKey: number | undefined;
}

/** The site's search: packages ranked by how they match, a page at a time. */
export interface RankedSearchJob {
  /** Lower case; not empty. */
  query: string;
  viewerId: number | undefined;
  limit: number;
  offset: number;
}

/** How a package matched a search: the better kinds first. */
export type SearchMatch = "exact" | "prefix" | "name" | "summary" | "module";

/** A package a ranked search found, and how. */
export interface RankedPackage extends FoundPackage {
  match: SearchMatch;
  /** The text indexed for the package: its name, summary and modules, joined by spaces. */
  indexed: string;
}

/**
 * - `too_costly`: the search did not finish in the time a search is given.
 * - `busy`: too many searches are waiting already; ask again later.
 */
export type SearchFailure = { kind: "too_costly"; limitMs: number } | { kind: "busy" };

/**
 * Searches the catalogue (`searchCatalogue` in the core), wherever the host
 * chooses to run it: what a search costs depends on the text searched for
 * and on what is published, so it is kept off the thread that answers
 * requests, and given a time budget.
 */
export interface PackageSearch {
  find(job: SearchJob): Promise<Result<FoundPackage[], SearchFailure>>;
  rank(job: RankedSearchJob): Promise<Result<RankedPackage[], SearchFailure>>;
}
