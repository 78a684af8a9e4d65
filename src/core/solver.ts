// Chooses a version of every package a project needs, directly or through
// other packages: the answer to `POST /resolve`.
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
// ends (a set of choices once proven hopeless is never explored again). Each
// of these only prunes branches holding no answer, so the answer is the one a
// plain newest-first depth-first search would find, reached much sooner.

import { isCompatiblePlatform, type Platform } from "../gren/outline.ts";
import {
  compareVersions,
  formatRange,
  formatVersion,
  type Range,
  rangeContains,
  type Version,
  versionKey,
} from "../gren/semver.ts";
import { err, ok, type Result } from "../result.ts";

export interface Dependency {
  name: string;
  range: Range;
}

/** One version of a package, as much of its outline as choosing it needs. */
export interface Candidate {
  version: Version;
  /** The compiler versions this version works with. */
  grenVersion: Range;
  platform: Platform;
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
   * How many versions the search may weigh before it gives up. A graph built
   * to make the search exponential then costs bounded time; real graphs need
   * a few per package.
   */
  effortLimit?: number;
}

/** Every direct and indirect dependency with its chosen version, by package name. */
export type Resolution = Map<string, Version>;

export interface Conflict {
  /** One sentence saying what went wrong. */
  message: string;
  /** The specific clashes: which packages ask for which ranges of what. */
  problems: string[];
}

const DEFAULT_EFFORT_LIMIT = 200_000;
/** More clashes than this bury the useful ones; the rest are counted. */
const PROBLEMS_SHOWN = 10;

export function resolve(request: ResolveRequest): Result<Resolution, Conflict> {
  return new Search(request).run();
}

/** A version that fits the compiler and the platform. */
interface Option {
  candidate: Candidate;
  /** Its dependencies in the order the compiler walks them, sorted once the version is first chosen. */
  walkOrder?: readonly Dependency[];
}

interface Catalogue {
  /** Undefined when there is no such package. */
  all: readonly Candidate[] | undefined;
  /** The versions that fit the compiler and the platform, newest first. */
  options: readonly Option[];
}

/** Who asks for a range of a package: the project itself, or a chosen version of a package. */
type Asker = { kind: "project" } | { kind: "package"; name: string; version: Version };

interface Need {
  range: Range;
  by: Asker;
}

/** A set of choices proven to leave no answer, whatever else is chosen. */
type DeadEnd = readonly { name: string; version: Version }[];

/** Either an answer was found, or the chosen packages whose versions together block every way on. */
type Outcome = "solved" | Set<string>;

const PROJECT: Asker = { kind: "project" };

class Search {
  readonly #request: ResolveRequest;
  readonly #catalogues = new Map<string, Catalogue>();
  /** Packages in the order they are decided; the ones after `#chosen.size` are still open. */
  readonly #queue: string[] = [];
  readonly #queued = new Set<string>();
  readonly #chosen = new Map<string, Option>();
  /** The ranges asked of each package so far, by the project and by chosen versions. */
  readonly #needs = new Map<string, Need[]>();
  /** Dead ends by each `name@version` they hold. */
  readonly #deadEnds = new Map<string, DeadEnd[]>();
  readonly #clashes = new ClashLog();
  #effortLeft: number;

  constructor(request: ResolveRequest) {
    this.#request = request;
    this.#effortLeft = request.effortLimit ?? DEFAULT_EFFORT_LIMIT;
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
            : `you ask for ${root.name} ${describeRange(root.range)}, but ${this.#whyNothingFits(root.name, root.range)}`,
        );
      }
    }
    if (unusable.length > 0) {
      return err({
        message:
          unusable.length === 1
            ? `${capitalise(unusable[0]!)}.`
            : `${unusable.length} of the packages you ask for have no version you can use.`,
        problems: unusable,
      });
    }

    if (this.#decide(0) === "solved") {
      const chosen = [...this.#chosen].sort(([a], [b]) => byName(a, b));
      return ok(new Map(chosen.map(([name, option]) => [name, option.candidate.version])));
    }
    if (this.#effortLeft < 0) {
      return err({
        message: `The dependencies are too tangled to resolve: I gave up after weighing ${this.#request.effortLimit ?? DEFAULT_EFFORT_LIMIT} versions.`,
        problems: [
          "narrow the ranges you ask for, or ask for exact versions of the packages that share dependencies",
        ],
      });
    }
    return err(this.#clashes.conflict((name, range) => this.#whyNothingFits(name, range)));
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
      if (--this.#effortLeft < 0) return new Set();
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

  /** Whether `option` can join the current choices; when not, adds the choices that refuse it to `blockers`. */
  #admits(name: string, option: Option, blockers: Set<string>): boolean {
    const version = option.candidate.version;
    for (const deadEnd of this.#deadEnds.get(choiceKey(name, version)) ?? []) {
      const others = deadEnd.filter((choice) => choice.name !== name);
      if (others.every((choice) => this.#isChosen(choice.name, choice.version))) {
        for (const choice of others) blockers.add(choice.name);
        return false;
      }
    }

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

  #isChosen(name: string, version: Version): boolean {
    const chosen = this.#chosen.get(name);
    return chosen !== undefined && compareVersions(chosen.candidate.version, version) === 0;
  }

  #remember(blockers: Set<string>): void {
    const deadEnd: DeadEnd = [...blockers].map((name) => ({
      name,
      version: this.#chosen.get(name)!.candidate.version,
    }));
    for (const choice of deadEnd) {
      const key = choiceKey(choice.name, choice.version);
      const known = this.#deadEnds.get(key);
      if (known) known.push(deadEnd);
      else this.#deadEnds.set(key, [deadEnd]);
    }
  }

  #catalogue(name: string): Catalogue {
    const known = this.#catalogues.get(name);
    if (known) return known;
    const all = this.#request.versionsOf(name);
    const options = (all ?? [])
      .filter((candidate) => this.#fitsCompiler(candidate) && this.#fitsPlatform(candidate))
      .sort((a, b) => compareVersions(b.version, a.version))
      .map((candidate): Option => ({ candidate }));
    const catalogue = { all, options };
    this.#catalogues.set(name, catalogue);
    return catalogue;
  }

  #fitsCompiler(candidate: Candidate): boolean {
    return rangeContains(candidate.grenVersion, this.#request.compiler);
  }

  #fitsPlatform(candidate: Candidate): boolean {
    return isCompatiblePlatform(this.#request.platform, candidate.platform);
  }

  /** Why no version of `name` in `range` can be used, as the end of a sentence starting "but". */
  #whyNothingFits(name: string, range: Range): string {
    const all = this.#catalogue(name).all;
    if (all === undefined) return `there is no package ${name}`;
    if (all.length === 0) return `${name} has no versions available`;
    const inRange = all.filter((candidate) => rangeContains(range, candidate.version));
    const exact = exactVersion(range);
    if (inRange.length === 0) {
      return exact
        ? `${name} has no version ${exact}`
        : `${name} has no version in ${formatRange(range)}`;
    }
    const compiler = `compiler ${formatVersion(this.#request.compiler)}`;
    const platform = `platform ${this.#request.platform}`;
    const fitsCompiler = inRange.some((candidate) => this.#fitsCompiler(candidate));
    const fitsPlatform = inRange.some((candidate) => this.#fitsPlatform(candidate));
    if (exact) {
      return !fitsCompiler
        ? `${name} ${exact} does not fit ${compiler}`
        : `${name} ${exact} is not for ${platform}`;
    }
    const within = inRange.length === all.length ? "" : ` in ${formatRange(range)}`;
    if (!fitsCompiler) return `no version of ${name}${within} fits ${compiler}`;
    if (!fitsPlatform) return `${name} has no version${within} for ${platform}`;
    return `no version of ${name}${within} fits both ${compiler} and ${platform}`;
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

// The compiler keeps packages in a Gren `Dict`, ordered by plain string comparison.
const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const choiceKey = (name: string, version: Version): string => `${name}@${versionKey(version)}`;

/** The version an exact range x.y.z <= v < x.y.(z+1) stands for, as the compiler writes exact versions. */
function exactVersion(range: Range): string | undefined {
  const { lower, upper } = range;
  const exact =
    upper.major === lower.major && upper.minor === lower.minor && upper.patch === lower.patch + 1;
  return exact ? formatVersion(lower) : undefined;
}

const describeRange = (range: Range): string => exactVersion(range) ?? formatRange(range);

const capitalise = (sentence: string): string =>
  sentence.charAt(0).toUpperCase() + sentence.slice(1);

/** A version's need of `subject` that cannot be met. */
type Clash = {
  subject: string;
  need: Need;
  /** The needs it cannot be met alongside. */
  others: readonly Need[];
} & (
  | { fits: "apart" } // the ranges do not meet
  | { fits: "nothing"; within: Range } // they meet, but no usable version lies there
  | { fits: "not itself" } // a version that needs its own package outside its own version
);

interface ClashEntry {
  subject: string;
  /** Who asks, each with the versions asking for the same range. */
  sides: { asker: Asker; range: Range; versions: Version[] }[];
  /** Why no version fits, when it is not simply that the ranges do not meet. */
  why: string | undefined;
}

/**
 * The clashes met on the way. They are kept as found, which is cheap, and only
 * put into words when the search fails, merged so that the versions of one
 * package asking for the same range make one sentence rather than one each.
 */
class ClashLog {
  readonly #found: Clash[] = [];

  record(clash: Clash): void {
    this.#found.push(clash);
  }

  conflict(whyNothingFits: (name: string, range: Range) => string): Conflict {
    const entries = new Map<string, ClashEntry>();
    for (const clash of this.#found) {
      const needs = [clash.need, ...clash.others];
      const why =
        clash.fits === "nothing"
          ? whyNothingFits(clash.subject, clash.within)
          : clash.fits === "not itself"
            ? "its own version is outside that range"
            : undefined;
      const key = [
        clash.subject,
        ...needs.map((need) => `${askerName(need.by)} ${formatRange(need.range)}`),
        why ?? "",
      ].join("|");
      let entry = entries.get(key);
      if (!entry) {
        entry = {
          subject: clash.subject,
          sides: needs.map((need) => ({ asker: need.by, range: need.range, versions: [] })),
          why,
        };
        entries.set(key, entry);
      }
      needs.forEach((need, index) => {
        const side = entry.sides[index];
        if (side && need.by.kind === "package") addVersion(side.versions, need.by.version);
      });
    }
    if (entries.size === 0) {
      return {
        message: "No combination of versions meets every constraint.",
        problems: ["every combination of the versions you may use clashes somewhere"],
      };
    }
    const subjects = [...new Set([...entries.values()].map((entry) => entry.subject))];
    const sentences = [...entries.values()].map(describeClash);
    const problems = sentences.slice(0, PROBLEMS_SHOWN);
    if (sentences.length > PROBLEMS_SHOWN) {
      problems.push(`and ${sentences.length - PROBLEMS_SHOWN} more clashes like these`);
    }
    return {
      message: `No combination of versions meets every constraint on ${listNames(subjects)}.`,
      problems,
    };
  }
}

function addVersion(versions: Version[], version: Version): void {
  if (!versions.some((known) => compareVersions(known, version) === 0)) versions.push(version);
}

const askerName = (asker: Asker): string => (asker.kind === "package" ? asker.name : "");

/** "acme/lib 1.2.0 needs gren-lang/core 7.0.0 <= v < 8.0.0, but you ask for gren-lang/core 6.0.0 <= v < 7.0.0" */
function describeClash(entry: ClashEntry): string {
  const asks = entry.sides.map(
    (side) => `${whoAsks(side.asker, side.versions)} ${entry.subject} ${describeRange(side.range)}`,
  );
  if (entry.why === undefined) return asks.join(", but ");
  return `${listWords(asks)}, but ${entry.why}`;
}

/** "you ask for", "acme/lib 1.2.0 needs", "acme/lib 1.0.0 and 1.1.0 need", "5 versions of acme/lib (1.0.0 to 1.4.0) need". */
function whoAsks(asker: Asker, versions: readonly Version[]): string {
  if (asker.kind === "project") return "you ask for";
  const sorted = [...versions].sort(compareVersions).map(formatVersion);
  if (sorted.length <= 1) return `${asker.name} ${sorted[0] ?? formatVersion(asker.version)} needs`;
  if (sorted.length <= 3) return `${asker.name} ${listWords(sorted)} need`;
  return `${sorted.length} versions of ${asker.name} (${sorted[0]} to ${sorted.at(-1)}) need`;
}

function listWords(words: readonly string[]): string {
  return words.length <= 1
    ? (words[0] ?? "")
    : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

function listNames(names: readonly string[]): string {
  return names.length <= 3 ? listWords(names) : `${names.slice(0, 3).join(", ")} and others`;
}
