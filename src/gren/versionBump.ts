// Which version numbers may follow the ones a package has, and whether a new
// version's number matches what its API did, as the compiler decides when it
// publishes (`builder/src/Deps/Package.hs` `bumpPossibilities`,
// `terminal/Package/Validate.hs`, `src/Terminal/PackageValidate.gren`).
//
// The compiler compares a new version's API with the version it bumps by
// building both with itself. When the version bumped cannot be built by the
// compiler that builds the new one (its `gren-version` range leaves it out:
// `PackageInstallRootIncompatibleCompiler` in `src/Terminal/PackageInstall.gren`),
// the comparison fails (`PreviousPackageCorrupted`), and the compiler's answer
// is to bump the major version: "If the previous version of this package was
// built with an incompatible version of the Gren compiler, then this isn't
// really a problem. Simply bump the version to a new major version number."
// The registry applies that rule exactly, and without guessing which compiler
// the publisher ran: when no compiler can build both versions (their ranges
// share no version), the new one must be a major bump, whatever its API.
//
// "The versions a package has" means every number ever published, revoked ones
// included: a revoked version keeps its number, so the number is never given
// again, and its API is still what the next version is compared with.

import { err, ok, type Result } from "../result.ts";
import { describeChange } from "./apiChangeSentences.ts";
import { type ApiChange, type ApiChanges, decidingChanges, type Magnitude } from "./apiChanges.ts";
import {
  compareVersions,
  formatRange,
  formatVersion,
  type Range,
  rangesOverlap,
  type Version,
} from "./semver.ts";

/** A package's first version is always this one. */
export const FIRST_VERSION: Version = { major: 1, minor: 0, patch: 0 };

/** A number that may follow `from`, by a change of the given magnitude. */
export interface Bump {
  from: Version;
  to: Version;
  magnitude: Magnitude;
}

export type NextVersion = { kind: "first"; to: Version } | ({ kind: "bump" } & Bump);

export type VersionRefusal =
  /** A package's first version is 1.0.0. */
  | { kind: "notFirstVersion"; proposed: Version }
  /** The number belongs to a version already published, revoked or not. */
  | { kind: "taken"; proposed: Version }
  /** The number follows none of the existing ones; `next` lists those that may come. */
  | { kind: "notNext"; proposed: Version; next: Version[] }
  /** The number says one magnitude of change, the API (or the compiler's range) another. */
  | {
      kind: "wrongMagnitude";
      proposed: Version;
      from: Version;
      proposedMagnitude: Magnitude;
      magnitude: Magnitude;
      /** What decides the magnitude: the API changes, or the compiler ranges. */
      decidedBy: MagnitudeBasis;
      /** The compiler versions each of the two works with. */
      ranges: Ranges;
      /** The number the API calls for, bumped from the same version. */
      calledFor: Version;
      /** The changes that make the API's magnitude what it is, one sentence each; none for a patch. */
      deciding: readonly string[];
    };

/**
 * Two APIs compared, as much as deciding a number needs: the magnitude of the
 * changes, and the changes that make it so, one sentence each.
 */
export interface ApiVerdict {
  magnitude: Magnitude;
  deciding: readonly string[];
}

export const verdictOf = (changes: ApiChanges): ApiVerdict => ({
  magnitude: changes.magnitude,
  deciding: decidingChanges(changes).map(
    (change: ApiChange) => `${capitalised(describeChange(change))}.`,
  ),
});

/**
 * What decides how a version's number must move: its API changes, or (when no
 * compiler can build both it and the version it bumps) the compiler's rule
 * that such a version is a new major version.
 */
export type MagnitudeBasis = "api" | "compiler_ranges";

/** The `gren-version` ranges of the version bumped and of the new one. */
export interface Ranges {
  from: Range;
  to: Range;
}

/** The magnitude a version's number must have, and what decides it. */
export interface Decision {
  magnitude: Magnitude;
  decidedBy: MagnitudeBasis;
}

/**
 * How far the number must move from the version bumped: as far as the API
 * changes say, unless no compiler builds both versions, in which case the
 * compiler cannot compare them and asks for a new major version.
 */
export function decideMagnitude(apiMagnitude: Magnitude, ranges: Ranges): Decision {
  return rangesOverlap(ranges.from, ranges.to)
    ? { magnitude: apiMagnitude, decidedBy: "api" }
    : { magnitude: "major", decidedBy: "compiler_ranges" };
}

/** The magnitude a move from one number to a higher one says: which component changed first. */
export function numberMagnitude(from: Version, to: Version): Magnitude {
  if (from.major !== to.major) return "major";
  return from.minor !== to.minor ? "minor" : "patch";
}

/**
 * The version a number that follows no rule is compared with, as the
 * compiler's `gren package validate` picks it: the highest existing one below.
 */
export function versionBelow(existing: readonly Version[], proposed: Version): Version | undefined {
  return ascending(existing)
    .filter((version) => compareVersions(version, proposed) < 0)
    .at(-1);
}

/** The version a change of this magnitude makes of `from`. */
export function bumpVersion(from: Version, magnitude: Magnitude): Version {
  switch (magnitude) {
    case "major":
      return { major: from.major + 1, minor: 0, patch: 0 };
    case "minor":
      return { major: from.major, minor: from.minor + 1, patch: 0 };
    case "patch":
      return { major: from.major, minor: from.minor, patch: from.patch + 1 };
  }
}

/**
 * The numbers that may come next, in ascending order: 1.0.0 for a package with
 * no version; otherwise a major bump of the highest, a minor bump of the highest
 * of each major line, and a patch bump of the highest of each minor line. So an
 * older line can still get fixes and additions, and no number is skipped.
 */
export function nextVersions(existing: readonly Version[]): NextVersion[] {
  const versions = ascending(existing);
  const latest = versions.at(-1);
  if (latest === undefined) return [{ kind: "first", to: FIRST_VERSION }];
  const bumps: Bump[] = [{ from: latest, to: bumpVersion(latest, "major"), magnitude: "major" }];
  versions.forEach((version, index) => {
    const next = versions[index + 1];
    if (next === undefined || next.major !== version.major) {
      bumps.push({ from: version, to: bumpVersion(version, "minor"), magnitude: "minor" });
    }
    if (next === undefined || next.major !== version.major || next.minor !== version.minor) {
      bumps.push({ from: version, to: bumpVersion(version, "patch"), magnitude: "patch" });
    }
  });
  return bumps
    .sort((a, b) => compareVersions(a.to, b.to))
    .map((bump): NextVersion => ({ kind: "bump", ...bump }));
}

/**
 * Where a proposed number stands among the existing ones: the first version,
 * or a bump of one existing version, the one its API must be compared with.
 */
export function placeVersion(
  existing: readonly Version[],
  proposed: Version,
): Result<NextVersion, VersionRefusal> {
  if (existing.some((version) => compareVersions(version, proposed) === 0)) {
    return err({ kind: "taken", proposed });
  }
  const next = nextVersions(existing);
  const found = next.find((candidate) => compareVersions(candidate.to, proposed) === 0);
  if (found !== undefined) return ok(found);
  if (existing.length === 0) return err({ kind: "notFirstVersion", proposed });
  return err({ kind: "notNext", proposed, next: next.map((candidate) => candidate.to) });
}

/**
 * Whether a bump's magnitude is the one the API changes call for, the changes
 * being those from `bump.from` to the proposed version, and `ranges` the
 * compiler versions each works with. As in the compiler the magnitude must be
 * exactly the API's: a major number for a minor change is as wrong as a minor
 * number for a major one, since it would tell users to expect breakage that is
 * not there.
 */
export function checkMagnitude(
  bump: Bump,
  changes: ApiVerdict,
  ranges: Ranges,
): Result<Bump, VersionRefusal> {
  const decision = decideMagnitude(changes.magnitude, ranges);
  if (bump.magnitude === decision.magnitude) return ok(bump);
  return err({
    kind: "wrongMagnitude",
    proposed: bump.to,
    from: bump.from,
    proposedMagnitude: bump.magnitude,
    magnitude: decision.magnitude,
    decidedBy: decision.decidedBy,
    ranges,
    calledFor: bumpVersion(bump.from, decision.magnitude),
    deciding: decision.decidedBy === "api" ? changes.deciding : [],
  });
}

/**
 * A refusal in sentences: the first says what is wrong and which number would
 * do; after it, one per change that decides the API's magnitude.
 */
export function describeRefusal(refusal: VersionRefusal): string[] {
  const proposed = formatVersion(refusal.proposed);
  switch (refusal.kind) {
    case "notFirstVersion":
      return [
        `A package's first version must be ${formatVersion(FIRST_VERSION)}, not ${proposed}.`,
      ];
    case "taken":
      return [
        `Version ${proposed} already exists; a number is never given twice, not even after its version is revoked.`,
      ];
    case "notNext":
      return [
        `Version ${proposed} cannot follow the existing versions: the next version may be ${orList(refusal.next.map(formatVersion))}.`,
      ];
    case "wrongMagnitude": {
      const from = formatVersion(refusal.from);
      const calledFor = formatVersion(refusal.calledFor);
      const claim = `Version ${proposed} would be a ${refusal.proposedMagnitude} change from ${from}`;
      if (refusal.decidedBy === "compiler_ranges") {
        return [
          `${claim}, but ${from} works with the compilers ${formatRange(refusal.ranges.from)} and this version with ${formatRange(refusal.ranges.to)}: no compiler builds both, so as the compiler does, their APIs are not compared and this version must be a new major version, ${calledFor}.`,
        ];
      }
      if (refusal.magnitude === "patch") {
        return [
          `${claim}, but the API is the same as in ${from}, so this version must be ${calledFor}.`,
        ];
      }
      return [
        `${claim}, but the API changes since ${from} are ${refusal.magnitude}, so this version must be ${calledFor}:`,
        ...refusal.deciding,
      ];
    }
  }
}

function ascending(versions: readonly Version[]): Version[] {
  const sorted = [...versions].sort(compareVersions);
  return sorted.filter((version, index) => {
    const previous = sorted[index - 1];
    return previous === undefined || compareVersions(previous, version) !== 0;
  });
}

function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}

const capitalised = (sentence: string): string =>
  sentence.charAt(0).toUpperCase() + sentence.slice(1);
