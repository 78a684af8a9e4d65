// The versions Gren 0.6 loads for a package project. The compiler does not
// search: it walks the requirements breadth first and loads, for each package,
// exactly the lower bound of the first range that reaches it. Installing
// anything else leaves it going to GitHub for what it wants, so this finds
// its choice the way it does, from the registry's index, and reports where
// the compiler would fail before a byte is downloaded.

import { type PackageName, parsePackageName } from "../gren/names.ts";
import { isCompatiblePlatform, parsePlatform } from "../gren/outline.ts";
import {
  compareVersions,
  formatRange,
  formatVersion,
  parseRange,
  parseVersion,
  type Range,
  rangeContains,
  rangesOverlap,
  type Version,
} from "../gren/semver.ts";
import type { IndexEntry, PackageIndex } from "../wire/packages.ts";
import { CliError, EXIT } from "./cliError.ts";
import { atMostAtOnce } from "./concurrency.ts";
import { OUTLINE_FILE } from "./packageDirectory.ts";
import type { Pins } from "./packageSource.ts";
import { isLocal, type PackageProject } from "./projectOutline.ts";

/** Where the walk reads each package's index. */
export interface IndexReader {
  /** The registry's address, or its mirror's, for messages. */
  url: string;
  /** The package's index, or undefined when there is none, or none this caller may see. */
  indexOf(name: PackageName): Promise<PackageIndex | undefined>;
  /** Appended to "has no package X": why the caller might not see one that exists. */
  unseenHint: string;
}

/** A range of one package and what asked for it: gren.json, or a package at a version. */
interface Requirement {
  name: string;
  range: Range;
  by: string;
}

interface Reached {
  entry: IndexEntry;
  /** Every range met for the package, the first (whose lower bound was loaded) first. */
  asks: Requirement[];
  /** What the compiler's intersection of those ranges has left. */
  together: Range;
}

/**
 * The bundles the compiler will load for `project`, keyed by name as written.
 * Throws what the compiler would refuse: a lower bound the registry cannot
 * give (exit 4), ranges with no version in common or a version that does not
 * fit the package's compiler range or platform (exit 5).
 */
export async function compilerChoice(project: PackageProject, reader: IndexReader): Promise<Pins> {
  const reached = new Map<string, Reached>();
  // Packages on disk are the project's own business; the registry has nothing for them.
  const roots = Object.entries(project.dependencies).filter(([, text]) => !isLocal(text));
  let level = byName(roots).map(([name, text]) => ({
    name,
    range: parseRange(text)!,
    by: OUTLINE_FILE,
  }));
  while (level.length > 0) {
    const indexes = await indexesFor(level, reached, reader);
    const next: Requirement[] = [];
    for (const requirement of level) {
      const earlier = reached.get(requirement.name);
      if (earlier) {
        earlier.together = narrowed(earlier, requirement);
        earlier.asks.push(requirement);
        continue;
      }
      const entry = lowerBoundOf(requirement, indexes.get(requirement.name), reader);
      reached.set(requirement.name, {
        entry,
        asks: [requirement],
        together: requirement.range,
      });
      next.push(...dependenciesOf(requirement.name, entry));
    }
    level = next;
  }
  const misfits = [...reached]
    .flatMap(([name, { entry, asks }]) => misfit(project, name, entry, asks[0]!) ?? [])
    .sort();
  if (misfits.length > 0) {
    throw new CliError(
      `Gren 0.6 would refuse what this package's ranges lead it to: ${misfits.length === 1 ? "a version that does" : `${misfits.length} versions that do`} not fit the package's gren-version (${formatRange(project.grenVersion)}) or platform (${project.platform}). Raise the lower bound of the range that reaches ${misfits.length === 1 ? "it" : "each"}, so that the compiler loads a version that fits`,
      EXIT.conflict,
      misfits,
    );
  }
  return {
    packages: Object.fromEntries(
      [...reached].map(([name, { entry }]) => [
        name,
        {
          version: entry.version,
          sha256: entry.sha256,
          size: entry.size,
          logIndex: entry.logIndex,
        },
      ]),
    ),
  };
}

/** Indexes are small: more of them at once than of bundles. */
const PARALLEL_INDEXES = 8;

/**
 * The indexes of the packages this level may reach first. Every requirement of
 * a level is known before the level is walked, so their indexes can come
 * together, several at a time, instead of one round trip per package.
 */
async function indexesFor(
  level: readonly Requirement[],
  reached: ReadonlyMap<string, Reached>,
  reader: IndexReader,
): Promise<Map<string, PackageIndex | undefined>> {
  const names = [...new Set(level.map((r) => r.name))].filter((name) => !reached.has(name));
  const indexes = new Map<string, PackageIndex | undefined>();
  await atMostAtOnce(names, PARALLEL_INDEXES, async (name) => {
    indexes.set(name, await reader.indexOf(parsePackageName(name)!));
  });
  return indexes;
}

/** The entry the compiler loads: exactly the lower bound, or a failure saying why it cannot. */
function lowerBoundOf(
  requirement: Requirement,
  index: PackageIndex | undefined,
  reader: IndexReader,
): IndexEntry {
  const { name, range, by } = requirement;
  const asked = `${by} asks for ${name} ${formatRange(range)}`;
  if (!index) {
    throw new CliError(
      `${asked}, but ${reader.url} has no package ${name}${reader.unseenHint}`,
      EXIT.notFound,
    );
  }
  // The compiler finds a bundle only when its name is the one asked for, case and all.
  if (index.name !== name) {
    throw new CliError(
      `${asked}, but the package is called ${index.name}, and Gren 0.6 loads a bundle only under the name it was asked for`,
      EXIT.notFound,
    );
  }
  const lower = formatVersion(range.lower);
  const entry = index.versions.find((e) => sameVersion(e.version, range.lower));
  const loads = `${asked}, and Gren 0.6 loads exactly its lower bound, ${lower}`;
  if (!entry) {
    throw new CliError(
      `${loads}, which ${reader.url} does not have (${othersInRange(index, range)})`,
      EXIT.notFound,
    );
  }
  if (entry.revoked) {
    throw new CliError(
      `${loads}, which was revoked on ${entry.revoked.at.slice(0, 10)}: ${entry.revoked.reason} (${othersInRange(index, range)})`,
      EXIT.notFound,
    );
  }
  return entry;
}

const sameVersion = (text: string, version: Version): boolean => {
  const parsed = parseVersion(text);
  return parsed !== undefined && compareVersions(parsed, version) === 0;
};

/** What a person could move the lower bound to. */
function othersInRange(index: PackageIndex, range: Range): string {
  const live = index.versions
    .filter((e) => !e.revoked)
    .map((e) => parseVersion(e.version))
    .filter((v): v is Version => v !== undefined && rangeContains(range, v));
  return live.length === 0
    ? "nor any other version in that range that is not revoked"
    : `in that range it has ${live.map(formatVersion).join(", ")}`;
}

/** A later range only narrows what earlier ones left; the version loaded stays. */
function narrowed(earlier: Reached, requirement: Requirement): Range {
  const together = compilerIntersection(earlier.together, requirement.range);
  if (together) return together;
  const { name, range, by } = requirement;
  throw new CliError(
    `the ranges asked for ${name} have no version in common, which Gren 0.6 refuses: ${by} asks for ${formatRange(range)}, and the ranges before it leave ${formatRange(earlier.together)}`,
    EXIT.conflict,
    [...earlier.asks, requirement].map((ask) => `${ask.by} asks for ${formatRange(ask.range)}`),
  );
}

/**
 * The compiler's `SemanticVersionRange.intersect` as it is, not as its name
 * says: when the later range ends first, the result keeps the lower of the two
 * lower bounds. Since each range is checked against what the earlier ones left,
 * a true intersection would report conflicts the compiler never finds.
 */
export function compilerIntersection(earlier: Range, later: Range): Range | undefined {
  const ends = compareVersions(earlier.upper, later.upper);
  if (ends < 0) {
    return compareVersions(earlier.upper, later.lower) <= 0
      ? undefined
      : { lower: highest(earlier.lower, later.lower), upper: earlier.upper };
  }
  if (ends === 0) return { lower: highest(earlier.lower, later.lower), upper: earlier.upper };
  return compareVersions(later.upper, earlier.lower) <= 0
    ? undefined
    : { lower: lowest(earlier.lower, later.lower), upper: later.upper };
}

const highest = (a: Version, b: Version): Version => (compareVersions(a, b) >= 0 ? a : b);
const lowest = (a: Version, b: Version): Version => (compareVersions(a, b) <= 0 ? a : b);

/** The compiler queues a package's dependencies in name order, after everything queued before. */
function dependenciesOf(name: string, entry: IndexEntry): Requirement[] {
  const by = `${name} ${entry.version}`;
  return byName(Object.entries(entry.dependencies)).map(([dependency, text]) => {
    const range = parseRange(text);
    if (!parsePackageName(dependency) || !range) {
      throw new CliError(
        `the registry's index says ${by} depends on ${dependency} ${text}, which is not a package and range`,
        EXIT.unavailable,
      );
    }
    return { name: dependency, range, by };
  });
}

/** The order of the compiler's `Dict`: names compared code unit by code unit. */
const byName = <T>(entries: [string, T][]): [string, T][] =>
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * Why the compiler refuses a loaded version, once the walk is done: its
 * compiler range must overlap the package's, and its platform be the
 * package's or common. These are checks, not choices, as in the compiler.
 */
function misfit(
  project: PackageProject,
  name: string,
  entry: IndexEntry,
  first: Requirement,
): string | undefined {
  const loaded = `${name} ${entry.version} (the lower bound of ${formatRange(first.range)}, asked for by ${first.by})`;
  const grenVersion = parseRange(entry.grenVersion);
  if (!grenVersion || !rangesOverlap(grenVersion, project.grenVersion)) {
    return `${loaded} works with Gren ${entry.grenVersion} only`;
  }
  const platform = entry.platform.toLowerCase();
  const known = parsePlatform(platform);
  if (!known || !isCompatiblePlatform(project.platform, known)) {
    return `${loaded} is for ${platform}, and a ${project.platform} package can use only ${project.platform} and common packages`;
  }
  return undefined;
}
