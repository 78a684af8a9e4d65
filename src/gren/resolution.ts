// A resolution as the catalogue's rules frame it, wherever it runs: the
// registry answers `POST /resolve` from its database, and the CLI resolves
// from a static mirror's indexes when the registry cannot be reached. Both
// read the request, weigh versions and word the answer through here, around
// the one solver (solver.ts), so that the same index contents give the same
// versions, or the same sentences, on either side.
//
// The rules: a project asks for ranges, or exact versions one patch wide; a
// package is known by its key, whatever the case of its author; only live
// versions are weighed, and only those whose dependencies read as names and
// ranges; the solver keeps to the compiler's version and the project's
// platform; the answer names each package as it was registered.

import { err, ok, type Result } from "../result.ts";
import { packageKey, parsePackageName } from "./names.ts";
import { type Platform, parsePlatform } from "./outline.ts";
import { parseRange, parseVersion, type Range, type Version } from "./semver.ts";
import { type Candidate, type Conflict, type Dependency, resolve } from "./solver.ts";

/** More packages than any application lists; the request body's size bounds it too. */
export const MAX_RESOLVED_ROOTS = 500;

/** What a project asks for, as gren.json and `POST /resolve` write it. */
export interface ResolutionAsked {
  /** The compiler that will build the project. */
  grenVersion: string;
  /** common, browser or node, in any case. */
  platform: string;
  /** Package name to a range, or to an exact version as an application lists it. */
  dependencies: Record<string, string>;
}

export type ResolutionRequestError =
  | { kind: "invalid_version"; version: string }
  | { kind: "invalid_platform"; platform: string }
  | { kind: "invalid_package_name"; name: string }
  | { kind: "invalid_requirement"; name: string; requirement: string }
  | { kind: "too_many_dependencies"; count: number; max: number };

/** A request read and checked: what the solver is asked. */
export interface ResolutionRequest {
  compiler: Version;
  platform: Platform;
  /** Each package by its key (`packageKey`). */
  roots: Dependency[];
}

/** Reads what a project asks for, refusing the first thing that does not read. */
export function readResolutionRequest(
  asked: ResolutionAsked,
): Result<ResolutionRequest, ResolutionRequestError> {
  const compiler = parseVersion(asked.grenVersion);
  if (!compiler) return err({ kind: "invalid_version", version: asked.grenVersion });
  // The compiler reads a platform whatever its case, so a gren.json's own spelling works here.
  const platform = parsePlatform(asked.platform);
  if (!platform) return err({ kind: "invalid_platform", platform: asked.platform });
  const entries = Object.entries(asked.dependencies);
  if (entries.length > MAX_RESOLVED_ROOTS) {
    return err({ kind: "too_many_dependencies", count: entries.length, max: MAX_RESOLVED_ROOTS });
  }
  const roots: Dependency[] = [];
  for (const [name, requirement] of entries) {
    const parsed = parsePackageName(name);
    if (!parsed) return err({ kind: "invalid_package_name", name });
    const range = requirementRange(requirement);
    if (!range) return err({ kind: "invalid_requirement", name, requirement });
    // The solver knows packages by key, so that names differing in the author's
    // case, which are one package, are one package to it too.
    roots.push({ name: packageKey(parsed), range });
  }
  return ok({ compiler, platform, roots });
}

/** A range, or an exact version x.y.z as an application lists it: x.y.z <= v < x.y.(z+1). */
export function requirementRange(text: string): Range | undefined {
  const exact = parseVersion(text);
  return exact ? { lower: exact, upper: { ...exact, patch: exact.patch + 1 } } : parseRange(text);
}

/**
 * A version's dependencies as the solver weighs them, from the object its
 * outline (and its index entry) holds: each package by its key. Undefined
 * when any of them does not read as a name and a range: such a version is
 * left out rather than chosen with a dependency missing.
 */
export function dependenciesFrom(written: unknown): Dependency[] | undefined {
  if (typeof written !== "object" || written === null || Array.isArray(written)) return undefined;
  const dependencies: Dependency[] = [];
  for (const [name, range] of Object.entries(written)) {
    const parsedName = parsePackageName(name);
    const parsedRange = typeof range === "string" ? parseRange(range) : undefined;
    if (!parsedName || !parsedRange) return undefined;
    dependencies.push({ name: packageKey(parsedName), range: parsedRange });
  }
  return dependencies;
}

/** A version as a package's index lists it (`GET …/index`, and a mirror's copy of it). */
export interface IndexedVersion {
  version: string;
  grenVersion: string;
  platform: string;
  dependencies: Record<string, string>;
  /** Null while the version is live. */
  revoked: unknown;
}

/**
 * The version as the solver weighs it, or undefined when it is never weighed:
 * revoked, or with a version, compiler range, platform or dependency that
 * does not read. The registry reads its live versions from its database by
 * the same rule.
 */
export function indexedCandidate(entry: IndexedVersion): Candidate | undefined {
  if (entry.revoked !== null) return undefined;
  const version = parseVersion(entry.version);
  const grenVersion = parseRange(entry.grenVersion);
  const platform = parsePlatform(entry.platform);
  const dependencies = dependenciesFrom(entry.dependencies);
  if (!version || !grenVersion || !platform || !dependencies) return undefined;
  return { version, grenVersion, platform, dependencies };
}

/** A package as a resolution weighs it: whatever its reader knows of it, with its live versions. */
export interface Resolvable<V extends Candidate> {
  versions: readonly V[];
}

/** A package the resolution chose, and its version. */
export interface Chosen<P extends Resolvable<Candidate>> {
  pkg: P;
  version: P["versions"][number];
}

/**
 * The newest versions that meet every range asked for, the compiler and the
 * platform, by package name. `packageOf` gives a package by its key, or
 * undefined when there is none the asker may see; it is asked at most once
 * for each. `stop`, asked now and then, ends a search that has run long
 * enough.
 */
export function solveResolution<P extends Resolvable<Candidate>>(
  request: ResolutionRequest,
  packageOf: (key: string) => P | undefined,
  stop?: () => boolean,
): Result<Chosen<P>[], Conflict> {
  const reached = new Map<string, P>();
  const solved = resolve({
    compiler: request.compiler,
    platform: request.platform,
    roots: request.roots,
    stop,
    versionsOf: (key) => {
      const pkg = packageOf(key);
      if (pkg) reached.set(key, pkg);
      return pkg?.versions;
    },
  });
  if (!solved.ok) return solved;
  return ok(
    [...solved.value].map(([key, version]) => {
      const pkg = reached.get(key)!;
      return { pkg, version: pkg.versions.find((v) => sameVersion(v.version, version))! };
    }),
  );
}

const sameVersion = (a: Version, b: Version): boolean =>
  a.major === b.major && a.minor === b.minor && a.patch === b.patch;

/** A conflict as the answers give it: the message, and each problem as a sentence. */
export function conflictSentences(conflict: Conflict): { message: string; problems: string[] } {
  return { message: conflict.message, problems: conflict.problems.map(asSentence) };
}

/**
 * A problem as the other answers' problems read: a sentence, with a full stop,
 * and a capital first unless it starts with a package's name, kept as it is.
 */
function asSentence(problem: string): string {
  const startsWithName = /^[^\s]*\//.test(problem);
  const first = startsWithName ? problem.charAt(0) : problem.charAt(0).toUpperCase();
  return `${first}${problem.slice(1)}${/[.!?]$/.test(problem) ? "" : "."}`;
}
