import { type PackageName, packageKey, parsePackageName } from "../gren/names.ts";
import { parsePlatform } from "../gren/outline.ts";
import {
  compareVersions,
  parseRange,
  parseVersion,
  type Range,
  versionFromKey,
} from "../gren/semver.ts";
import { type Candidate, type Conflict, type Dependency, resolve } from "../gren/solver.ts";
import type { Database } from "../ports/database.ts";
import type { Ports } from "../ports/index.ts";
import type { ChosenVersion, ResolutionJob } from "../ports/resolver.ts";
import { err, ok, type Result } from "../result.ts";
import type { Resolution, ResolutionRequest } from "../wire/resolve.ts";
import { lastEventSeq } from "./stores/events.ts";
import { roleOf } from "./stores/identities.ts";
import { type PinnableRecord, resolvablePackage } from "./stores/packages.ts";
import type { User } from "./stores/users.ts";
import { resolutionView } from "./views.ts";

/** More packages than any application lists; the request body's size bounds it too. */
export const MAX_RESOLVED_ROOTS = 500;

export type ResolutionError =
  | { kind: "invalid_version"; version: string }
  | { kind: "invalid_platform"; platform: string }
  | { kind: "invalid_package_name"; name: string }
  | { kind: "invalid_requirement"; name: string; requirement: string }
  | { kind: "too_many_dependencies"; count: number; max: number }
  /**
   * No versions meet every constraint, or none were found in the time a
   * resolution is given: the solver's sentence and the clashes it found.
   */
  | { kind: "unresolvable"; message: string; problems: string[] }
  /** More resolutions are waiting than the registry queues. */
  | { kind: "resolutions_busy" };

/** A version the solver may choose, with what the answer says of it. */
interface Pinnable extends Candidate {
  pinned: { versionKey: number; sha256: string; size: number };
}

/**
 * The newest versions of every package a project needs, directly or through
 * others, that meet every range asked for, the compiler's version and the
 * project's platform. Revoked versions are never chosen, and a private
 * package the viewer may not see is treated as if it did not exist. The
 * request is checked here; the search runs wherever `ports.resolver` runs it.
 */
export async function resolveDependencies(
  ports: Pick<Ports, "resolver">,
  request: ResolutionRequest,
  viewer: User | undefined,
): Promise<Result<Resolution, ResolutionError>> {
  const job = resolutionJob(request, viewer);
  if (!job.ok) return job;
  const resolved = await ports.resolver.resolve(job.value);
  if (resolved.ok) return ok(resolutionView(resolved.value));
  if (resolved.error.kind === "busy") return err({ kind: "resolutions_busy" });
  return err(unresolvable(resolved.error));
}

function resolutionJob(
  request: ResolutionRequest,
  viewer: User | undefined,
): Result<ResolutionJob, ResolutionError> {
  const compiler = parseVersion(request.grenVersion);
  if (!compiler) return err({ kind: "invalid_version", version: request.grenVersion });
  // The compiler reads a platform whatever its case, so a gren.json's own spelling works here.
  const platform = parsePlatform(request.platform);
  if (!platform) return err({ kind: "invalid_platform", platform: request.platform });
  const asked = Object.entries(request.dependencies);
  if (asked.length > MAX_RESOLVED_ROOTS) {
    return err({ kind: "too_many_dependencies", count: asked.length, max: MAX_RESOLVED_ROOTS });
  }
  const roots: Dependency[] = [];
  for (const [name, requirement] of asked) {
    const parsed = parsePackageName(name);
    if (!parsed) return err({ kind: "invalid_package_name", name });
    const range = requirementRange(requirement);
    if (!range) return err({ kind: "invalid_requirement", name, requirement });
    // The solver knows packages by key, so that names differing in the author's
    // case, which are one package, are one package to it too.
    roots.push({ name: packageKey(parsed), range });
  }
  return ok({ compiler, platform, roots, viewerId: viewer?.id });
}

/** A conflict as the answer gives it: problems as sentences. */
export function unresolvable(conflict: Conflict): ResolutionError {
  return {
    kind: "unresolvable",
    message: conflict.message,
    problems: conflict.problems.map(asSentence),
  };
}

/**
 * The search itself, on the live versions in `db`, read through `live`; it
 * ends, too tangled, when `stop` says so. Whoever runs it (a worker thread,
 * or the calling thread in tests) gives it a database of its own to read.
 */
export function solveOnCatalogue(
  db: Database,
  live: LiveVersions,
  job: ResolutionJob,
  stop?: () => boolean,
): Result<ChosenVersion[], Conflict> {
  live.refresh(db);
  const memberOf = new Map<number, boolean>();
  const reached = new Map<string, ReachedPackage>();
  const solved = resolve({
    compiler: job.compiler,
    platform: job.platform,
    roots: job.roots,
    stop,
    versionsOf: (key) => {
      const pkg = live.get(db, key);
      if (!pkg) return undefined;
      if (pkg.private) {
        let member = memberOf.get(pkg.identityId);
        if (member === undefined) {
          member =
            job.viewerId !== undefined && roleOf(db, pkg.identityId, job.viewerId) !== undefined;
          memberOf.set(pkg.identityId, member);
        }
        if (!member) return undefined;
      }
      reached.set(key, pkg);
      return pkg.versions;
    },
  });
  if (!solved.ok) return solved;
  return ok(
    [...solved.value].map(([key, version]) => {
      const pkg = reached.get(key)!;
      const chosen = pkg.versions.find((v) => compareVersions(v.version, version) === 0)!;
      return { name: pkg.name, ...chosen.pinned };
    }),
  );
}

/** A package as resolutions weigh it, whoever asks. */
interface ReachedPackage {
  name: PackageName;
  identityId: number;
  private: boolean;
  versions: readonly Pinnable[];
}

/**
 * The live versions of packages as the solver reads them, kept from one
 * resolution to the next: reading and parsing them is most of a resolution's
 * work, and they change only when a version is published or revoked, each of
 * which records an event. So the whole cache holds while the last event is
 * the one it was filled after, and is emptied when another comes. Who may see
 * a private package is not kept: membership changes without an event. It is
 * plain data, kept by whoever runs resolutions, across the connections they
 * read the database with.
 */
export class LiveVersions {
  readonly #packages = new Map<string, ReachedPackage | null>();
  #filledAfter = -1;

  /** Brings the cache up to date with the database: call once per resolution, before `get`. */
  refresh(db: Database): void {
    const last = lastEventSeq(db);
    if (last !== this.#filledAfter) {
      this.#packages.clear();
      this.#filledAfter = last;
    }
  }

  /** The package of that key, or undefined when there is none. */
  get(db: Database, key: string): ReachedPackage | undefined {
    let pkg = this.#packages.get(key);
    if (pkg === undefined) {
      const found = resolvablePackage(db, key);
      pkg = found
        ? {
            name: found.name,
            identityId: found.identityId,
            private: found.private,
            versions: found.versions.flatMap((record) => pinnable(record) ?? []),
          }
        : null;
      this.#packages.set(key, pkg);
      // The oldest entries go first, so the memory stays bounded on any catalogue.
      if (this.#packages.size > CACHED_PACKAGES) {
        const oldest = this.#packages.keys().next();
        if (!oldest.done) this.#packages.delete(oldest.value);
      }
    }
    return pkg ?? undefined;
  }
}

/** Enough for the packages that resolutions keep reaching, whatever the catalogue's size. */
const CACHED_PACKAGES = 1000;

/** A range, or an exact version x.y.z as an application lists it: x.y.z <= v < x.y.(z+1). */
function requirementRange(text: string): Range | undefined {
  const exact = parseVersion(text);
  return exact ? { lower: exact, upper: { ...exact, patch: exact.patch + 1 } } : parseRange(text);
}

/**
 * A live version as the solver weighs it. One whose stored dependencies do
 * not read as names and ranges (which publishing never lets in) is left out
 * rather than chosen with a dependency missing.
 */
function pinnable(record: PinnableRecord): Pinnable | undefined {
  const dependencies = dependenciesOf(record.dependencies);
  return (
    dependencies && {
      version: versionFromKey(record.versionKey),
      grenVersion: {
        lower: versionFromKey(record.grenLower),
        upper: versionFromKey(record.grenUpper),
      },
      platform: record.platform,
      dependencies,
      pinned: { versionKey: record.versionKey, sha256: record.sha256, size: record.size },
    }
  );
}

function dependenciesOf(text: string): Dependency[] | undefined {
  let written: unknown;
  try {
    written = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof written !== "object" || written === null) return undefined;
  const dependencies: Dependency[] = [];
  for (const [name, range] of Object.entries(written)) {
    const parsedName = parsePackageName(name);
    const parsedRange = typeof range === "string" ? parseRange(range) : undefined;
    if (!parsedName || !parsedRange) return undefined;
    dependencies.push({ name: packageKey(parsedName), range: parsedRange });
  }
  return dependencies;
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
