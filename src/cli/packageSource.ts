// Where `install` reads what it installs: the registry's API, or a static
// mirror of it when the registry cannot be reached. Either gives each
// package's index, chooses versions by the same rules, serves the bundles,
// and has its answers held to the registry's transparency log.

import { formatPackageName, type PackageName } from "../gren/names.ts";
import type { ResolutionAsked } from "../gren/resolution.ts";
import { formatVersion, type Version } from "../gren/semver.ts";
import { MIRROR_PATHS } from "../wire/mirrorPaths.ts";
import type { PackageIndex } from "../wire/packages.ts";
import type { PinnedVersion } from "../wire/resolve.ts";
import { API } from "../wire/routes.ts";
import { type BundleOrigin, registryBundle } from "./bundleDownload.ts";
import { CliError, EXIT } from "./cliError.ts";
import { type RegistryClient, RegistryError } from "./client.ts";
import { MirrorCatalogue } from "./mirrorCatalogue.ts";
import type { MirrorClient } from "./mirrorClient.ts";
import { MirrorLog } from "./mirrorLog.ts";
import { LogWitness } from "./transparencyLog.ts";

/** A version as a resolution pins it; from a mirror, with where the log holds it. */
export type Pin = PinnedVersion & { logIndex?: number | undefined };

/** Every direct and indirect dependency, by name as registered, with its version. */
export interface Pins {
  packages: Record<string, Pin>;
}

/** The source has no such package; the registry may offer names close to it. */
export interface MissingPackage {
  kind: "missing";
  suggestions: readonly string[];
}

/** No versions meet every constraint: the source's sentence, and the clashes it found. */
export class ResolutionConflict extends CliError {
  constructor(message: string, problems: readonly string[]) {
    super(message, EXIT.conflict, problems);
  }
}

export interface PackageSource {
  kind: "registry" | "mirror";
  /** For messages. */
  url: string;
  /** Appended to "has no package X": why the asker might not see one that exists. */
  unseenHint: string;
  indexOf(name: PackageName): Promise<PackageIndex | MissingPackage>;
  /** The versions for what a project asks; a `ResolutionConflict` when nothing fits. */
  resolve(asked: ResolutionAsked): Promise<Pins>;
  /** The newest live version of a package that works with the compiler. */
  latestFor(name: PackageName, compiler: Version): Promise<string>;
  bundle(name: PackageName, version: string): BundleOrigin;
  /** What holds the source to the registry's transparency log. */
  witness: LogWitness;
  /** The session that shows private packages, when there is one (the registry's only). */
  token: string | undefined;
}

export const isMissing = (index: PackageIndex | MissingPackage): index is MissingPackage =>
  "kind" in index && index.kind === "missing";

const packageParams = (name: PackageName) => ({ author: name.author, project: name.project });

/** The registry's API, with the caller's session if there is one. */
export function registrySource(
  client: RegistryClient,
  token: string | undefined,
  witness: LogWitness,
): PackageSource {
  return {
    kind: "registry",
    url: client.url,
    unseenHint: token ? "" : " (or it is private, and you are not logged in)",
    witness,
    token,
    indexOf: (name) =>
      client
        .call(API.index, { params: packageParams(name), token })
        // No tag is sent, so the answer is never "not modified".
        .then((index) => index as PackageIndex)
        .catch((error: unknown) => {
          if (error instanceof RegistryError && (error.status === 404 || error.status === 410)) {
            return { kind: "missing" as const, suggestions: error.suggestions };
          }
          throw error;
        }),
    resolve: (asked) =>
      client.call(API.resolve, { token, body: asked }).catch((error: unknown) => {
        if (error instanceof RegistryError && error.status === 409) {
          throw new ResolutionConflict(error.message, error.details);
        }
        throw error;
      }),
    latestFor: async (name, compiler) =>
      (
        await client.call(API.latest, {
          params: packageParams(name),
          query: { gren: formatVersion(compiler) },
          token,
        })
      ).version,
    bundle: (name, version) => registryBundle(client, { ...packageParams(name), version }, token),
  };
}

/**
 * A static mirror of the registry: public packages only, resolved here, and
 * every bundle proved by the log's tiles the mirror holds, under the
 * registry's key as this machine knows it (`registry`, `logKey`).
 */
export function mirrorSource(
  mirror: MirrorClient,
  registry: string,
  logKey: string | undefined,
): PackageSource {
  const catalogue = new MirrorCatalogue(mirror);
  return {
    kind: "mirror",
    url: mirror.url,
    unseenHint: " (a mirror holds public packages only)",
    witness: new LogWitness(registry, new MirrorLog(mirror), logKey),
    token: undefined,
    indexOf: async (name) =>
      (await catalogue.indexOf(name)) ?? { kind: "missing", suggestions: [] },
    resolve: async (asked) => {
      const resolved = await catalogue.resolve(asked);
      if (!resolved.ok)
        throw new ResolutionConflict(resolved.error.message, resolved.error.problems);
      return resolved.value;
    },
    latestFor: async (name, compiler) => {
      const latest = await catalogue.latestFor(name, compiler);
      if (!latest) {
        throw new CliError(
          `the mirror at ${mirror.url} has no version of ${formatPackageName(name)} that works with Gren ${formatVersion(compiler)}`,
          EXIT.notFound,
        );
      }
      return latest.version;
    },
    bundle: (name, version) => {
      const path = MIRROR_PATHS.versionFile(formatPackageName(name), version, "bundle");
      return {
        name: "the mirror",
        url: mirror.url,
        tagsWithSha256: false,
        request: async (signal) => {
          const response = await mirror.request(path, signal);
          if (!response) {
            throw new CliError(
              `the mirror at ${mirror.url} has no bundle of ${formatPackageName(name)} ${version}, though its index lists it (${path})`,
              EXIT.unavailable,
            );
          }
          return response;
        },
      };
    },
  };
}
