// `import`: a package's history moved onto the registry from its git
// repository, where Gren 0.6 finds packages today: one version per tag.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import { formatPackageName, packageKey } from "../../gren/names.ts";
import { compareVersions, formatVersion } from "../../gren/semver.ts";
import type { PackageView, Published } from "../../wire/packages.ts";
import { API } from "../../wire/routes.ts";
import { CliError, EXIT, type ExitCode } from "../cliError.ts";
import { type RegistryClient, RegistryError } from "../client.ts";
import type { Context } from "../context.ts";
import { git, tagFiles, type VersionTag, versionOfTag } from "../git.ts";
import { JSON_OPTION, show } from "../output.ts";
import { bundlePackageFiles, OUTLINE_FILE, type PreparedBundle } from "../packageDirectory.ts";
import { publishBody } from "../publishBody.ts";
import { publishingToken } from "../trustedPublishing.ts";
import { packageParams, versionParams } from "./packages.ts";

/** What became of one tag. */
type Outcome = "published" | "already-there" | "refused" | "skipped" | "not-tried";

interface TagOutcome {
  tag: string;
  version: string;
  outcome: Outcome;
  /** The package the tag holds, once its gren.json was read. */
  name: string | null;
  /** Why it was refused, skipped or not tried, or what to know of a version already there. */
  reason: string | null;
  /** The problems found in the package at this tag, one sentence each. */
  problems: string[];
  /** The bundle's sha256, when this import published it. */
  sha256: string | null;
  /** Published with a number its API did not call for: what it did, since which version. */
  misnumbered: Published["misnumbered"];
}

interface ImportResult {
  repository: string;
  tags: TagOutcome[];
  /** Tags that name no version, left alone. */
  otherTags: string[];
}

/** A failed tag and the exit code its failure has. */
interface Failure {
  outcome: TagOutcome;
  exitCode: ExitCode;
  /** The registry cannot take any more now: the tags after this one are not tried. */
  stopsImport: boolean;
}

/** A registry busy with uploads is asked again after a pause, this many times. */
const BUSY_RETRIES = 3;
const BUSY_PAUSE_MS = 5000;

export function importCommands(program: Command, context: () => Context): void {
  program
    .command("import")
    .description(
      "publish every version tag of a package's git repository that is not published yet",
    )
    .argument("<repository>", "the package's git repository: a path or a URL git can clone")
    .option(...JSON_OPTION)
    .addHelpText(
      "after",
      `
Every tag that names a version (1.2.3 or v1.2.3) is read from a temporary clone,
oldest version first, bundled as \`publish DIR\` bundles, and published. The
repository itself is only read, and no tag is checked out: only its gren.json,
its README.md (sent beside the bundle, as publish sends it) and the regular files
under src/ are read, from git's objects. A symbolic link
there is never followed: it is a problem that refuses the tag, named. A version the registry has already (even
revoked) is reported as already there, so running import again publishes only
new tags. A tag whose package is invalid, or whose gren.json has another version
than the tag, is reported and the others go on.

Exit code: 0 when every tag is published or already there; otherwise that of
the first tag that failed: 6 for a package the registry or these checks refuse,
3 when not allowed to publish it, 7 when the registry cannot be reached (then
the remaining tags are not tried).

The versions come in as history (PUT ...?history=true): with the numbers they
have, even a first version other than 1.0.0 or a number that skips some, which
a new publish could not have. Each is still compared with the version below it,
and one whose number does not say what its API did is published all the same,
marked with the number its API called for, which is reported here. Needs the
admin role in the package's identity, and each import is in its audit log.`,
    )
    .action(async (repository: string, options: { json?: boolean }) => {
      const { client } = context();
      const token = await publishingToken(client);
      const scratch = mkdtempSync(join(tmpdir(), "gren-registry-import-"));
      try {
        const clone = join(scratch, "repository.git");
        // Bare, so no tag is ever checked out; through git's own transport even from a
        // path, so that what a repository's folder links to is never copied in.
        await git(["clone", "--bare", "--no-local", "--quiet", "--", repository, clone]).catch(
          (error: unknown) => {
            throw new CliError(
              `cannot clone ${repository}: is it a git repository's path or URL?`,
              EXIT.notFound,
              error instanceof CliError ? error.details : [],
            );
          },
        );
        const { versions, otherTags } = versionTags(await git(["tag", "--list"], clone));
        if (versions.length === 0) {
          throw new CliError(
            `${repository} has no tag that names a version, like 1.2.3 or v1.2.3`,
            EXIT.notFound,
          );
        }
        const importer = new Importer(client, token, clone, !options.json);
        const result: ImportResult = { repository, tags: [], otherTags };
        for (const tag of versions) result.tags.push(await importer.importTag(tag));
        show(options.json, result, printSummary);
        const failure = importer.firstFailure;
        if (failure) {
          const failed = result.tags.filter(
            (t) => t.outcome === "refused" || t.outcome === "not-tried",
          ).length;
          throw new CliError(
            `${failed} of ${result.tags.length} version tag${result.tags.length === 1 ? "" : "s"} ${failed === 1 ? "was" : "were"} not published; the first was ${failure.outcome.tag}: ${failure.outcome.reason}`,
            failure.exitCode,
          );
        }
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    });
}

/**
 * The tags naming versions, oldest version first. When both `1.2.3` and
 * `v1.2.3` are there, the one the compiler would read (`1.2.3`) comes first
 * and the other is skipped.
 */
function versionTags(listed: string): { versions: VersionTag[]; otherTags: string[] } {
  const versions: VersionTag[] = [];
  const otherTags: string[] = [];
  for (const tag of listed.split("\n").filter(Boolean)) {
    const version = versionOfTag(tag);
    if (version) versions.push({ tag, version });
    else otherTags.push(tag);
  }
  versions.sort(
    (a, b) =>
      compareVersions(a.version, b.version) ||
      Number(a.tag.startsWith("v")) - Number(b.tag.startsWith("v")),
  );
  return { versions, otherTags };
}

/** Publishes tags one after the other, remembering what the registry has. */
class Importer {
  readonly #client: RegistryClient;
  readonly #token: string;
  readonly #clone: string;
  readonly #printing: boolean;
  /** The versions each package has on the registry, by its name in lower case. */
  readonly #published = new Map<string, Map<string, PackageView["versions"][number] | null>>();
  readonly #imported = new Map<string, string>();
  #stopped: Failure | undefined;
  firstFailure: Failure | undefined;

  constructor(client: RegistryClient, token: string, clone: string, printing: boolean) {
    this.#client = client;
    this.#token = token;
    this.#clone = clone;
    this.#printing = printing;
  }

  async importTag(tag: VersionTag): Promise<TagOutcome> {
    const outcome = await this.#outcomeOf(tag);
    if (this.#printing) printOutcome(outcome);
    return outcome;
  }

  async #outcomeOf(tag: VersionTag): Promise<TagOutcome> {
    const version = formatVersion(tag.version);
    const outcome = (
      kind: Outcome,
      details: Partial<
        Pick<TagOutcome, "name" | "reason" | "problems" | "sha256" | "misnumbered">
      > = {},
    ): TagOutcome => ({
      tag: tag.tag,
      version,
      outcome: kind,
      name: details.name ?? null,
      reason: details.reason ?? null,
      problems: details.problems ?? [],
      sha256: details.sha256 ?? null,
      misnumbered: details.misnumbered ?? null,
    });
    if (this.#stopped) {
      return outcome("not-tried", {
        reason: `stopped after tag ${this.#stopped.outcome.tag} failed`,
      });
    }
    const twin = this.#imported.get(version);
    if (twin !== undefined) {
      return outcome("skipped", { reason: `tag ${twin} is the same version` });
    }
    this.#imported.set(version, tag.tag);

    let bundle: PreparedBundle;
    try {
      bundle = bundlePackageFiles(await tagFiles(this.#clone, tag.tag));
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      return this.#fail(
        outcome("refused", {
          reason: error.message,
          problems: [...error.details],
        }),
        error.exitCode === EXIT.usage ? EXIT.invalidBundle : error.exitCode,
      );
    }
    const name = formatPackageName(bundle.name);
    if (compareVersions(bundle.version, tag.version) !== 0) {
      return this.#fail(
        outcome("refused", {
          name,
          reason: `the tag is version ${version}, but ${OUTLINE_FILE} at it says ${formatVersion(bundle.version)}`,
        }),
        EXIT.invalidBundle,
      );
    }

    try {
      const known = await this.#versionsOf(bundle);
      if (known.has(version)) {
        const revoked = known.get(version)?.revoked;
        return outcome("already-there", {
          name,
          ...(revoked
            ? { reason: `revoked on ${revoked.at.slice(0, 10)}: ${revoked.reason}` }
            : {}),
        });
      }
      const published = await this.#publish(bundle, version);
      known.set(version, null);
      const { misnumbered } = published;
      return outcome("published", {
        name,
        sha256: published.sha256,
        misnumbered,
        ...(misnumbered
          ? {
              reason: `its API called for ${misnumbered.calledFor}, a ${misnumbered.magnitude} change since ${misnumbered.since}`,
            }
          : {}),
      });
    } catch (error) {
      if (!(error instanceof RegistryError)) throw error;
      if (error.status === 409) return outcome("already-there", { name, reason: error.message });
      // Without a working session, or without the registry, no later tag can go either.
      const stops = error.status === 401 || error.exitCode === EXIT.unavailable;
      return this.#fail(
        outcome("refused", { name, reason: error.message, problems: [...error.details] }),
        error.exitCode,
        stops,
      );
    }
  }

  #fail(outcome: TagOutcome, exitCode: ExitCode, stopsImport = false): TagOutcome {
    const failure = { outcome, exitCode, stopsImport };
    this.firstFailure ??= failure;
    if (stopsImport) this.#stopped = failure;
    return outcome;
  }

  /** The versions the registry has of the bundle's package, revoked ones included. */
  async #versionsOf(bundle: PreparedBundle) {
    const key = packageKey(bundle.name);
    let known = this.#published.get(key);
    if (!known) {
      known = new Map();
      try {
        const view = await this.#client.call(API.package, {
          params: packageParams(bundle.name),
          token: this.#token,
        });
        for (const v of view.versions) known.set(v.version, v);
      } catch (error) {
        // A package not published yet has no versions.
        if (!(error instanceof RegistryError && error.status === 404)) throw error;
      }
      this.#published.set(key, known);
    }
    return known;
  }

  async #publish(bundle: PreparedBundle, version: string): Promise<Published> {
    for (let attempt = 0; ; attempt++) {
      try {
        // History comes in with its own numbers: the rules a new version must follow are not applied.
        return await this.#client.call(API.publish, {
          params: versionParams(bundle.name, version),
          query: { history: "true" },
          token: this.#token,
          ...(await publishBody(bundle)),
        });
      } catch (error) {
        if (!(error instanceof RegistryError && error.status === 429) || attempt >= BUSY_RETRIES) {
          throw error;
        }
        await new Promise((done) => setTimeout(done, BUSY_PAUSE_MS * (attempt + 1)));
      }
    }
  }
}

const OUTCOME_WORDS: Record<Outcome, string> = {
  published: "published",
  "already-there": "already there",
  refused: "refused",
  skipped: "skipped",
  "not-tried": "not tried",
};

function printOutcome(outcome: TagOutcome): void {
  const what = outcome.name === null ? "" : ` ${outcome.name} ${outcome.version}`;
  const line =
    outcome.outcome === "published" || outcome.outcome === "already-there"
      ? `${outcome.tag}: ${OUTCOME_WORDS[outcome.outcome]}${what}${outcome.reason ? ` (${outcome.reason})` : ""}`
      : `${outcome.tag}: ${OUTCOME_WORDS[outcome.outcome]}: ${outcome.reason}`;
  console.log(line);
  for (const problem of outcome.problems) console.log(`  - ${problem}`);
}

function printSummary(result: ImportResult): void {
  const counts = new Map<Outcome, number>();
  for (const tag of result.tags) counts.set(tag.outcome, (counts.get(tag.outcome) ?? 0) + 1);
  const parts = (Object.keys(OUTCOME_WORDS) as Outcome[]).flatMap((kind) => {
    const count = counts.get(kind);
    return count ? [`${count} ${OUTCOME_WORDS[kind]}`] : [];
  });
  const others =
    result.otherTags.length === 0
      ? ""
      : ` (${result.otherTags.length} other tag${result.otherTags.length === 1 ? " names" : "s name"} no version)`;
  console.log(`From ${result.repository}: ${parts.join(", ")}.${others}`);
}
