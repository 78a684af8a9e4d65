// The packages a mirror holds, as a resolver reads them: the list of
// packages (for their names as registered), each package's index, and a
// resolution of a project's dependencies made here, by the rules and with the
// solver the registry itself resolves by (`gren/resolution.ts`), so that the
// same indexes give the same versions on either side.

import { fitsCompilerOf, fitsPlatformOf } from "../gren/conflicts.ts";
import { type PackageName, packageKey, parsePackageName } from "../gren/names.ts";
import {
  type Chosen,
  conflictSentences,
  indexedCandidate,
  type ResolutionAsked,
  readResolutionRequest,
  solveResolution,
} from "../gren/resolution.ts";
import { compareVersions, rangeContains, type Version } from "../gren/semver.ts";
import type { Candidate } from "../gren/solver.ts";
import { err, ok, type Result } from "../result.ts";
import { MIRROR_PATHS } from "../wire/mirrorPaths.ts";
import type { IndexEntry, PackageIndex } from "../wire/packages.ts";
import { CliError, EXIT } from "./cliError.ts";
import { atMostAtOnce } from "./concurrency.ts";
import type { MirrorFiles } from "./mirrorClient.ts";

/** The layout this client reads; a mirror of another says so in mirror.json. */
const MIRROR_FORMAT = 1;

/** Indexes are small: many of them at once. */
const PARALLEL_INDEXES = 8;

/** A version as an answer pins it, with where the log holds its publication. */
export interface LoggedPin {
  version: string;
  sha256: string;
  size: number;
  /** Undefined in a mirror written before its registry gave it: nothing it serves can be proved then. */
  logIndex: number | undefined;
}

/** Every direct and indirect dependency, by name as registered. */
export interface LoggedResolution {
  packages: Record<string, LoggedPin>;
}

interface MirroredVersion extends Candidate {
  pinned: LoggedPin;
}

interface MirroredPackage {
  name: string;
  versions: readonly MirroredVersion[];
}

export class MirrorCatalogue {
  readonly #mirror: MirrorFiles;
  #names: Promise<Map<string, string>> | undefined;
  readonly #indexes = new Map<string, Promise<PackageIndex | undefined>>();

  constructor(mirror: MirrorFiles) {
    this.#mirror = mirror;
  }

  get url(): string {
    return this.#mirror.url;
  }

  /** The package's index, or undefined when the mirror has none (it holds public packages only). */
  indexOf(name: PackageName): Promise<PackageIndex | undefined> {
    const key = packageKey(name);
    let index = this.#indexes.get(key);
    if (!index) {
      index = this.#readIndex(key);
      this.#indexes.set(key, index);
    }
    return index;
  }

  /**
   * The newest versions that meet what a project asks for, from the mirror's
   * indexes, or the conflict in the registry's own words.
   */
  async resolve(
    asked: ResolutionAsked,
  ): Promise<Result<LoggedResolution, { message: string; problems: string[] }>> {
    const request = readResolutionRequest(asked);
    if (!request.ok) {
      throw new CliError(`cannot resolve ${JSON.stringify(request.error)}`, EXIT.failed);
    }
    const project = request.value;
    // The solver reads packages as it goes; here they are read first: every
    // package a usable version of a package reached may need, level by level.
    const reached = new Map<string, MirroredPackage | undefined>();
    let level = [...new Set(project.roots.map((root) => root.name))];
    while (level.length > 0) {
      await atMostAtOnce(level, PARALLEL_INDEXES, async (key) => {
        reached.set(key, await this.#package(key));
      });
      const next = new Set<string>();
      for (const key of level) {
        for (const version of reached.get(key)?.versions ?? []) {
          if (!fitsCompilerOf(project, version) || !fitsPlatformOf(project, version)) continue;
          for (const dependency of version.dependencies) {
            if (!reached.has(dependency.name)) next.add(dependency.name);
          }
        }
      }
      level = [...next];
    }
    const solved = solveResolution(project, (key) => reached.get(key));
    if (!solved.ok) return err(conflictSentences(solved.error));
    return ok({ packages: Object.fromEntries(solved.value.map(pinOf)) });
  }

  /** The highest version not revoked that works with the compiler, as the registry's `latest` answers. */
  async latestFor(name: PackageName, compiler: Version): Promise<IndexEntry | undefined> {
    const index = await this.indexOf(name);
    let latest: { entry: IndexEntry; version: Version } | undefined;
    for (const entry of index?.versions ?? []) {
      const candidate = indexedCandidate(entry);
      if (!candidate || !rangeContains(candidate.grenVersion, compiler)) continue;
      if (!latest || compareVersions(candidate.version, latest.version) > 0) {
        latest = { entry, version: candidate.version };
      }
    }
    return latest?.entry;
  }

  async #package(key: string): Promise<MirroredPackage | undefined> {
    const index = await this.indexOf(parsePackageName(key)!);
    if (!index) return undefined;
    return {
      name: index.name,
      versions: index.versions.flatMap((entry) => {
        const candidate = indexedCandidate(entry);
        if (!candidate) return [];
        const { version, sha256, size, logIndex } = entry;
        return [{ ...candidate, pinned: { version, sha256, size, logIndex } }];
      }),
    };
  }

  /** The names of the mirror's packages as registered, by key, once its layout is known to this client. */
  #registeredNames(): Promise<Map<string, string>> {
    this.#names ??= (async () => {
      const manifest = await this.#mirror.json(MIRROR_PATHS.manifest);
      if (manifest === undefined) {
        throw new CliError(
          `there is no mirror of a Gren registry at ${this.url}: it has no ${MIRROR_PATHS.manifest}`,
          EXIT.usage,
        );
      }
      const format = (manifest as { format?: unknown }).format;
      if (format !== MIRROR_FORMAT) {
        throw new CliError(
          `the mirror at ${this.url} is written in a layout this gren-registry does not know (format ${JSON.stringify(format)}); install a newer gren-registry, or install from the registry`,
          EXIT.failed,
        );
      }
      const listed = await this.#mirror.json(MIRROR_PATHS.packageList);
      const packages = (listed as { packages?: unknown } | undefined)?.packages;
      const names = new Map<string, string>();
      for (const listedPackage of Array.isArray(packages) ? packages : []) {
        const name = (listedPackage as { name?: unknown }).name;
        const parsed = typeof name === "string" ? parsePackageName(name) : undefined;
        if (parsed) names.set(packageKey(parsed), name as string);
      }
      return names;
    })();
    return this.#names;
  }

  async #readIndex(key: string): Promise<PackageIndex | undefined> {
    const name = (await this.#registeredNames()).get(key) ?? key;
    const path = MIRROR_PATHS.packageIndex(name);
    const index = await this.#mirror.json(path);
    if (index === undefined) return undefined;
    if (!isPackageIndex(index)) {
      throw new CliError(
        `the mirror at ${this.url} serves something that is not a package's index at ${path}`,
        EXIT.unavailable,
      );
    }
    const named = parsePackageName(index.name);
    if (!named || packageKey(named) !== key) {
      throw new CliError(
        `the mirror at ${this.url} serves the index of ${index.name} at ${path}`,
        EXIT.unavailable,
      );
    }
    return index;
  }
}

const pinOf = ({ pkg, version }: Chosen<MirroredPackage>): [string, LoggedPin] => [
  pkg.name,
  version.pinned,
];

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isCount = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) >= 0;

/** Whether a mirror's file has the shape of `GET …/index`'s answer, which it must be a copy of. */
function isPackageIndex(value: unknown): value is PackageIndex {
  if (!isObject(value) || typeof value.name !== "string" || typeof value.private !== "boolean") {
    return false;
  }
  return Array.isArray(value.versions) && value.versions.every(isIndexEntry);
}

function isIndexEntry(value: unknown): value is IndexEntry {
  if (!isObject(value)) return false;
  const { version, grenVersion, platform, dependencies, sha256, size, logIndex, revoked } = value;
  return (
    typeof version === "string" &&
    typeof grenVersion === "string" &&
    typeof platform === "string" &&
    isObject(dependencies) &&
    Object.values(dependencies).every((range) => typeof range === "string") &&
    typeof sha256 === "string" &&
    /^[0-9a-f]{64}$/.test(sha256) &&
    isCount(size) &&
    (logIndex === undefined || isCount(logIndex)) &&
    (revoked === null ||
      (isObject(revoked) && typeof revoked.at === "string" && typeof revoked.reason === "string"))
  );
}
