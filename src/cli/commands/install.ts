// `install`: a project's dependencies put where the Gren compiler looks for
// them, so that it never needs GitHub: for an application, the versions the
// registry's resolver chooses; for a package, the ones the compiler itself loads.
// They come from the registry, or from a static mirror of it, which this
// command resolves from by the registry's own rules, when the registry
// cannot be reached or when told to.

import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { formatPackageName, type PackageName, parsePackageName } from "../../gren/names.ts";
import { bundleFileName, installKey } from "../../gren/packageLayout.ts";
import {
  formatRange,
  formatVersion,
  MAX_VERSION_COMPONENT,
  parseVersion,
  type Version,
} from "../../gren/semver.ts";
import { quote } from "../../gren/wording.ts";
import type { ResolutionRequest } from "../../wire/resolve.ts";
import { packageArgument } from "../arguments.ts";
import {
  type DownloadedBundle,
  downloadBundle,
  TIMEOUT_OPTION,
  timeoutArgument,
} from "../bundleDownload.ts";
import { sha256Of } from "../bundleIntegrity.ts";
import { CliError, EXIT, usageError } from "../cliError.ts";
import { isOutage, type RegistryClient } from "../client.ts";
import { compilerChoice, type IndexReader } from "../compilerChoice.ts";
import { atMostAtOnce } from "../concurrency.ts";
import { type Context, commandLine, requireSession } from "../context.ts";
import { MIRROR_VARIABLE, MirrorClient, mirrorUrl } from "../mirrorClient.ts";
import { JSON_OPTION, show, tell } from "../output.ts";
import { OUTLINE_FILE } from "../packageDirectory.ts";
import {
  isMissing,
  type MissingPackage,
  mirrorSource,
  type PackageSource,
  type Pin,
  type Pins,
  ResolutionConflict,
  registrySource,
} from "../packageSource.ts";
import {
  type ApplicationProject,
  applicationOutlineText,
  isLocal,
  PACKAGES_DIRECTORY,
  type PackageProject,
  type Requirements,
  readProject,
} from "../projectOutline.ts";
import { readIfPresent, writeWhole } from "./packages.ts";

/** What became of a bundle the project needs. */
type BundleStatus = "downloaded" | "already-there" | "replaced";

interface InstalledPackage {
  name: string;
  version: string;
  /** Asked for by the project itself, rather than by one of its dependencies. */
  direct: boolean;
  /** Relative to the project's directory, e.g. `gren_packages/gren_lang_url__6_0_0.pkg.gz`. */
  file: string;
  sha256: string;
  size: number;
  status: BundleStatus;
}

/** A dependency of an application whose entry in gren.json is new, different or gone. */
interface OutlineChange {
  name: string;
  /** The version gren.json listed before, or null when it did not list the package. */
  from: string | null;
  /** The version gren.json lists now, or null when it no longer lists the package. */
  to: string | null;
  direct: boolean;
}

interface InstallResult {
  directory: string;
  /** Where the packages came from: the registry, or a mirror of it. */
  source: { kind: PackageSource["kind"]; url: string };
  project: "application" | "package";
  /**
   * The compilers the dependencies are for: an application's one version, or
   * the range a package's gren-version gives, as `0.6.0 <= v < 0.7.0`.
   */
  grenVersion: string;
  platform: string;
  packages: InstalledPackage[];
  outline: { updated: boolean; changes: OutlineChange[] };
}

/** Where the packages come from, and how patiently they are downloaded. */
interface Asker {
  source: PackageSource;
  /** The registry, whose commands a message may suggest. */
  client: RegistryClient;
  /** How long a download may receive nothing before it is given up. */
  timeoutMs: number;
}

/** Every version there is, so that the registry alone decides which one fits. */
const ANY_VERSION = `0.0.0 <= v < ${MAX_VERSION_COMPONENT}.0.0`;

/** Enough downloads at once to hide the round trips, few enough not to crowd a registry. */
const PARALLEL_DOWNLOADS = 4;

export function installCommands(program: Command, context: () => Context): void {
  program
    .command("install")
    .description(
      "download a project's dependencies into gren_packages/, or add one to an application",
    )
    .argument("[package]", "a package to add to an application's direct dependencies")
    .option("--dir <directory>", "the project's directory (default: the current one)")
    .option(
      "--mirror [url]",
      `install from this static mirror of the registry, not from the registry (default URL: $${MIRROR_VARIABLE})`,
    )
    .option(...TIMEOUT_OPTION)
    .option(...JSON_OPTION)
    .addHelpText(
      "after",
      `
Every bundle is saved in gren_packages/ under the compiler's file name, written
as it arrives and checked against the size and sha256 the registry gave: a
download that grows past its size is refused at once, and one that receives
nothing for --timeout seconds is given up (exit 7); either leaves nothing behind. A bundle already there with that sha256 is
kept; nothing else in gren_packages/ is touched. Afterwards
\`gren package install\` finds every bundle it needs and downloads nothing.

Before anything is written, each sha256 must be the one the registry's
transparency log holds for its version, under a checkpoint signed by the log's
key and consistent with every checkpoint this machine saw before (see
\`gren-registry log verify --help\`); otherwise nothing is written and the exit
code is 8.

In an application, the registry chooses the versions (POST /resolve). Every
version in gren.json is kept as it is; the packages they need that gren.json
does not list are written in as indirect dependencies, as the compiler writes
gren.json. With PACKAGE, the newest version of it that works with the
application's compiler, platform and direct dependencies is added as a direct
dependency; indirect dependencies change only as far as it needs. When it
cannot be added without changing a direct dependency, nothing changes and the
exit code is 5.

In a package, the versions are the ones Gren 0.6 itself loads, found from the
registry's index of each package as the compiler finds them: it goes through
the dependencies breadth first, the package's own in name order and then
theirs, and takes exactly the lower bound of the first range that reaches each
package; later ranges must share a version with that range, but do not change
the version. A lower bound the registry does not have or has revoked stops the
install (exit 4), and so do ranges with no version in common, or a version
whose gren-version or platform does not fit the package (exit 5). The package's
gren.json is never changed; with PACKAGE, the command says which range to add
to it instead (exit 2).

With --mirror URL, or --mirror and $${MIRROR_VARIABLE}, everything comes from
a static mirror of the registry (its files served by nginx, a bucket or a CDN)
and the registry is not asked at all: the mirror's indexes are resolved here,
by the registry's own rules, and each bundle is proved by the mirror's copy
of the transparency log under the registry's key, which this machine must
know already (pinned by an earlier install, or given with --log-key or
$GREN_REGISTRY_LOG_KEY). A mirror holds public packages only. Without
--mirror, when the registry cannot be reached (no answer, or 502, 503, 504)
and $${MIRROR_VARIABLE} names a mirror, install says so and installs from the
mirror instead. A mirror that serves what the log does not prove (an index
changed, a tile, a checkpoint of its own) is refused with exit code 8, and a
bundle whose bytes are not the ones its index gives with exit code 7; either
way nothing is written.`,
    )
    .action(
      async (
        packageName: string | undefined,
        options: { dir?: string; mirror?: string | true; timeout?: string; json?: boolean },
      ) => {
        const { client, witness, logKey } = context();
        const adding = packageName === undefined ? undefined : packageArgument(packageName);
        const timeoutMs = timeoutArgument(options.timeout);
        const directory = resolve(options.dir ?? ".");
        const project = readProject(directory);
        const configured = process.env[MIRROR_VARIABLE]?.trim() || undefined;
        const fromMirror = (url: string, from: string): Asker => ({
          source: mirrorSource(
            new MirrorClient(mirrorUrl(url, from), timeoutMs),
            client.url,
            logKey,
          ),
          client,
          timeoutMs,
        });
        const install = (asker: Asker) =>
          project.kind === "application"
            ? installApplication(asker, directory, project, adding)
            : installPackage(asker, directory, project, adding);
        let result: InstallResult;
        if (options.mirror !== undefined) {
          const url = options.mirror === true ? configured : options.mirror;
          if (url === undefined) {
            throw usageError(`--mirror needs a URL, or ${MIRROR_VARIABLE} to name the mirror`);
          }
          result = await install(
            fromMirror(url, options.mirror === true ? MIRROR_VARIABLE : "--mirror"),
          );
        } else {
          const token = requireSession(client, { optional: true })?.sessionToken;
          try {
            result = await install({
              source: registrySource(client, token, witness),
              client,
              timeoutMs,
            });
          } catch (error) {
            if (configured === undefined || !isOutage(error)) throw error;
            const mirrored = fromMirror(configured, MIRROR_VARIABLE);
            tell(
              `The registry at ${client.url} cannot be reached (${(error as Error).message}); installing from its mirror at ${mirrored.source.url} instead.`,
            );
            result = await install(mirrored);
          }
        }
        show(options.json, result, printResult);
      },
    );
}

async function installApplication(
  asker: Asker,
  directory: string,
  project: ApplicationProject,
  adding: PackageName | undefined,
): Promise<InstallResult> {
  const base = { grenVersion: formatVersion(project.grenVersion), platform: project.platform };
  const direct = fromRegistry(project.direct);
  const indirect = fromRegistry(project.indirect);
  const directKeys = new Set(Object.keys(direct).map(nameKey));

  // Exact versions, as the compiler reads an application's: the registry can
  // only confirm them and add what they need.
  const listed = { ...base, dependencies: { ...indirect, ...direct } };
  let answer: Pins;
  if (adding === undefined) answer = await resolveListed(asker, listed);
  else {
    const name = formatPackageName(adding);
    const listedAs = writtenName(direct, name) ?? writtenName(indirect, name);
    if (listedAs === undefined) answer = await resolveAdding(asker, base, direct, indirect, adding);
    else {
      // As the compiler does: a package listed already keeps its version.
      tell(
        directKeys.has(nameKey(name))
          ? `${listedAs} is a direct dependency already.`
          : `${listedAs} ${indirect[listedAs]} becomes a direct dependency.`,
      );
      answer = await resolveListed(asker, listed);
    }
    directKeys.add(nameKey(name));
  }

  const written = { direct: localOnly(project.direct), indirect: localOnly(project.indirect) };
  for (const [name, pinned] of Object.entries(answer.packages)) {
    (directKeys.has(nameKey(name)) ? written.direct : written.indirect)[name] = pinned.version;
  }
  const changes = changesTo(project, written);
  const updated = changes.length > 0;

  // The bundles first: gren.json never names a package whose bundle did not arrive.
  const packages = await installBundles(asker, directory, answer, directKeys);
  if (updated) {
    writeWhole(
      join(directory, OUTLINE_FILE),
      new TextEncoder().encode(applicationOutlineText(project, written)),
    );
  }
  return {
    directory,
    source: { kind: asker.source.kind, url: asker.source.url },
    project: "application",
    grenVersion: base.grenVersion,
    platform: project.platform,
    packages,
    outline: { updated, changes },
  };
}

/**
 * A package is built with the versions the compiler loads for it, which are
 * not the registry's choice: bundles of any other versions would sit unused
 * while the compiler fetched its own from GitHub.
 */
async function installPackage(
  asker: Asker,
  directory: string,
  project: PackageProject,
  adding: PackageName | undefined,
): Promise<InstallResult> {
  // The oldest compiler the package promises to work with is one its new dependency must work with too.
  if (adding) throw await rangeAdvice(asker, adding, project.grenVersion.lower);
  const answer = await compilerChoice(project, indexReader(asker));
  const directKeys = new Set(Object.keys(fromRegistry(project.dependencies)).map(nameKey));
  return {
    directory,
    source: { kind: asker.source.kind, url: asker.source.url },
    project: "package",
    grenVersion: formatRange(project.grenVersion),
    platform: project.platform,
    packages: await installBundles(asker, directory, answer, directKeys),
    outline: { updated: false, changes: [] },
  };
}

function indexReader(asker: Asker): IndexReader {
  return {
    url: asker.source.url,
    unseenHint: asker.source.unseenHint,
    indexOf: async (name) => {
      const found = await asker.source.indexOf(name);
      return isMissing(found) ? undefined : found;
    },
  };
}

/** The registry's "did you mean", as the end of a sentence; empty when it offers no names. */
const didYouMean = (missing: MissingPackage): string =>
  missing.suggestions.length === 0
    ? ""
    : `; did you mean ${missing.suggestions.slice(0, -1).join(", ")}${missing.suggestions.length > 1 ? " or " : ""}${missing.suggestions.at(-1)}?`;

/**
 * A package's dependencies are ranges its author chooses, so this command
 * does not write them: it says which range the compiler would write.
 */
async function rangeAdvice(asker: Asker, name: PackageName, grenVersion: Version) {
  const latest = { version: await asker.source.latestFor(name, grenVersion) };
  const version = parseVersion(latest.version);
  const range =
    version &&
    (version.major === 0
      ? `0.${version.minor}.0 <= v < 0.${version.minor + 1}.0`
      : `${version.major}.0.0 <= v < ${version.major + 1}.0.0`);
  return usageError(
    `install adds packages to applications only; to depend on ${formatPackageName(name)} from this package, add "${formatPackageName(name)}": "${range ?? latest.version}" to the dependencies in ${OUTLINE_FILE}, then run install`,
  );
}

/**
 * The registry's answer for these requirements. When there is none, a package
 * it does not have, or a pinned version that was revoked, is named as not
 * found (with the revocation's reason); anything else is a conflict.
 */
async function resolveListed(asker: Asker, request: ResolutionRequest): Promise<Pins> {
  try {
    return await resolveOn(asker, request);
  } catch (error) {
    if (!isConflict(error)) throw error;
    throw (
      (await missingOrRevoked(asker, request.dependencies)) ??
      new CliError(
        `the dependencies in ${OUTLINE_FILE} cannot all be installed. ${error.message}`,
        EXIT.conflict,
        detailsBeyond(error),
      )
    );
  }
}

/** What the resolver's sentence does not say already. */
const detailsBeyond = (error: ResolutionConflict): string[] =>
  error.details.filter((detail) => detail !== error.message);

/**
 * The failure to report when some of these requirements name packages the
 * registry does not have, or versions it revoked: those are not found, and
 * reported with the revocation's reason, which its publisher wrote for them.
 */
async function missingOrRevoked(
  asker: Asker,
  requirements: Requirements,
): Promise<CliError | undefined> {
  const unknown: string[] = [];
  const revoked: string[] = [];
  await Promise.all(
    Object.entries(requirements).map(async ([name, requirement]) => {
      const parsed = parsePackageName(name);
      if (!parsed) return;
      const index = await asker.source.indexOf(parsed);
      if (isMissing(index)) {
        const meant = didYouMean(index);
        unknown.push(meant ? `${name} (${meant.slice(2)})` : name);
        return;
      }
      const pinned = index.versions.find((entry) => entry.version === requirement);
      if (pinned?.revoked) {
        revoked.push(
          `${index.name} ${pinned.version} was revoked on ${pinned.revoked.at.slice(0, 10)}: ${pinned.revoked.reason}`,
        );
      }
    }),
  );
  if (unknown.length > 0) {
    return new CliError(
      `${OUTLINE_FILE} asks for ${unknown.length === 1 ? "a package" : `${unknown.length} packages`} that ${asker.source.url} does not have: ${unknown.sort().join(", ")}${asker.source.unseenHint}`,
      EXIT.notFound,
    );
  }
  if (revoked.length > 0) {
    return new CliError(
      `${OUTLINE_FILE} asks for ${revoked.length === 1 ? "a version that was" : `${revoked.length} versions that were`} revoked; choose another (${asker.source.kind === "mirror" ? `the package's index on the mirror lists them` : `\`${commandLine(asker.client, "versions PACKAGE")}\` lists them`})`,
      EXIT.notFound,
      revoked.sort(),
    );
  }
  return undefined;
}

/**
 * Adds a package to an application: its newest version that fits the compiler,
 * the platform and the direct dependencies as they are. The indirect ones
 * are then kept where they are if they can be, and otherwise let go a step at
 * a time (patch, minor, any), so that only what the new package needs moves.
 */
async function resolveAdding(
  asker: Asker,
  base: Omit<ResolutionRequest, "dependencies">,
  direct: Requirements,
  indirect: Requirements,
  adding: PackageName,
): Promise<Pins> {
  const index = await asker.source.indexOf(adding);
  if (isMissing(index)) {
    throw new CliError(
      `there is no package ${formatPackageName(adding)} on ${asker.source.url}${asker.source.unseenHint}${didYouMean(index)}`,
      EXIT.notFound,
    );
  }
  const name = index.name;
  let widest: Pins;
  try {
    widest = await resolveOn(asker, { ...base, dependencies: { ...direct, [name]: ANY_VERSION } });
  } catch (error) {
    if (!isConflict(error)) throw error;
    const alone = await resolveOn(asker, { ...base, dependencies: { [name]: ANY_VERSION } }).then(
      () => undefined,
      (aloneError: unknown) => {
        if (isConflict(aloneError)) return aloneError;
        throw aloneError;
      },
    );
    if (alone) {
      throw new CliError(
        `no version of ${name} can be used with Gren ${base.grenVersion} on ${base.platform}. ${alone.message}`,
        EXIT.conflict,
        detailsBeyond(alone),
      );
    }
    // Only the direct pins took part in this search.
    const pinned = await missingOrRevoked(asker, direct);
    if (pinned) throw pinned;
    throw new CliError(
      `${name} cannot be added without changing the direct dependencies in ${OUTLINE_FILE}, so nothing was changed. ${error.message}`,
      EXIT.conflict,
      detailsBeyond(error),
    );
  }
  const chosen = Object.entries(widest.packages).find(
    ([other]) => nameKey(other) === nameKey(name),
  );
  if (!chosen)
    throw new CliError(`${asker.source.url}'s answer left out ${name}`, EXIT.unavailable);
  for (const loosen of [exactly, untilNextMinor, untilNextMajor]) {
    const kept = Object.fromEntries(
      Object.entries(indirect).map(([other, version]) => [other, loosen(version)]),
    );
    try {
      return await resolveOn(asker, {
        ...base,
        dependencies: { ...kept, ...direct, [chosen[0]]: chosen[1].version },
      });
    } catch (error) {
      if (!isConflict(error)) throw error;
    }
  }
  // The search without indirect pins already found this answer, the new package's version with it.
  return widest;
}

const exactly = (version: string): string => version;

function untilNextMinor(version: string): string {
  const v = parseVersion(version)!;
  return `${version} <= v < ${v.major}.${v.minor + 1}.0`;
}

function untilNextMajor(version: string): string {
  const v = parseVersion(version)!;
  return `${version} <= v < ${v.major + 1}.0.0`;
}

const resolveOn = (asker: Asker, request: ResolutionRequest): Promise<Pins> =>
  asker.source.resolve(request);

const isConflict = (error: unknown): error is ResolutionConflict =>
  error instanceof ResolutionConflict;

/** Every bundle of the answer in gren_packages/, each checked against its sha256. */
async function installBundles(
  asker: Asker,
  directory: string,
  answer: Pins,
  directKeys: ReadonlySet<string>,
): Promise<InstalledPackage[]> {
  const wanted = Object.entries(answer.packages)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, pinned]) => wantedBundle(name, pinned, directKeys));
  const sharing = new Map<string, string>();
  for (const bundle of wanted) {
    const other = sharing.get(installKey(bundle.parsedName));
    if (other) {
      throw new CliError(
        `${other} and ${bundle.name} would both be installed as ${bundle.file}, so no project can use both`,
        EXIT.conflict,
      );
    }
    sharing.set(installKey(bundle.parsedName), bundle.name);
  }
  const folder = join(directory, PACKAGES_DIRECTORY);
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw new CliError(`cannot create ${folder} (${(error as Error).message})`);
  }

  const installed: InstalledPackage[] = wanted.map((bundle) => {
    const there = readIfPresent(join(folder, bundle.fileName));
    const status: BundleStatus =
      there === undefined
        ? "downloaded"
        : sha256Of(there) === bundle.pinned.sha256.toLowerCase()
          ? "already-there"
          : "replaced";
    return {
      name: bundle.name,
      version: bundle.pinned.version,
      direct: bundle.direct,
      file: bundle.file,
      sha256: bundle.pinned.sha256,
      size: bundle.pinned.size,
      status,
    };
  });
  const missing = wanted.filter((_, index) => installed[index]!.status !== "already-there");
  let started = 0;
  const downloaded: DownloadedBundle[] = [];
  try {
    await atMostAtOnce(missing, PARALLEL_DOWNLOADS, async (bundle) => {
      started++;
      tell(`Downloading ${bundle.name} ${bundle.pinned.version} (${started}/${missing.length})`);
      downloaded.push(
        await downloadBundle(asker.source.bundle(bundle.parsedName, bundle.pinned.version), {
          expected: {
            what: `${bundle.name} ${bundle.pinned.version}`,
            sha256: bundle.pinned.sha256,
            size: bundle.pinned.size,
          },
          file: join(folder, bundle.fileName),
          timeoutMs: asker.timeoutMs,
        }),
      );
    });
    // Every bundle, downloaded now or there already, must be the one the
    // registry's log holds for its version, before any is written.
    await atMostAtOnce(wanted, PARALLEL_DOWNLOADS, (bundle) =>
      asker.source.witness.prove(
        {
          name: bundle.name,
          version: bundle.pinned.version,
          sha256: bundle.pinned.sha256,
          logIndex: bundle.pinned.logIndex,
        },
        asker.source.token,
      ),
    );
  } catch (error) {
    await Promise.all(downloaded.map((bundle) => bundle.discard()));
    throw error;
  }
  for (const bundle of downloaded) await bundle.keep();
  return installed;
}

interface WantedBundle {
  name: string;
  parsedName: PackageName;
  pinned: Pin;
  direct: boolean;
  fileName: string;
  file: string;
}

function wantedBundle(name: string, pinned: Pin, directKeys: ReadonlySet<string>): WantedBundle {
  const parsedName = parsePackageName(name);
  const version = parseVersion(pinned.version);
  if (!parsedName || !version) {
    throw new CliError(
      `the answer named ${quote(name)} ${quote(pinned.version)}, which is not a package version`,
      EXIT.unavailable,
    );
  }
  const fileName = bundleFileName(parsedName, version);
  return {
    name,
    parsedName,
    pinned,
    direct: directKeys.has(nameKey(name)),
    fileName,
    file: `${PACKAGES_DIRECTORY}/${fileName}`,
  };
}

/** Identity names that differ only in case are one; project names are lower case. */
const nameKey = (name: string): string => name.toLowerCase();

/** The name as `requirements` spells it, if it lists the package. */
const writtenName = (requirements: Requirements, name: string): string | undefined =>
  Object.keys(requirements).find((listed) => nameKey(listed) === nameKey(name));

/** What the registry resolves: every requirement but packages on disk. */
const fromRegistry = (requirements: Requirements): Requirements =>
  Object.fromEntries(Object.entries(requirements).filter(([, value]) => !isLocal(value)));

/** Packages on disk stay as gren.json lists them; the registry knows nothing of them. */
const localOnly = (requirements: Requirements): Requirements =>
  Object.fromEntries(Object.entries(requirements).filter(([, value]) => isLocal(value)));

/** What differs between the dependencies gren.json listed and those it lists now, in name order. */
function changesTo(
  before: { direct: Requirements; indirect: Requirements },
  after: { direct: Requirements; indirect: Requirements },
): OutlineChange[] {
  const listed = ({ direct, indirect }: typeof before) => {
    const entries = new Map<string, { name: string; version: string; direct: boolean }>();
    for (const [group, isDirect] of [
      [indirect, false],
      [direct, true],
    ] as const) {
      for (const [name, version] of Object.entries(group)) {
        entries.set(nameKey(name), { name, version, direct: isDirect });
      }
    }
    return entries;
  };
  const [was, is] = [listed(before), listed(after)];
  const changes: OutlineChange[] = [];
  for (const key of new Set([...was.keys(), ...is.keys()])) {
    const old = was.get(key);
    const now = is.get(key);
    if (old?.version === now?.version && old?.direct === now?.direct && old?.name === now?.name) {
      continue;
    }
    changes.push({
      name: (now ?? old)!.name,
      from: old?.version ?? null,
      to: now?.version ?? null,
      direct: (now ?? old)!.direct,
    });
  }
  return changes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const STATUS_WORDS: Record<BundleStatus, string> = {
  downloaded: "downloaded",
  "already-there": "already there",
  replaced: "downloaded (replacing other bytes)",
};

function printResult(result: InstallResult): void {
  const { packages } = result;
  if (result.source.kind === "mirror") console.log(`From the mirror at ${result.source.url}:`);
  if (packages.length === 0) {
    console.log(
      `${result.project === "application" ? "The application" : "The package"} has no dependencies to install.`,
    );
  } else {
    const fetched = packages.filter((p) => p.status !== "already-there").length;
    console.log(
      `${PACKAGES_DIRECTORY}/ has the ${packages.length} package${packages.length === 1 ? "" : "s"} needed (Gren ${result.grenVersion}, ${result.platform}): ${fetched} downloaded, ${packages.length - fetched} already there.`,
    );
    const nameWidth = Math.max(...packages.map((p) => p.name.length));
    const versionWidth = Math.max(...packages.map((p) => p.version.length));
    for (const p of packages) {
      console.log(
        `  ${p.name.padEnd(nameWidth)}  ${p.version.padEnd(versionWidth)}  ${(p.direct ? "direct" : "indirect").padEnd(8)}  ${STATUS_WORDS[p.status]}`,
      );
    }
  }
  if (result.project !== "application") return;
  if (!result.outline.updated) {
    console.log(`${OUTLINE_FILE} already lists every one of them.`);
    return;
  }
  console.log(`Updated ${OUTLINE_FILE}:`);
  for (const change of result.outline.changes) {
    const kind = change.direct ? "direct" : "indirect";
    console.log(
      change.from === null
        ? `  added ${change.name} ${change.to} (${kind})`
        : change.to === null
          ? `  removed ${change.name} ${change.from} (${kind}), which nothing needs now`
          : change.from !== change.to
            ? `  ${change.name} ${change.from} -> ${change.to} (${kind})`
            : `  ${change.name} ${change.to} is now ${kind}`,
    );
  }
}
