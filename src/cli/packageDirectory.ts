import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { type PackageName, parsePackageName } from "../gren/names.ts";
import { exposedModuleNames, parseOutline } from "../gren/outline.ts";
import { SOURCE_DIRECTORY, sourceFileAt } from "../gren/packageLayout.ts";
import { parseVersion, type Version } from "../gren/semver.ts";
import { isJsonObject } from "../gren/wording.ts";
import { CliError, EXIT, type ExitCode, usageError } from "./cliError.ts";

/** A bundle ready to upload, and what it says it is. */
export interface PreparedBundle {
  name: PackageName;
  version: Version;
  bytes: Uint8Array;
}

/** The file a package directory keeps its outline in. */
export const OUTLINE_FILE = "gren.json";

/** More unpacked bytes than this, and a bundle file is surely not one (the registry's own limit is lower). */
const MAX_UNPACKED_BYTES = 256 * 1024 * 1024;

/**
 * A package directory's bundle, built as the compiler builds it: gzip of the
 * compact JSON `{"outline": <gren.json>, "sources": {<module>: <source>}}`, with
 * every `.gren` module under `src/` and the kernel JavaScript of `src/Gren/Kernel/`.
 * Checks what the registry would check, and fails listing every problem.
 */
export function bundlePackageDirectory(directory: string): PreparedBundle {
  const outlineJson = readOutlineFile(directory);
  const problems: string[] = [];
  const sources: Record<string, string> = {};
  for (const path of filesUnder(join(directory, SOURCE_DIRECTORY))) {
    const file = sourceFileAt(path);
    if (file.kind === "module")
      sources[file.name] = readFileSync(sourcePath(directory, path), "utf8");
    else if (file.kind === "misplaced") problems.push(file.problem);
  }
  const outline = parseOutline(outlineJson);
  if (!outline.ok) problems.unshift(...outline.error);
  for (const name of exposedModuleNames(outlineJson)) {
    if (!Object.hasOwn(sources, name)) {
      problems.push(
        `${OUTLINE_FILE} exposes ${name}, but there is no ${SOURCE_DIRECTORY}/${name.replaceAll(".", "/")}.gren.`,
      );
    }
  }
  if (!outline.ok || problems.length > 0) {
    throw new CliError(
      `the package in ${resolve(directory)} cannot be published: ${counted(problems.length, "problem")} to fix`,
      EXIT.invalidBundle,
      problems,
    );
  }
  const bytes = encodeBundle(outlineJson, sortedByName(sources));
  return { name: outline.value.name, version: outline.value.version, bytes };
}

/** The JSON the compiler writes, without spaces, gzipped. */
export function encodeBundle(outline: unknown, sources: Record<string, string>): Uint8Array {
  const buffer = gzipSync(JSON.stringify({ outline, sources }));
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/**
 * A `.pkg.gz` file to upload exactly as it is; only its outline's name and
 * version are read, to know where it goes. The registry checks the rest.
 */
export function readBundleFile(path: string): PreparedBundle {
  const bytes = readBytes(path);
  let outline: unknown;
  try {
    const text = gunzipSync(bytes, { maxOutputLength: MAX_UNPACKED_BYTES }).toString("utf8");
    const json: unknown = JSON.parse(text);
    outline = isJsonObject(json) ? json.outline : undefined;
  } catch {
    throw new CliError(
      `${path} is not a package bundle: it is not gzip of the compiler's JSON`,
      EXIT.invalidBundle,
    );
  }
  const name =
    isJsonObject(outline) && typeof outline.name === "string"
      ? parsePackageName(outline.name)
      : undefined;
  const version =
    isJsonObject(outline) && typeof outline.version === "string"
      ? parseVersion(outline.version)
      : undefined;
  if (!name || !version) {
    throw new CliError(
      `${path} is not a package bundle: its outline has no valid "name" and "version"`,
      EXIT.invalidBundle,
    );
  }
  // Only where it goes is read here; the registry reports every other problem.
  return { name, version, bytes };
}

/**
 * The JSON in the `gren.json` of `directory`. Without one, the usage error
 * says `advice`; one that is not JSON fails with `exitCode`.
 */
export function readOutlineJson(
  directory: string,
  advice: string,
  exitCode: ExitCode,
): { path: string; json: unknown } {
  const path = join(directory, OUTLINE_FILE);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw usageError(`there is no ${path}; ${advice}`);
  }
  try {
    return { path, json: JSON.parse(text) };
  } catch (error) {
    throw new CliError(`${path} is not valid JSON (${(error as Error).message})`, exitCode);
  }
}

function readOutlineFile(directory: string): unknown {
  const { path, json } = readOutlineJson(
    directory,
    "give a package's directory or a .pkg.gz bundle to publish",
    EXIT.invalidBundle,
  );
  if (isJsonObject(json) && json.type === "application") {
    throw new CliError(
      `${path} describes an application, and only packages can be published ("type": "package")`,
      EXIT.invalidBundle,
    );
  }
  if (!isJsonObject(json) || json.type !== "package") {
    throw new CliError(
      `${path} is not a package outline: it needs "type": "package"`,
      EXIT.invalidBundle,
    );
  }
  return json;
}

function readBytes(path: string): Uint8Array {
  try {
    const buffer = readFileSync(path);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch {
    throw new CliError(`cannot read ${path}`);
  }
}

const sourcePath = (directory: string, path: string): string =>
  join(directory, SOURCE_DIRECTORY, ...path.split("/"));

/**
 * Every file under `root`, as paths relative to it with `/` between folders.
 * Hidden entries are skipped, and so are links to folders, which could loop.
 */
function filesUnder(root: string): string[] {
  const found: string[] = [];
  const walk = (folder: string, prefix: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.name.startsWith(".")) continue;
      const relative = prefix + entry.name;
      const full = join(folder, entry.name);
      if (entry.isDirectory()) walk(full, `${relative}/`);
      else if (entry.isFile() || (entry.isSymbolicLink() && isFile(full))) found.push(relative);
    }
  };
  if (isDirectory(root)) walk(root, "");
  return found.sort();
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The same entries in the order of the compiler's `Dict`, strings compared
 * code unit by code unit: so the same directory always gives the same bytes,
 * and a rewritten gren.json lists dependencies as the compiler would.
 */
export function sortedByName<T>(entries: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.entries(entries).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

const counted = (count: number, noun: string): string =>
  `${count} ${noun}${count === 1 ? "" : "s"}`;
