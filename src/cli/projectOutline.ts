// A Gren project's gren.json as `install` reads and writes it: what it asks
// the registry for, and the application's file written back as the compiler
// writes it, so that the compiler and this command take turns on one file.

import { parsePackageName } from "../gren/names.ts";
import { type Platform, parsePlatform } from "../gren/outline.ts";
import { parseRange, parseVersion, type Range, type Version } from "../gren/semver.ts";
import { isJsonObject, type JsonObject, quote } from "../gren/wording.ts";
import { CliError, EXIT } from "./cliError.ts";
import { readOutlineJson, sortedByName } from "./packageDirectory.ts";

/** Where the compiler keeps the bundles a project uses, beside its gren.json. */
export const PACKAGES_DIRECTORY = "gren_packages";

/** The compiler's prefix for a dependency on a package on disk, which no registry resolves. */
const LOCAL_PREFIX = "local:";

export const isLocal = (requirement: string): boolean => requirement.startsWith(LOCAL_PREFIX);

/** Package name to what gren.json asks of it, as written: an exact version, a range, or `local:...`. */
export type Requirements = Record<string, string>;

export interface ApplicationProject {
  kind: "application";
  /** The file as read, so that fields the compiler does not know survive a rewrite. */
  json: JsonObject;
  platform: Platform;
  /** The one compiler version an application is built with. */
  grenVersion: Version;
  direct: Requirements;
  indirect: Requirements;
}

export interface PackageProject {
  kind: "package";
  platform: Platform;
  /** The compiler versions the package says it works with. */
  grenVersion: Range;
  dependencies: Requirements;
}

export type Project = ApplicationProject | PackageProject;

/**
 * The project in `directory`, with every problem `install` would trip on
 * listed at once. Only what installing needs is checked: a package with a
 * summary still to write can have its dependencies installed.
 */
export function readProject(directory: string): Project {
  const { path, json } = readOutlineJson(
    directory,
    "run this in a Gren project's directory, or give it with --dir",
    EXIT.failed,
  );
  if (!isJsonObject(json) || (json.type !== "application" && json.type !== "package")) {
    throw new CliError(
      `${path} is neither an application's nor a package's: it needs "type": "application" or "type": "package"`,
    );
  }
  const problems: string[] = [];
  const project = projectOf(json, problems);
  if (!project || problems.length > 0) {
    throw new CliError(
      `${path} cannot be installed from: ${problems.length} problem${problems.length === 1 ? "" : "s"} to fix`,
      EXIT.failed,
      problems,
    );
  }
  return project;
}

function projectOf(json: JsonObject, problems: string[]): Project | undefined {
  const platform = platformOf(json.platform, problems);
  if (json.type === "application") {
    const grenVersion =
      typeof json["gren-version"] === "string" ? parseVersion(json["gren-version"]) : undefined;
    if (!grenVersion) {
      problems.push(
        `"gren-version" must be the exact compiler version the application is built with, like "0.6.3", not ${describe(json["gren-version"])}.`,
      );
    }
    const dependencies = isJsonObject(json.dependencies) ? json.dependencies : {};
    if (!isJsonObject(json.dependencies)) {
      problems.push('"dependencies" must be an object with "direct" and "indirect" in it.');
    }
    const direct = requirementsOf(dependencies.direct, '"direct"', parseVersion, problems);
    const indirect = requirementsOf(dependencies.indirect, '"indirect"', parseVersion, problems);
    return platform && grenVersion && direct && indirect
      ? { kind: "application", json, platform, grenVersion, direct, indirect }
      : undefined;
  }
  if (json.type === "package") {
    const grenVersion =
      typeof json["gren-version"] === "string" ? parseRange(json["gren-version"]) : undefined;
    if (!grenVersion) {
      problems.push(
        `"gren-version" must be the range of compiler versions the package works with, like "0.6.0 <= v < 0.7.0", not ${describe(json["gren-version"])}.`,
      );
    }
    const dependencies = requirementsOf(json.dependencies, '"dependencies"', parseRange, problems);
    return platform && grenVersion && dependencies
      ? { kind: "package", platform, grenVersion, dependencies }
      : undefined;
  }
  return undefined;
}

/** The compiler reads a platform whatever its case, and writes it in lower case. */
function platformOf(value: unknown, problems: string[]): Platform | undefined {
  const platform = typeof value === "string" ? parsePlatform(value) : undefined;
  if (!platform)
    problems.push(`"platform" must be "common", "browser" or "node", not ${describe(value)}.`);
  return platform;
}

/** The requirements under `field`, each a version or range (`parse` says which) or a local path. */
function requirementsOf(
  value: unknown,
  field: string,
  parse: (text: string) => unknown,
  problems: string[],
): Requirements | undefined {
  if (!isJsonObject(value)) {
    problems.push(`${field} must be an object from package names to versions.`);
    return undefined;
  }
  const requirements: Requirements = {};
  const form =
    parse === parseVersion ? 'an exact version like "1.2.3"' : 'a range like "1.0.0 <= v < 2.0.0"';
  for (const [name, requirement] of Object.entries(value)) {
    if (!parsePackageName(name)) {
      problems.push(`${quote(name)} in ${field} is not a package name: it is author/project.`);
    } else if (typeof requirement !== "string" || !(isLocal(requirement) || parse(requirement))) {
      problems.push(`${name} in ${field} must be ${form}, not ${describe(requirement)}.`);
    } else requirements[name] = requirement;
  }
  return requirements;
}

const describe = (value: unknown): string =>
  value === undefined
    ? "missing"
    : typeof value === "string"
      ? quote(value)
      : JSON.stringify(value);

/**
 * An application's gren.json with these dependencies, exactly as the compiler
 * writes it (`Outline.toJson |> Json.encode 4`): its fields in its order, each
 * list of dependencies sorted by name, four spaces, no newline at the end.
 * Fields the compiler does not know are kept after its own; it would drop them.
 */
export function applicationOutlineText(
  project: ApplicationProject,
  dependencies: { direct: Requirements; indirect: Requirements },
): string {
  const {
    type: _type,
    platform: _platform,
    "source-directories": sourceDirectories,
    "gren-version": grenVersion,
    dependencies: written,
    ...unknownFields
  } = project.json;
  const {
    direct: _direct,
    indirect: _indirect,
    ...unknownGroups
  } = isJsonObject(written) ? written : {};
  const outline = {
    type: "application",
    platform: project.platform,
    "source-directories": sourceDirectories,
    "gren-version": grenVersion,
    dependencies: {
      direct: sortedByName(dependencies.direct),
      indirect: sortedByName(dependencies.indirect),
      ...unknownGroups,
    },
    ...unknownFields,
  };
  return JSON.stringify(outline, null, 4);
}

/**
 * A package's gren.json exactly as the compiler writes it when it bumps the
 * version (`Gren.Outline.write`): its fields in its order, dependencies
 * sorted by name, four spaces, a newline at the end. Fields the compiler does
 * not know (the registry's `private`) are kept after its own; it would drop them.
 */
export function packageOutlineText(json: JsonObject): string {
  const {
    type,
    platform,
    name,
    summary,
    license,
    version,
    "exposed-modules": exposed,
    "gren-version": grenVersion,
    dependencies,
    ...unknownFields
  } = json;
  const outline = {
    type,
    platform,
    name,
    summary,
    license,
    version,
    "exposed-modules": exposed,
    "gren-version": grenVersion,
    dependencies: isJsonObject(dependencies)
      ? sortedByName(dependencies as Requirements)
      : dependencies,
    ...unknownFields,
  };
  return `${JSON.stringify(outline, null, 4)}\n`;
}
