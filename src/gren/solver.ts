// Chooses a version of every package a project needs, directly or through
// other packages: the answer to `POST /resolve`, and whatever else resolves
// dependencies by the compiler's rules.
//
// The Gren compiler 0.6.x has no version search of its own: an application
// lists every package with an exact version, a package project gets the lower
// bound of each range, and `Compiler.Dependencies.solve` only checks that the
// ranges asked of each package meet. So the rules here are the compiler's
// rules for a finished answer (each range asked for contains the version
// chosen, each version's gren-version contains the compiler's version, each
// package is of the project's platform or `common`), and the search for that
// answer is ours, made deterministic:
//
// - Packages are taken in the order the compiler walks them: the requested
//   packages by name, then, breadth first, the dependencies of each chosen
//   version by name.
// - Each package gets its newest version that still allows an answer, earlier
//   packages first: of two answers, the one with the newer version of the
//   first package where they differ wins.
//
// The search is a depth-first one with forward checking (a version is refused
// at once when one of its dependencies has no version left in range),
// conflict-directed backjumping (a dead end goes straight back to the latest
// choice that caused it, skipping choices that did not), and remembered dead
// ends (a set of choices once proven hopeless is not explored again). Each of
// these only prunes branches holding no answer, so the answer is the one a
// plain newest-first depth-first search would find, reached much sooner.
//
// Some graphs have no answer and exponentially many ways to fail (nine
// packages each needing one of eight others at its own version, say). The
// search is pure: the caller decides when it has run long enough, through
// `stop`, and what one weighing of a version costs does not grow as the
// search goes on: dead ends are remembered by package and version, a few for
// each, and the clashes met are merged as they are found.

import { err, ok, type Result } from "../result.ts";
import {
  type Asker,
  byName,
  type Clash,
  ClashLog,
  type Conflict,
  fitsCompilerOf,
  fitsPlatformOf,
  type Need,
  type Offered,
  PROJECT,
  rootUnusable,
  unusableRoots,
  whyNothingFits,
} from "./conflicts.ts";
import type { Platform } from "./outline.ts";
import { compareVersions, type Range, rangeContains, type Version, versionKey } from "./semver.ts";

export type { Conflict } from "./conflicts.ts";

export interface Dependency {
  name: string;
  range: Range;
}

/** One version of a package, as much of its outline as choosing it needs. */
export interface Candidate extends Offered {
  dependencies: readonly Dependency[];
}

export interface ResolveRequest {
  /** The compiler asking: every chosen version's gren-version must contain it. */
  compiler: Version;
  /** The project's platform: every chosen package must be of this platform or `common`. */
  platform: Platform;
  /** What the project asks for; an exact version x.y.z arrives as the range x.y.z <= v < x.y.(z+1). */
  roots: readonly Dependency[];
  /**
   * Every version of a package the caller may see, revoked ones already left
   * out, in any order; undefined when there is no such package (or the caller
   * may not see it). Called at most once per package.
   */
  versionsOf(name: string): readonly Candidate[] | undefined;
  /**
   * Asked every few hundred versions weighed: true ends the search, which then
   * answers that the constraints are too tangled. Without it the search runs
   * until it settles, however long that takes.
   */
  stop?: (() => boolean) | undefined;
}

/** Every direct and indirect dependency with its chosen version, by package name. */
export type Resolution = Map<string, Version>;

/** Versions weighed between two questions to `stop`: a fraction of a millisecond's work. */
const WEIGHINGS_PER_CHECK = 256;
/**
 * Dead ends remembered for each version of a package. The newest are kept:
 * a search deep in one part of the graph meets the dead ends it found there.
 */
const DEAD_ENDS_PER_VERSION = 8;
/** Dead ends remembered in all, each counted once for every version it holds. */
const DEAD_ENDS_KEPT = 100_000;

export function resolve(request: ResolveRequest): Result<Resolution, Conflict> {
  return new Search(request).run();
}

/** A version that fits the compiler and the platform. */
interface Option {
  candidate: Candidate;
  /** Its version as one integer, compared at every weighing. */
  key: number;
  /** Its dependencies in the order the compiler walks them, sorted once the version is first chosen. */
  walkOrder?: readonly Dependency[];
}

interface Catalogue {
  /** Undefined when there is no such package. */
  all: readonly Candidate[] | undefined;
  /** The versions that fit the compiler and the platform, newest first. */
  options: readonly Option[];
}

/** A set of choices, by package and version key, proven to leave no answer whatever else is chosen. */
type DeadEnd = readonly { name: string; key: number }[];

/** Either an answer was found, or the chosen packages whose versions together block every way on. */
type Outcome = "solved" | Set<string>;

class Search {
  readonly #request: ResolveRequest;
  readonly #catalogues = new Map<string, Catalogue>();
  /** Packages in the order they are decided; the ones after `#chosen.size` are still open. */
  readonly #queue: string[] = [];
  readonly #queued = new Set<string>();
  readonly #chosen = new Map<string, Option>();
  /** The ranges asked of each package so far, by the project and by chosen versions. */
  readonly #needs = new Map<string, Need[]>();
  /** Dead ends by package, then by the key of its version they hold: a weighing reads only its own. */
  readonly #deadEnds = new Map<string, Map<number, DeadEnd[]>>();
  #deadEndsKept = 0;
  readonly #clashes = new ClashLog();
  #untilCheck = WEIGHINGS_PER_CHECK;
  #stopped = false;

  constructor(request: ResolveRequest) {
    this.#request = request;
  }

  run(): Result<Resolution, Conflict> {
    const roots = [...this.#request.roots].sort((a, b) => byName(a.name, b.name));
    const unusable: string[] = [];
    for (const root of roots) {
      this.#ask(root.name, { range: root.range, by: PROJECT });
      const catalogue = this.#catalogue(root.name);
      if (newestWithin(catalogue.options, root.range.lower, root.range.upper) < 0) {
        unusable.push(
          catalogue.all === undefined
            ? `there is no package ${root.name}`
            : rootUnusable(root.name, root.range, this.#whyNothingFits(root.name, root.range)),
        );
      }
    }
    if (unusable.length > 0) return err(unusableRoots(unusable));

    if (this.#decide(0) === "solved") {
      const chosen = [...this.#chosen].sort(([a], [b]) => byName(a, b));
      return ok(new Map(chosen.map(([name, option]) => [name, option.candidate.version])));
    }
    const why = (name: string, range: Range) => this.#whyNothingFits(name, range);
    return err(this.#stopped ? this.#clashes.tooTangled(why) : this.#clashes.unsatisfiable(why));
  }

  /** Decides the package at `depth` in the queue and, through recursion, every one after it. */
  #decide(depth: number): Outcome {
    const name = this.#queue[depth];
    if (name === undefined) return "solved";
    const options = this.#catalogue(name).options;
    const needs = this.#needs.get(name) ?? [];
    // Choices that, kept as they are, leave this package no version: starting
    // with whichever choice made it needed at all, unless the project asks for it.
    const blockers = new Set<string>();
    if (!needs.some((need) => need.by.kind === "project")) {
      const introducer = needs.find((need) => need.by.kind === "package")?.by;
      if (introducer?.kind === "package") blockers.add(introducer.name);
    }
    const bounds = tightest(needs);
    const oldest = options.at(-1)?.candidate.version;
    const newest = options[0]?.candidate.version;
    if (oldest && compareVersions(oldest, bounds.lower) < 0) blame(bounds.lowerNeed, blockers);
    if (newest && compareVersions(newest, bounds.upper) >= 0) blame(bounds.upperNeed, blockers);

    const newestAllowed = newestWithin(options, bounds.lower, bounds.upper);
    const allowed = newestAllowed < 0 ? [] : options.slice(newestAllowed);
    for (const option of allowed) {
      if (compareVersions(option.candidate.version, bounds.lower) < 0) break;
      if (this.#mustStop()) return new Set();
      if (!this.#admits(name, option, blockers)) continue;

      const undo = this.#choose(name, option);
      const outcome = this.#decide(depth + 1);
      if (outcome === "solved") return outcome;
      undo();
      // The dead end below does not depend on this package's version: trying
      // its older versions would meet the same dead end again.
      if (!outcome.has(name)) return outcome;
      for (const blocker of outcome) if (blocker !== name) blockers.add(blocker);
    }
    this.#remember(blockers);
    return blockers;
  }

  /** Whether the caller has had enough; asked once every so many weighings. */
  #mustStop(): boolean {
    if (this.#stopped) return true;
    if (--this.#untilCheck > 0) return false;
    this.#untilCheck = WEIGHINGS_PER_CHECK;
    this.#stopped = this.#request.stop?.() === true;
    return this.#stopped;
  }

  /** Whether `option` can join the current choices; when not, adds the choices that refuse it to `blockers`. */
  #admits(name: string, option: Option, blockers: Set<string>): boolean {
    for (const deadEnd of this.#deadEnds.get(name)?.get(option.key) ?? []) {
      if (deadEnd.every((choice) => choice.name === name || this.#isChosen(choice))) {
        for (const choice of deadEnd) if (choice.name !== name) blockers.add(choice.name);
        return false;
      }
    }

    const version = option.candidate.version;
    const asker: Asker = { kind: "package", name, version };
    for (const dependency of option.candidate.dependencies) {
      if (dependency.name === name) {
        if (rangeContains(dependency.range, version)) continue;
        this.#clashes.record({
          subject: name,
          need: { range: dependency.range, by: asker },
          others: [],
          fits: "not itself",
        });
        return false;
      }
      const need: Need = { range: dependency.range, by: asker };
      const clash = this.#clashWith(dependency.name, need);
      if (clash) {
        for (const other of clash.others) blame(other, blockers);
        this.#clashes.record(clash);
        return false;
      }
      const chosen = this.#chosen.get(dependency.name);
      if (chosen && !rangeContains(dependency.range, chosen.candidate.version)) {
        blockers.add(dependency.name);
        return false;
      }
    }
    return true;
  }

  /**
   * What stops `need` from being met alongside the ranges already asked of
   * `name`, if anything: no usable version lies in all of them.
   */
  #clashWith(name: string, need: Need): Clash | undefined {
    const catalogue = this.#catalogue(name);
    const asked = tightest(this.#needs.get(name) ?? []);
    const lower = later(asked.lower, need.range.lower);
    const upper = earlier(asked.upper, need.range.upper);
    if (newestWithin(catalogue.options, lower, upper) >= 0) return undefined;
    if (catalogue.options.length === 0) {
      return { subject: name, need, others: [], fits: "nothing", within: need.range };
    }
    // Ranges are intervals: when they do not meet, the one on the far side
    // explains it; when they meet only on versions that cannot be used, the
    // needs that narrowed the meeting part do.
    if (compareVersions(lower, upper) >= 0) {
      const far =
        compareVersions(need.range.upper, asked.lower) <= 0 ? asked.lowerNeed : asked.upperNeed;
      return { subject: name, need, others: far ? [far] : [], fits: "apart" };
    }
    const others: Need[] = [];
    if (asked.lowerNeed && compareVersions(asked.lower, need.range.lower) > 0) {
      others.push(asked.lowerNeed);
    }
    if (
      asked.upperNeed &&
      !others.includes(asked.upperNeed) &&
      compareVersions(asked.upper, need.range.upper) < 0
    ) {
      others.push(asked.upperNeed);
    }
    return { subject: name, need, others, fits: "nothing", within: { lower, upper } };
  }

  #choose(name: string, option: Option): () => void {
    this.#chosen.set(name, option);
    const asker: Asker = { kind: "package", name, version: option.candidate.version };
    const queuedBefore = this.#queue.length;
    option.walkOrder ??= [...option.candidate.dependencies].sort((a, b) => byName(a.name, b.name));
    const dependencies = option.walkOrder;
    for (const dependency of dependencies) {
      this.#ask(dependency.name, { range: dependency.range, by: asker });
    }
    return () => {
      for (const dependency of dependencies) this.#needs.get(dependency.name)?.pop();
      for (const dropped of this.#queue.splice(queuedBefore)) this.#queued.delete(dropped);
      this.#chosen.delete(name);
    };
  }

  #ask(name: string, need: Need): void {
    const needs = this.#needs.get(name);
    if (needs) needs.push(need);
    else this.#needs.set(name, [need]);
    if (!this.#queued.has(name)) {
      this.#queued.add(name);
      this.#queue.push(name);
    }
  }

  #isChosen(choice: { name: string; key: number }): boolean {
    return this.#chosen.get(choice.name)?.key === choice.key;
  }

  #remember(blockers: Set<string>): void {
    const deadEnd: DeadEnd = [...blockers].map((name) => ({
      name,
      key: this.#chosen.get(name)!.key,
    }));
    for (const choice of deadEnd) {
      this.#clashes.involve(choice.name);
      let ofPackage = this.#deadEnds.get(choice.name);
      if (!ofPackage) {
        ofPackage = new Map();
        this.#deadEnds.set(choice.name, ofPackage);
      }
      const known = ofPackage.get(choice.key);
      if (known && known.length >= DEAD_ENDS_PER_VERSION) {
        // The oldest makes room: the count in all stays as it was.
        known.shift();
        known.push(deadEnd);
      } else if (this.#deadEndsKept < DEAD_ENDS_KEPT) {
        if (known) known.push(deadEnd);
        else ofPackage.set(choice.key, [deadEnd]);
        this.#deadEndsKept++;
      }
    }
  }

  #catalogue(name: string): Catalogue {
    const known = this.#catalogues.get(name);
    if (known) return known;
    const all = this.#request.versionsOf(name);
    const options = (all ?? [])
      .filter(
        (candidate) =>
          fitsCompilerOf(this.#request, candidate) && fitsPlatformOf(this.#request, candidate),
      )
      .sort((a, b) => compareVersions(b.version, a.version))
      .map((candidate): Option => ({ candidate, key: versionKey(candidate.version) }));
    const catalogue = { all, options };
    this.#catalogues.set(name, catalogue);
    return catalogue;
  }

  #whyNothingFits(name: string, range: Range): string {
    return whyNothingFits(name, range, this.#catalogue(name).all, this.#request);
  }
}

interface Bounds {
  lower: Version;
  upper: Version;
  /** The need with the highest lower bound, absent when nothing is asked. */
  lowerNeed?: Need;
  /** The need with the lowest upper bound. */
  upperNeed?: Need;
}

const LOWEST: Version = { major: 0, minor: 0, patch: 0 };
const BEYOND_ALL: Version = { major: Number.POSITIVE_INFINITY, minor: 0, patch: 0 };

/** The narrowest range meeting every need: ranges are intervals, so their common part is one. */
function tightest(needs: readonly Need[]): Bounds {
  const bounds: Bounds = { lower: LOWEST, upper: BEYOND_ALL };
  for (const need of needs) {
    if (!bounds.lowerNeed || compareVersions(need.range.lower, bounds.lower) > 0) {
      bounds.lower = need.range.lower;
      bounds.lowerNeed = need;
    }
    if (!bounds.upperNeed || compareVersions(need.range.upper, bounds.upper) < 0) {
      bounds.upper = need.range.upper;
      bounds.upperNeed = need;
    }
  }
  return bounds;
}

/** Counts the choice behind `need` among those blocking the way, the project's own needs aside. */
function blame(need: Need | undefined, blockers: Set<string>): void {
  if (need?.by.kind === "package") blockers.add(need.by.name);
}

const later = (a: Version, b: Version): Version => (compareVersions(a, b) >= 0 ? a : b);
const earlier = (a: Version, b: Version): Version => (compareVersions(a, b) <= 0 ? a : b);

/** The index of the newest option from `lower` (included) to `upper` (excluded), or -1. */
function newestWithin(options: readonly Option[], lower: Version, upper: Version): number {
  // Options run newest first: find the first one below `upper`.
  let low = 0;
  let high = options.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareVersions(options[middle]!.candidate.version, upper) >= 0) low = middle + 1;
    else high = middle;
  }
  const found = options[low];
  return found && compareVersions(found.candidate.version, lower) >= 0 ? low : -1;
}
