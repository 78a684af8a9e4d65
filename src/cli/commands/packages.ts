import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import type { PackageName } from "../../gren/names.ts";
import { bundleFileName } from "../../gren/packageLayout.ts";
import { formatVersion } from "../../gren/semver.ts";
import { LISTING_LIMIT } from "../../wire/limits.ts";
import type { Listing } from "../../wire/packages.ts";
import { API } from "../../wire/routes.ts";
import { packageArgument, versionArgument } from "../arguments.ts";
import {
  downloadBundle,
  registryBundle,
  TIMEOUT_OPTION,
  timeoutArgument,
} from "../bundleDownload.ts";
import { sha256Of } from "../bundleIntegrity.ts";
import { CliError, EXIT, usageError } from "../cliError.ts";
import type { RegistryClient } from "../client.ts";
import { type Context, requireSession } from "../context.ts";
import { JSON_OPTION, show, tell } from "../output.ts";
import {
  bundlePackageDirectory,
  OUTLINE_FILE,
  type PreparedBundle,
  readBundleFile,
} from "../packageDirectory.ts";
import { publishBody } from "../publishBody.ts";
import { printTable } from "../table.ts";
import { publishingToken } from "../trustedPublishing.ts";

/** How many search results to show unless told otherwise. */
const SEARCH_RESULTS = 50;

export function packageCommands(program: Command, context: () => Context): void {
  program
    .command("publish")
    .description("publish a package version from its directory, or a .pkg.gz bundle as it is")
    .argument("[path]", "a package directory (with gren.json) or a .pkg.gz file", ".")
    .option(...JSON_OPTION)
    .addHelpText(
      "after",
      `
From a directory, the bundle is built as the Gren compiler builds it: the outline
is ${OUTLINE_FILE}, and the sources every src/**/*.gren module (src/Url/Parser.gren is
Url.Parser) and the kernel JavaScript of src/Gren/Kernel/*.js. The name and version
come from the outline. The directory's README.md (UTF-8, at most 512 KiB) is sent
beside the bundle and shown on the package's page; publish warns when there is
none, or when it is shorter than the 300 bytes the compiler's own check wants. Only the directory's own regular files are read: a symbolic
link (${OUTLINE_FILE}, src, or anything under it) is never followed, and is a problem
that stops the publish, named. Every problem is listed before anything is sent.
Needs the publish role in the package's identity, or an API token that may
publish it (in GREN_REGISTRY_TOKEN).

The registry holds the version to the package's API, as \`gren package publish\`
does: a first version is 1.0.0; a new one is a major bump of the highest, a
minor bump of the highest of its major line, or a patch bump of the highest of
its minor line; and its API, compared with the version it bumps, must call for
exactly that bump (major when no compiler builds both). Otherwise it is refused
with each change that decides it and the version to use: \`bump\` writes that
version into ${OUTLINE_FILE}, and \`diff\` shows the changes beforehand.

In a GitHub Actions job with \`permissions: id-token: write\` and no token
configured, it trades the job's ID token for a publish token of half an hour:
an admin of the identity must have added the repository and workflow as a
trusted publisher (POST /publishing-identity/NAME/trusted-publishers, or the
identity's settings page).`,
    )
    .action(async (path: string, options: { json?: boolean }) => {
      const { client } = context();
      // Built first, so a package's problems show even before logging in.
      const bundle = prepareBundle(path);
      for (const warning of bundle.warnings ?? []) tell(`Warning: ${warning}`);
      const token = await publishingToken(client);
      const published = await client.call(API.publish, {
        params: versionParams(bundle.name, formatVersion(bundle.version)),
        token,
        ...(await publishBody(bundle)),
      });
      show(options.json, published, () => {
        console.log(`Published ${published.name} ${published.version} to ${client.url}.`);
        printFields([
          ["size", sizeInBytes(published.size)],
          ["sha256", published.sha256],
        ]);
      });
    });

  program
    .command("versions")
    .description("list a package's versions, revoked ones included")
    .argument("<package>", "the package, author/project")
    .option(...JSON_OPTION)
    .action(async (packageName: string, options: { json?: boolean }) => {
      const { client } = context();
      const name = packageArgument(packageName);
      const pkg = await client.call(API.package, {
        params: packageParams(name),
        ...readOptions(client),
      });
      if (options.json) return show(true, pkg, () => {});
      console.log(`${pkg.name}: ${pkg.summary}`);
      console.log(
        `${pkg.license}, ${pkg.private ? `private (only members of ${name.author} see it)` : "public"}`,
      );
      console.log("");
      printTable(
        ["VERSION", "PUBLISHED", "GREN", "SIZE", "REVOKED"],
        pkg.versions.map((v) => [
          v.version,
          v.publishedAt.slice(0, 10),
          v.grenVersion,
          formatSize(v.size),
          v.revoked ? `${v.revoked.reason} (${v.revoked.at.slice(0, 10)})` : "",
        ]),
      );
    });

  program
    .command("latest")
    .description("print a package's highest version that is not revoked")
    .argument("<package>", "the package, author/project")
    .option("--gren <version>", "only versions that work with this compiler version, e.g. 0.6.3")
    .option(...JSON_OPTION)
    .addHelpText(
      "after",
      `
When no version fits, the registry says why (exit 4): every version is revoked,
or none works with that compiler, and which compilers they do work with. A
package it does not have comes with the names close to it, if it has any.`,
    )
    .action(async (packageName: string, options: { gren?: string; json?: boolean }) => {
      const { client } = context();
      const name = packageArgument(packageName);
      const gren =
        options.gren === undefined ? undefined : formatVersion(versionArgument(options.gren));
      const found = await client.call(API.latest, {
        params: packageParams(name),
        query: { gren },
        ...readOptions(client),
      });
      show(options.json, found, () => console.log(found.version));
    });

  program
    .command("previous")
    .description("print a package's highest version below the one given, not revoked")
    .argument("<package>", "the package, author/project")
    .argument("<version>", "the version to look below (it need not exist)")
    .option(...JSON_OPTION)
    .addHelpText(
      "after",
      `
When no version fits, the registry says why (exit 4): none was published below
that version, or every one below it is revoked.`,
    )
    .action(async (packageName: string, versionText: string, options: { json?: boolean }) => {
      const { client } = context();
      const name = packageArgument(packageName);
      const version = formatVersion(versionArgument(versionText));
      const found = await client.call(API.previous, {
        params: versionParams(name, version),
        ...readOptions(client),
      });
      show(options.json, found, () => console.log(found.version));
    });

  program
    .command("download")
    .description("download a version's bundle, checking its sha256")
    .argument("<package>", "the package, author/project")
    .argument("<version>", "the version, MAJOR.MINOR.PATCH")
    .option(
      "-o, --output <file>",
      "where to write it (default: the compiler's name for it, e.g. gren_lang_url__6_0_0.pkg.gz)",
    )
    .option("--force", "overwrite a file already there that holds other bytes")
    .option(...TIMEOUT_OPTION)
    .option(...JSON_OPTION)
    .addHelpText(
      "after",
      `
The bytes are written as they arrive, beside the file, and put in its place only
when their sha256 is the one the version was published with, the one the
registry tagged the download with, and the one the registry's transparency log
proves it published for everyone (exit code 8 when it does not). A download that
grows past the size the version was published with is refused at once, and one
that receives nothing for --timeout seconds is given up (exit 7); either leaves
nothing behind. A file already there is kept when it holds those very bytes, and
refused when it holds others, unless --force is given.`,
    )
    .action(
      async (
        packageName: string,
        versionText: string,
        options: { output?: string; force?: boolean; timeout?: string; json?: boolean },
      ) => {
        const { client, witness } = context();
        const name = packageArgument(packageName);
        const version = versionArgument(versionText);
        const timeoutMs = timeoutArgument(options.timeout);
        const params = versionParams(name, formatVersion(version));
        const metadata = await client.call(API.version, { params, ...readOptions(client) });
        if (metadata.revoked) {
          throw new CliError(
            `${metadata.name} ${metadata.version} was revoked on ${metadata.revoked.at}: ${metadata.revoked.reason}`,
            EXIT.notFound,
          );
        }
        const file = options.output ?? bundleFileName(name, version);
        const existing = readIfPresent(file);
        if (existing && sha256Of(existing) !== metadata.sha256 && !options.force) {
          throw new CliError(
            `${file} is already there and holds other bytes than ${metadata.name} ${metadata.version}; move it away, or add --force to overwrite it`,
          );
        }
        const downloaded = await downloadBundle(
          registryBundle(client, params, readOptions(client).token),
          {
            expected: {
              what: `${metadata.name} ${metadata.version}`,
              sha256: metadata.sha256,
              size: metadata.size,
            },
            file,
            timeoutMs,
          },
        );
        // Kept only once the log proves those are the bytes everyone is served.
        await witness.prove(metadata, readOptions(client).token).catch(async (error: unknown) => {
          await downloaded.discard();
          throw error;
        });
        await downloaded.keep();
        const result = {
          name: metadata.name,
          version: metadata.version,
          file,
          sha256: metadata.sha256,
          size: metadata.size,
        };
        show(options.json, result, () => {
          console.log(`Downloaded ${metadata.name} ${metadata.version} to ${file}.`);
          printFields([
            ["size", sizeInBytes(metadata.size)],
            ["sha256", `${metadata.sha256} (checked)`],
          ]);
        });
      },
    );

  program
    .command("search")
    .description("find packages whose name, summary or modules contain the text")
    .argument("<text>", "what to look for")
    .option("--limit <count>", `show at most this many packages (default: ${SEARCH_RESULTS})`)
    .option(...JSON_OPTION)
    .action(async (text: string, options: { limit?: string; json?: boolean }) => {
      const { client } = context();
      const wanted = options.limit === undefined ? SEARCH_RESULTS : countArgument(options.limit);
      const found: Listing["packages"] = [];
      let cursor: string | null = null;
      let more = false;
      do {
        const page: Listing = await client.call(API.packages, {
          query: {
            q: text,
            limit: String(Math.min(wanted - found.length, LISTING_LIMIT.max)),
            cursor: cursor ?? undefined,
          },
          ...readOptions(client),
        });
        found.push(...page.packages);
        cursor = page.next;
        more = cursor !== null && found.length >= wanted;
      } while (cursor !== null && found.length < wanted);
      if (options.json) return show(true, { packages: found, more }, () => {});
      if (found.length === 0) {
        console.log(`No packages match "${text}".`);
        return;
      }
      printTable(
        ["NAME", "LATEST", "SUMMARY"],
        found.map((p) => [p.name, p.latest ?? "(all revoked)", p.summary]),
      );
      if (more) console.log(`\nThere are more; see them with --limit ${wanted * 2}.`);
    });
}

/** A directory is bundled as the compiler would; a file is taken as a bundle already made. */
function prepareBundle(path: string): PreparedBundle {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    throw usageError(`${path} does not exist; give a package directory or a .pkg.gz file`);
  }
  return isDirectory ? bundlePackageDirectory(path) : readBundleFile(path);
}

/** Reads send the session token when there is one, so members see private packages. */
const readOptions = (client: RegistryClient) => ({
  token: requireSession(client, { optional: true })?.sessionToken,
});

export const packageParams = (name: PackageName) => ({
  author: name.author,
  project: name.project,
});

export const versionParams = (name: PackageName, version: string) => ({
  ...packageParams(name),
  version,
});

function countArgument(text: string): number {
  const count = /^[0-9]{1,6}$/.test(text) ? Number(text) : 0;
  if (count < 1) throw usageError(`--limit must be a whole number from 1 up, not "${text}"`);
  return count;
}

/** Labelled values, one a line, the values lined up. */
function printFields(fields: [string, string][]): void {
  const width = Math.max(...fields.map(([label]) => label.length));
  for (const [label, value] of fields) console.log(`  ${`${label}:`.padEnd(width + 1)} ${value}`);
}

/** The exact number of bytes, and the rounded size when that is easier to read. */
const sizeInBytes = (bytes: number): string =>
  bytes < 1024 ? `${bytes} bytes` : `${bytes} bytes (${formatSize(bytes)})`;

/** Bytes, or KiB and MiB with one decimal. */
function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** The bytes of a file, or undefined when there is none. */
export function readIfPresent(file: string): Uint8Array | undefined {
  try {
    return new Uint8Array(readFileSync(file));
  } catch {
    return undefined;
  }
}

/** Written beside the file and renamed over it, so no one ever sees half a bundle. */
export function writeWhole(file: string, bytes: Uint8Array): void {
  const temporary = `${file}.${process.pid}.part`;
  try {
    writeFileSync(temporary, bytes);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new CliError(`cannot write ${file} (${(error as Error).message})`);
  }
}
