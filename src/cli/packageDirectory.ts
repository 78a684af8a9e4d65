import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { type PackageName, parsePackageName } from "../gren/names.ts";
import { exposedModuleNames, parseOutline } from "../gren/outline.ts";
import { SOURCE_DIRECTORY, sourceFileAt } from "../gren/packageLayout.ts";
import { parseVersion, type Version } from "../gren/semver.ts";
import { isJsonObject } from "../gren/wording.ts";
import { err, ok, type Result, unreachable } from "../result.ts";
import { README_ADVISED_BYTES, README_MAX_BYTES } from "../wire/limits.ts";
import { CliError, EXIT, type ExitCode, usageError } from "./cliError.ts";

/** A bundle ready to upload, and what it says it is. */
export interface PreparedBundle {
  name: PackageName;
  version: Version;
  bytes: Uint8Array;
  /** The package's README, sent beside the bundle; undefined when it has none. */
  readme?: Uint8Array | undefined;
  /** What the publisher should know but need not fix. */
  warnings?: string[];
}

/** The file a package directory keeps its outline in. */
export const OUTLINE_FILE = "gren.json";

/** The file a package's README is in, beside its outline. */
export const README_FILE = "README.md";

/**
 * What a path among a package's files is. Only regular files are read: a
 * link could make a bundle of anything its target holds (another file of the
 * publisher's, /proc/self/environ), so a link is a problem, never followed.
 */
export type PackageEntry =
  | { kind: "file" }
  | { kind: "link"; target: string }
  /** A named pipe, a device, a git submodule: nothing a bundle can hold. */
  | { kind: "other"; what: string };

/**
 * A package's files as a bundle is made from them, from a directory on disk
 * or from a tag of a git repository.
 */
export interface PackageFiles {
  /** Where the package is, for messages: a directory's path, or `tag 1.2.0`. */
  where: string;
  /** How to name one of its paths where it stands alone in a message. */
  show(path: string): string;
  /** What `gren.json` is. */
  outline: PackageEntry;
  /** Every entry under `src/` but hidden ones, by its path from the package's root, in name order. */
  sources: ReadonlyMap<string, PackageEntry>;
  /** The text of a regular file, by its path from the package's root. */
  read(path: string): string;
  /** What `README.md` is, when there is one. */
  readme: PackageEntry | undefined;
  /** The bytes of a regular file, by its path from the package's root. */
  readBytes(path: string): Uint8Array;
}

/** More unpacked bytes than this, and a bundle file is surely not one (the registry's own limit is lower). */
const MAX_UNPACKED_BYTES = 256 * 1024 * 1024;

/** A source larger than this is no source: more than the registry takes in a whole bundle. */
export const MAX_FILE_BYTES = MAX_UNPACKED_BYTES;

/**
 * A package directory's bundle, built as the compiler builds it. Only the
 * directory's own regular files are read.
 */
export function bundlePackageDirectory(directory: string): PreparedBundle {
  return bundlePackageFiles(directoryFiles(directory));
}

/**
 * A package's bundle, built as the compiler builds it: gzip of the compact
 * JSON `{"outline": <gren.json>, "sources": {<module>: <source>}}`, with every
 * `.gren` module under `src/` and the kernel JavaScript of `src/Gren/Kernel/`.
 * Checks what the registry would check, and fails listing every problem.
 */
export function bundlePackageFiles(files: PackageFiles): PreparedBundle {
  const problems: string[] = [];
  const outlineJson = files.outline.kind === "file" ? readOutlineFile(files) : undefined;
  if (files.outline.kind !== "file") problems.push(notAFile(OUTLINE_FILE, files.outline));
  const sources: Record<string, string> = {};
  for (const [path, entry] of files.sources) {
    if (entry.kind !== "file") {
      problems.push(notAFile(path, entry));
      continue;
    }
    const file = sourceFileAt(path.slice(SOURCE_DIRECTORY.length + 1));
    if (file.kind === "module") sources[file.name] = files.read(path);
    else if (file.kind === "misplaced") problems.push(file.problem);
  }
  const outline = outlineJson === undefined ? undefined : parseOutline(outlineJson);
  if (outline && !outline.ok) problems.unshift(...outline.error);
  for (const name of outlineJson === undefined ? [] : exposedModuleNames(outlineJson)) {
    if (!Object.hasOwn(sources, name)) {
      problems.push(
        `${OUTLINE_FILE} exposes ${name}, but there is no ${SOURCE_DIRECTORY}/${name.replaceAll(".", "/")}.gren.`,
      );
    }
  }
  if (!outline?.ok || problems.length > 0) {
    throw new CliError(
      `the package in ${files.where} cannot be published: ${counted(problems.length, "problem")} to fix`,
      EXIT.invalidBundle,
      problems,
    );
  }
  const readme = readmeOf(files);
  if (!readme.ok) {
    throw new CliError(
      `the package in ${files.where} cannot be published: its ${README_FILE} must be fixed`,
      EXIT.invalidBundle,
      [readme.error],
    );
  }
  const bytes = encodeBundle(outlineJson, sortedByName(sources));
  return {
    name: outline.value.name,
    version: outline.value.version,
    bytes,
    readme: readme.value.bytes,
    warnings: readme.value.warnings,
  };
}

/**
 * The README to send beside the bundle, as the registry will take it. The
 * compiler's own check wants one of at least 300 bytes: shorter, or none, is
 * said but stops nothing.
 */
function readmeOf(
  files: PackageFiles,
): Result<{ bytes: Uint8Array | undefined; warnings: string[] }, string> {
  const entry = files.readme;
  if (entry === undefined) {
    return ok({
      bytes: undefined,
      warnings: [
        `${files.where} has no ${README_FILE}: the package's page will show none; the Gren compiler wants one of at least ${README_ADVISED_BYTES} bytes.`,
      ],
    });
  }
  if (entry.kind !== "file") return err(notAFile(README_FILE, entry));
  const bytes = files.readBytes(README_FILE);
  if (bytes.byteLength > README_MAX_BYTES) {
    return err(
      `${README_FILE} is ${bytes.byteLength} bytes, more than the ${README_MAX_BYTES} a registry keeps; shorten it, or link to longer documentation.`,
    );
  }
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return err(`${README_FILE} is not UTF-8 text; save it as UTF-8.`);
  }
  return ok({
    bytes,
    warnings:
      bytes.byteLength < README_ADVISED_BYTES
        ? [
            `${README_FILE} is ${bytes.byteLength} bytes; the Gren compiler's own check wants at least ${README_ADVISED_BYTES}, so say a little more of what the package is for.`,
          ]
        : [],
  });
}

function notAFile(path: string, entry: PackageEntry): string {
  switch (entry.kind) {
    case "link":
      return `${path} is a symbolic link (to ${entry.target}), which is never followed: a package is made of the files in its own directory, so put the file itself there.`;
    case "other":
      return `${path} is ${entry.what}, not a file: a package is made of files.`;
    case "file":
      return `${path} is a file.`;
    default:
      return unreachable(entry);
  }
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

/** The outline of a package to publish, which must be JSON of `"type": "package"`. */
function readOutlineFile(files: PackageFiles): unknown {
  const path = files.show(OUTLINE_FILE);
  let json: unknown;
  try {
    json = JSON.parse(files.read(OUTLINE_FILE));
  } catch (error) {
    throw new CliError(
      `${path} is not valid JSON (${(error as Error).message})`,
      EXIT.invalidBundle,
    );
  }
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

/**
 * The files of a package directory, as they are: `gren.json` and what is
 * under `src/`, hidden entries left out. Nothing is followed or read through
 * a link, the directory's own `src` and `gren.json` included.
 */
export function directoryFiles(directory: string): PackageFiles {
  const root = resolve(directory);
  const onDisk = (path: string) => join(root, ...path.split("/"));
  const found = entryAt(onDisk(OUTLINE_FILE));
  if (!found) {
    throw usageError(
      `there is no ${onDisk(OUTLINE_FILE)}; give a package's directory or a .pkg.gz bundle to publish`,
    );
  }
  const outline: PackageEntry = found === "folder" ? { kind: "other", what: "a folder" } : found;
  const sources = new Map<string, PackageEntry>();
  const walk = (path: string, entry: PackageEntry | "folder") => {
    if (entry !== "folder") {
      sources.set(path, entry);
      return;
    }
    for (const name of readdirSync(onDisk(path)).sort(byCodeUnit)) {
      if (name.startsWith(".")) continue;
      const inner = `${path}/${name}`;
      const found = entryAt(onDisk(inner));
      if (found) walk(inner, found);
    }
  };
  const top = entryAt(onDisk(SOURCE_DIRECTORY));
  if (top) walk(SOURCE_DIRECTORY, top);
  const readme = entryAt(onDisk(README_FILE));
  return {
    where: root,
    show: onDisk,
    outline,
    sources,
    read: (path) => readRegularFile(onDisk(path)).toString("utf8"),
    readme: readme === "folder" ? { kind: "other", what: "a folder" } : readme,
    readBytes: (path) => new Uint8Array(readRegularFile(onDisk(path))),
  };
}

/** What is at `path`, not following a link; undefined when nothing is. */
function entryAt(path: string): PackageEntry | "folder" | undefined {
  const stats = lstatSync(path, { throwIfNoEntry: false });
  if (!stats) return undefined;
  if (stats.isDirectory()) return "folder";
  if (stats.isFile()) return { kind: "file" };
  if (stats.isSymbolicLink()) return { kind: "link", target: readlinkSync(path) };
  return {
    kind: "other",
    what: stats.isFIFO()
      ? "a named pipe"
      : stats.isSocket()
        ? "a socket"
        : stats.isCharacterDevice() || stats.isBlockDevice()
          ? "a device"
          : "something else",
  };
}

/**
 * A regular file's bytes. Opened without following a link, and checked to be
 * a regular file once open, so that nothing put in its place since it was
 * listed is read instead.
 */
function readRegularFile(path: string): Buffer {
  let descriptor: number;
  try {
    descriptor = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    throw new CliError(`cannot read ${path} (${(error as Error).message})`, EXIT.invalidBundle);
  }
  try {
    const stats = fstatSync(descriptor);
    if (!stats.isFile()) {
      throw new CliError(
        `${path} is no longer a regular file; nothing was published`,
        EXIT.invalidBundle,
      );
    }
    if (stats.size > MAX_FILE_BYTES) {
      throw new CliError(
        `${path} is ${stats.size} bytes, more than any registry takes in a whole bundle`,
        EXIT.invalidBundle,
      );
    }
    return readFileSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
}

/** Strings compared code unit by code unit, as the compiler's `Dict` orders its keys. */
export const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The same entries in the order of the compiler's `Dict`, strings compared
 * code unit by code unit: so the same directory always gives the same bytes,
 * and a rewritten gren.json lists dependencies as the compiler would.
 */
export function sortedByName<T>(entries: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(entries).sort(([a], [b]) => byCodeUnit(a, b)));
}

const counted = (count: number, noun: string): string =>
  `${count} ${noun}${count === 1 ? "" : "s"}`;
