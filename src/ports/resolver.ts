import type { PackageName } from "../gren/names.ts";
import type { ResolutionRequest } from "../gren/resolution.ts";
import type { Conflict } from "../gren/solver.ts";
import type { Result } from "../result.ts";

/** A resolution as asked, already checked: plain data, which can travel to another thread. */
export interface ResolutionJob extends ResolutionRequest {
  /** The user asking, whose memberships show them private packages; undefined for anyone. */
  viewerId: number | undefined;
}

/** A version a resolution chose, with what its answer says of it. */
export interface ChosenVersion {
  /** As registered. */
  name: PackageName;
  versionKey: number;
  sha256: string;
  size: number;
}

/**
 * - a `Conflict`: no answer, or none found in the time a resolution is given.
 * - `busy`: too many resolutions are waiting already; ask again later.
 */
export type ResolutionFailure = Conflict | { kind: "busy" };

/**
 * Chooses the versions of a resolution (`solveOnCatalogue` in the core),
 * wherever the host chooses to run it: the search's cost depends on what is
 * asked and what is published, so it is kept off the thread that answers
 * requests, and given a time budget.
 */
export interface DependencyResolver {
  resolve(job: ResolutionJob): Promise<Result<ChosenVersion[], ResolutionFailure>>;
}
