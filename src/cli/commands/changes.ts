import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { describeChange } from "../../gren/apiChangeSentences.ts";
import { listChanges, withEmptyComments } from "../../gren/apiChanges.ts";
import type { PackageName } from "../../gren/names.ts";
import { formatVersion } from "../../gren/semver.ts";
import type { ApiChangesView, ChangedModules, CheckedBundle } from "../../wire/apiChanges.ts";
import { API } from "../../wire/routes.ts";
import { packageArgument, versionArgument } from "../arguments.ts";
import { usageError } from "../cliError.ts";
import { RegistryError } from "../client.ts";
import { type Context, requireSession } from "../context.ts";
import { JSON_OPTION, show } from "../output.ts";
import { bundlePackageDirectory, OUTLINE_FILE } from "../packageDirectory.ts";
import { packageOutlineText } from "../projectOutline.ts";
import { publishingToken } from "../trustedPublishing.ts";

// What changed in a package's API, as the registry computes it: the CLI never
// guesses an API itself, it sends the bundle and reads the registry's answer.

const DIR_OPTION = ["--dir <path>", "the package's directory (default: the current one)"] as const;

export function changeCommands(program: Command, context: () => Context): void {
  program
    .command("diff")
    .description(
      "the API changes between two versions of a package, or of the package in this directory since its latest version",
    )
    .argument("[package]", "the package, author/project")
    .argument("[from]", "the older version")
    .argument("[to]", "the newer version")
    .option(...DIR_OPTION)
    .option(...JSON_OPTION)
    .addHelpText(
      "after",
      `
With a package and two versions, the registry compares the two versions' APIs
(docs.json, every type qualified) by the compiler's rules: modules added and
removed, and each type, alias, value and operator added, changed or removed,
with the bump they call for (major, minor or patch).

Without arguments, in a package's directory (or --dir), the package is
bundled as \`publish\` bundles it and sent to the registry, which compares its
API with the latest published version and stores nothing: the same answer a
publish would get. Needs the publish role in the package's identity.`,
    )
    .action(
      async (
        packageText: string | undefined,
        from: string | undefined,
        to: string | undefined,
        options: { dir?: string; json?: boolean },
      ) => {
        const { client } = context();
        if (packageText !== undefined) {
          if (from === undefined || to === undefined) {
            throw usageError(
              "give the package and two versions, or nothing in a package's directory",
            );
          }
          const name = packageArgument(packageText);
          const changes = await client.call(API.changes, {
            params: {
              author: name.author,
              project: name.project,
              from: formatVersion(versionArgument(from)),
              to: formatVersion(versionArgument(to)),
            },
            token: requireSession(client, { optional: true })?.sessionToken,
          });
          show(options.json, changes, () => printChanges(packageText, changes));
          return;
        }
        const bundle = bundlePackageDirectory(options.dir ?? ".");
        const token = await publishingToken(client);
        const latest = await latestVersion(context, bundle.name, token);
        const checked = await client.call(API.check, {
          params: { author: bundle.name.author, project: bundle.name.project },
          ...(latest ? { query: { since: latest } } : {}),
          token,
          body: bundle.bytes,
        });
        show(options.json, checked, () => printChecked(checked));
      },
    );

  program
    .command("bump")
    .description(
      `write into ${OUTLINE_FILE} the version the package's API calls for, as \`gren package bump\` does`,
    )
    .option(...DIR_OPTION)
    .option(...JSON_OPTION)
    .addHelpText(
      "after",
      `
In a package's directory (or --dir) whose ${OUTLINE_FILE} still has the version
last published, the package is bundled and sent to the registry, which
compares its API with that version's and answers the version it calls for: a
major bump when something exposed was removed or changed (or when no compiler
builds both versions), minor when something was only added, patch otherwise.
That version is written into ${OUTLINE_FILE}, formatted as the compiler writes it.
Nothing is published or stored. Needs the publish role in the package's identity.`,
    )
    .action(async (options: { dir?: string; json?: boolean }) => {
      const { client } = context();
      const directory = options.dir ?? ".";
      const bundle = bundlePackageDirectory(directory);
      const token = await publishingToken(client);
      const checked = await client.call(API.check, {
        params: { author: bundle.name.author, project: bundle.name.project },
        token,
        body: bundle.bytes,
      });
      const current = formatVersion(bundle.version);
      const changed = checked.calledFor !== current;
      if (changed) writeVersion(directory, checked.calledFor);
      show(options.json, { ...checked, written: changed }, () => {
        printChecked(checked);
        console.log("");
        console.log(
          changed
            ? `Version changed from ${current} to ${checked.calledFor} in ${join(directory, OUTLINE_FILE)}.`
            : `${OUTLINE_FILE} already has ${current}, the version its API calls for; nothing changed.`,
        );
      });
    });
}

/** The package's latest version, or none when it has no version yet. */
async function latestVersion(
  context: () => Context,
  name: PackageName,
  token: string,
): Promise<string | undefined> {
  try {
    const found = await context().client.call(API.latest, {
      params: { author: name.author, project: name.project },
      token,
    });
    return found.version;
  } catch (error) {
    if (error instanceof RegistryError && error.status === 404) return undefined;
    throw error;
  }
}

/** Rewrites gren.json with another version, the rest as the compiler writes it. */
function writeVersion(directory: string, version: string): void {
  const path = join(directory, OUTLINE_FILE);
  const json = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  // Written beside it and moved into place: an interrupted write never leaves half a gren.json.
  const temporary = `${path}.bump`;
  writeFileSync(temporary, packageOutlineText({ ...json, version }));
  renameSync(temporary, path);
}

function printChanges(name: string, changes: ApiChangesView): void {
  console.log(
    `${name} ${changes.from} -> ${changes.to}: a ${changes.magnitude} change${decidedByCompilers(changes.decidedBy)}`,
  );
  printModules(changes.magnitude, changes.modules);
}

function printChecked(checked: CheckedBundle): void {
  const { name, version, since } = checked;
  if (since === null) {
    console.log(`${name} has no version yet: its first is ${checked.calledFor}.`);
    return;
  }
  if (checked.magnitude === null || checked.modules === null) {
    console.log(
      `${name} ${version}: its API could not be compared with ${since}'s. ${checked.unknown ?? ""}`,
    );
    return;
  }
  console.log(
    `${name} ${since} -> ${version === since ? "this directory" : version}: a ${checked.magnitude} change${decidedByCompilers(checked.decidedBy)}, so the version is ${checked.calledFor}`,
  );
  printModules(checked.magnitude, checked.modules);
}

const decidedByCompilers = (decidedBy: string | null): string =>
  decidedBy === "compiler_ranges"
    ? " (no compiler builds both versions, so the compiler asks for a new major version)"
    : "";

function printModules(magnitude: ApiChangesView["magnitude"], modules: ChangedModules): void {
  const sentences = listChanges(withEmptyComments(magnitude, modules)).map(describeChange);
  if (sentences.length === 0) {
    console.log("  The API is the same.");
    return;
  }
  for (const sentence of sentences) console.log(`  - ${sentence}`);
}
