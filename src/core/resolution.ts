import type { PackageName } from "../gren/names.ts";
import {
  conflictSentences,
  dependenciesFrom,
  type ResolutionRequestError,
  readResolutionRequest,
  solveResolution,
} from "../gren/resolution.ts";
import { versionFromKey } from "../gren/semver.ts";
import type { Candidate, Conflict } from "../gren/solver.ts";
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

export { MAX_RESOLVED_ROOTS } from "../gren/resolution.ts";

export type ResolutionError =
  | ResolutionRequestError
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
 * request is checked here, by the rules the CLI also resolves a mirror's
 * indexes by (`gren/resolution.ts`); the search runs wherever
 * `ports.resolver` runs it.
 */
export async function resolveDependencies(
  ports: Pick<Ports, "resolver">,
  request: ResolutionRequest,
  viewer: User | undefined,
): Promise<Result<Resolution, ResolutionError>> {
  const read = readResolutionRequest(request);
  if (!read.ok) return read;
  const resolved = await ports.resolver.resolve({ ...read.value, viewerId: viewer?.id });
  if (resolved.ok) return ok(resolutionView(resolved.value));
  if (resolved.error.kind === "busy") return err({ kind: "resolutions_busy" });
  return err(unresolvable(resolved.error));
}

/** A conflict as the answer gives it: problems as sentences. */
export const unresolvable = (conflict: Conflict): ResolutionError => ({
  kind: "unresolvable",
  ...conflictSentences(conflict),
});

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
  const solved = solveResolution(
    job,
    (key) => {
      const pkg = live.get(db, key);
      if (!pkg?.private) return pkg;
      let member = memberOf.get(pkg.identityId);
      if (member === undefined) {
        member =
          job.viewerId !== undefined && roleOf(db, pkg.identityId, job.viewerId) !== undefined;
        memberOf.set(pkg.identityId, member);
      }
      return member ? pkg : undefined;
    },
    stop,
  );
  if (!solved.ok) return solved;
  return ok(solved.value.map(({ pkg, version }) => ({ name: pkg.name, ...version.pinned })));
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

/**
 * A live version as the solver weighs it. One whose stored dependencies do
 * not read as names and ranges (which publishing never lets in) is left out
 * rather than chosen with a dependency missing.
 */
function pinnable(record: PinnableRecord): Pinnable | undefined {
  const dependencies = dependenciesFrom(storedJson(record.dependencies));
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

function storedJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
