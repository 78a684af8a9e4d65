// What the dependency solver says when there is no answer, in sentences a
// person can act on: who asks for which range of what, and why no version
// fits. The search (solver.ts) records what it meets; this puts it into words.

import { isCompatiblePlatform, type Platform } from "./outline.ts";
import {
  compareVersions,
  formatRange,
  formatVersion,
  type Range,
  rangeContains,
  type Version,
  versionKey,
} from "./semver.ts";

/** Why a resolution has no answer. */
export interface Conflict {
  /**
   * - `unsatisfiable`: no combination of versions meets every constraint.
   * - `too_tangled`: the search was stopped before it could tell.
   */
  kind: "unsatisfiable" | "too_tangled";
  /** One sentence saying what went wrong. */
  message: string;
  /** The specific clashes: which packages ask for which ranges of what. */
  problems: string[];
}

/** Who asks for a range of a package: the project itself, or a chosen version of a package. */
export type Asker = { kind: "project" } | { kind: "package"; name: string; version: Version };

export interface Need {
  range: Range;
  by: Asker;
}

export const PROJECT: Asker = { kind: "project" };

/** A version's need of `subject` that cannot be met. */
export type Clash = {
  subject: string;
  need: Need;
  /** The needs it cannot be met alongside. */
  others: readonly Need[];
} & (
  | { fits: "apart" } // the ranges do not meet
  | { fits: "nothing"; within: Range } // they meet, but no usable version lies there
  | { fits: "not itself" } // a version that needs its own package outside its own version
);

/** What a version offers the search, as far as saying why it does not fit goes. */
export interface Offered {
  version: Version;
  /** The compiler versions it works with. */
  grenVersion: Range;
  platform: Platform;
}

/** The project's compiler and platform, which every chosen version must fit. */
export interface Project {
  compiler: Version;
  platform: Platform;
}

/** More clashes than this bury the useful ones; the rest are counted. */
const PROBLEMS_SHOWN = 10;
/** Clashes told apart and kept; past this, the search only counts them. */
const CLASHES_KEPT = 1000;
/** Packages named in the message that the search gave up on. */
const INVOLVED_NAMED = 3;
/** Packages listed among its problems. */
const INVOLVED_LISTED = 20;

interface ClashEntry {
  subject: string;
  /** Who asks, each with the versions asking for the same range. */
  sides: { asker: Asker; range: Range; versions: Version[] }[];
  /** The clash as first met, to say why no version fits when asked. */
  first: Clash;
}

/**
 * The clashes met on the way, merged as they are found, so that the versions
 * of one package asking for the same range make one sentence rather than one
 * each, and so that a long search holds no more of them than it can show.
 * They are put into words only when the search fails.
 */
export class ClashLog {
  readonly #entries = new Map<string, ClashEntry>();
  /** How often each package was part of a clash or a dead end: who a search was stuck on. */
  readonly #involvement = new Map<string, number>();
  #unkept = 0;

  record(clash: Clash): void {
    const needs = [clash.need, ...clash.others];
    this.involve(clash.subject);
    for (const need of needs) if (need.by.kind === "package") this.involve(need.by.name);
    let key = `${clash.subject}|${clash.fits}`;
    for (const need of needs) key += `|${askerName(need.by)} ${rangeKey(need.range)}`;
    if (clash.fits === "nothing") key += `|${rangeKey(clash.within)}`;
    let entry = this.#entries.get(key);
    if (!entry) {
      if (this.#entries.size >= CLASHES_KEPT) {
        this.#unkept++;
        return;
      }
      entry = {
        subject: clash.subject,
        sides: needs.map((need) => ({ asker: need.by, range: need.range, versions: [] })),
        first: clash,
      };
      this.#entries.set(key, entry);
    }
    needs.forEach((need, index) => {
      const side = entry.sides[index];
      if (side && need.by.kind === "package") addVersion(side.versions, need.by.version);
    });
  }

  /** Counts a package as one the search was held up by. */
  involve(name: string): void {
    this.#involvement.set(name, (this.#involvement.get(name) ?? 0) + 1);
  }

  /** No combination of versions meets every constraint: the clashes that show it. */
  unsatisfiable(whyNothingFits: (name: string, range: Range) => string): Conflict {
    if (this.#entries.size === 0) {
      return {
        kind: "unsatisfiable",
        message: "No combination of versions meets every constraint.",
        problems: ["every combination of the versions you may use clashes somewhere"],
      };
    }
    const subjects = [...new Set([...this.#entries.values()].map((entry) => entry.subject))];
    return {
      kind: "unsatisfiable",
      message: `No combination of versions meets every constraint on ${listNames(subjects)}.`,
      problems: this.#sentences(whyNothingFits, PROBLEMS_SHOWN),
    };
  }

  /**
   * The search was stopped before it settled: the packages it kept running
   * into, most often first, and the first clashes among them.
   */
  tooTangled(whyNothingFits: (name: string, range: Range) => string): Conflict {
    const involved = [...this.#involvement]
      .sort(([a, timesA], [b, timesB]) => timesB - timesA || byName(a, b))
      .map(([name]) => name);
    return tooTangled(involved, this.#sentences(whyNothingFits, 3));
  }

  #sentences(whyNothingFits: (name: string, range: Range) => string, shown: number): string[] {
    // Clashes told apart by their ranges may still read the same once put into
    // words (no version fits the compiler, whatever the range): those make one.
    const worded = new Map<string, { entry: ClashEntry; why: string | undefined }>();
    for (const entry of this.#entries.values()) {
      const why = whyFor(entry.first, whyNothingFits);
      const key = [
        entry.subject,
        ...entry.sides.map((side) => `${askerName(side.asker)} ${rangeKey(side.range)}`),
        why ?? "",
      ].join("|");
      const known = worded.get(key);
      if (!known) {
        worded.set(key, {
          entry: {
            ...entry,
            sides: entry.sides.map((side) => ({ ...side, versions: [...side.versions] })),
          },
          why,
        });
        continue;
      }
      entry.sides.forEach((side, index) => {
        const into = known.entry.sides[index];
        if (into) for (const version of side.versions) addVersion(into.versions, version);
      });
    }
    const sentences = [...worded.values()].map(({ entry, why }) => describeClash(entry, why));
    const kept = sentences.slice(0, shown);
    const more = sentences.length - shown + this.#unkept;
    if (more > 0) kept.push(`and ${more} more clashes like these`);
    return kept;
  }
}

/**
 * A search stopped before it settled. `involved` are the packages it kept
 * running into, most often first; `clashes` a few of the clashes it met.
 */
export function tooTangled(involved: readonly string[], clashes: readonly string[]): Conflict {
  const named =
    involved.length === 0
      ? "these dependencies"
      : involved.length <= INVOLVED_NAMED
        ? listWords(involved)
        : `${involved.slice(0, INVOLVED_NAMED).join(", ")} and ${involved.length - INVOLVED_NAMED} other packages`;
  const listed = involved.slice(0, INVOLVED_LISTED).sort(byName);
  const more = involved.length - listed.length;
  return {
    kind: "too_tangled",
    message: `The constraints on ${named} are too tangled to settle in the time the registry gives one resolution: their versions clash in too many ways to try them all.`,
    problems: [
      ...(listed.length === 0
        ? []
        : [`the packages involved: ${listWords(listed)}${more > 0 ? ` and ${more} more` : ""}`]),
      ...clashes,
      "narrow the ranges you ask for, or ask for exact versions of the packages involved",
    ],
  };
}

function whyFor(
  clash: Clash,
  whyNothingFits: (name: string, range: Range) => string,
): string | undefined {
  switch (clash.fits) {
    case "nothing":
      return whyNothingFits(clash.subject, clash.within);
    case "not itself":
      return "its own version is outside that range";
    case "apart":
      return undefined;
    default:
      return clash satisfies never;
  }
}

/**
 * Why no version of `name` in `range` can be used, as the end of a sentence
 * starting "but". `all` is every version the caller may see, or undefined
 * when there is no such package.
 */
export function whyNothingFits(
  name: string,
  range: Range,
  all: readonly Offered[] | undefined,
  project: Project,
): string {
  if (all === undefined) return `there is no package ${name}`;
  if (all.length === 0) return `${name} has no versions available`;
  const inRange = all.filter((offered) => rangeContains(range, offered.version));
  const exact = exactVersion(range);
  if (inRange.length === 0) {
    return exact
      ? `${name} has no version ${exact}`
      : `${name} has no version in ${formatRange(range)}`;
  }
  const compiler = `compiler ${formatVersion(project.compiler)}`;
  const platform = `platform ${project.platform}`;
  const fitsCompiler = inRange.some((offered) => fitsCompilerOf(project, offered));
  const fitsPlatform = inRange.some((offered) => fitsPlatformOf(project, offered));
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

export const fitsCompilerOf = (project: Project, offered: Offered): boolean =>
  rangeContains(offered.grenVersion, project.compiler);

export const fitsPlatformOf = (project: Project, offered: Offered): boolean =>
  isCompatiblePlatform(project.platform, offered.platform);

/** The packages asked for that have no version the project can use, one fragment each. */
export function unusableRoots(unusable: readonly string[]): Conflict {
  return {
    kind: "unsatisfiable",
    message:
      unusable.length === 1
        ? `${capitalise(unusable[0]!)}.`
        : `${unusable.length} of the packages you ask for have no version you can use.`,
    problems: [...unusable],
  };
}

/** "you ask for acme/lib 1.0.0 <= v < 2.0.0, but ..." */
export const rootUnusable = (name: string, range: Range, why: string): string =>
  `you ask for ${name} ${describeRange(range)}, but ${why}`;

function addVersion(versions: Version[], version: Version): void {
  if (!versions.some((known) => compareVersions(known, version) === 0)) versions.push(version);
}

const askerName = (asker: Asker): string => (asker.kind === "package" ? asker.name : "");

/** Ranges come from the versions' outlines and are met again and again: each is keyed once. */
const rangeKeys = new WeakMap<Range, string>();

function rangeKey(range: Range): string {
  let key = rangeKeys.get(range);
  if (key === undefined) {
    key = `${versionKey(range.lower)}-${versionKey(range.upper)}`;
    rangeKeys.set(range, key);
  }
  return key;
}

/** "acme/lib 1.2.0 needs gren-lang/core 7.0.0 <= v < 8.0.0, but you ask for gren-lang/core 6.0.0 <= v < 7.0.0" */
function describeClash(entry: ClashEntry, why: string | undefined): string {
  const asks = entry.sides.map(
    (side) => `${whoAsks(side.asker, side.versions)} ${entry.subject} ${describeRange(side.range)}`,
  );
  if (why === undefined) return asks.join(", but ");
  return `${listWords(asks)}, but ${why}`;
}

/** "you ask for", "acme/lib 1.2.0 needs", "acme/lib 1.0.0 and 1.1.0 need", "5 versions of acme/lib (1.0.0 to 1.4.0) need". */
function whoAsks(asker: Asker, versions: readonly Version[]): string {
  if (asker.kind === "project") return "you ask for";
  const sorted = [...versions].sort(compareVersions).map(formatVersion);
  if (sorted.length <= 1) return `${asker.name} ${sorted[0] ?? formatVersion(asker.version)} needs`;
  if (sorted.length <= 3) return `${asker.name} ${listWords(sorted)} need`;
  return `${sorted.length} versions of ${asker.name} (${sorted[0]} to ${sorted.at(-1)}) need`;
}

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

function listWords(words: readonly string[]): string {
  return words.length <= 1
    ? (words[0] ?? "")
    : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

function listNames(names: readonly string[]): string {
  return names.length <= 3 ? listWords(names) : `${names.slice(0, 3).join(", ")} and others`;
}

// The compiler keeps packages in a Gren `Dict`, ordered by plain string comparison.
export const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
