// A package's gren.json, checked against the rules the Gren compiler applies
// before it will use a package, so that nothing published is something it refuses.

import { err, ok, type Result } from "../result.ts";
import { closestLicense, isLicense } from "./licenses.ts";
import {
  isModuleName,
  MODULE_NAME_LIMIT,
  PACKAGE_NAME_LIMIT,
  type PackageName,
  parsePackageName,
} from "./names.ts";
import { parseRange, parseRangeBounds, parseVersion, type Range, type Version } from "./semver.ts";
import { describeJson, isJsonObject, quote, type Report } from "./wording.ts";

export const PLATFORMS = ["common", "browser", "node"] as const;
export type Platform = (typeof PLATFORMS)[number];

/** A platform as the compiler reads one in a project's gren.json: whatever its case. */
export const parsePlatform = (text: string): Platform | undefined =>
  PLATFORMS.find((known) => known === text.toLowerCase());

/** The compiler's `Platform.isCompatible`: a package may use packages of its own platform, and `common` ones. */
export const isCompatiblePlatform = (user: Platform, used: Platform): boolean =>
  user === used || used === "common";

export interface Dependency {
  name: PackageName;
  range: Range;
}

/** A publishable package's gren.json, every field checked. */
export interface Outline {
  name: PackageName;
  version: Version;
  summary: string;
  /** One of the compiler's licence identifiers, spelled as it spells them. */
  license: string;
  platform: Platform;
  /** Every exposed module once, in the order listed, groups (which only shape the docs) flattened. */
  exposedModules: string[];
  /** The compiler versions the package works with. */
  grenVersion: Range;
  dependencies: Dependency[];
  /** Visible and downloadable only to members of the package's identity. */
  private: boolean;
}

/** A summary must be under this many bytes, counted as `jsonTextBytes` counts them. */
export const SUMMARY_LIMIT = 80;
/** The compiler's limit for the name of a group of exposed modules, counted the same way. */
export const GROUP_NAME_LIMIT = 20;
/** What `gren init` writes, which the compiler refuses to publish. */
export const DEFAULT_SUMMARY = "helpful summary of your project, less than 80 characters";

/**
 * The bytes of a string as the compiler measures it: its front end hands each
 * outline to its back end re-encoded as `JSON.stringify` writes it, and the
 * back end counts the UTF-8 bytes between the quotes. So `é` counts 2, `"` and
 * `\` count 2 (escaped), a tab 2 (`\t`), other control characters 6.
 */
export function jsonTextBytes(text: string): number {
  const written = JSON.stringify(text);
  let bytes = 0;
  for (let index = 1; index < written.length - 1; index++) {
    const unit = written.charCodeAt(index);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit < 0xdc00) {
      // A surrogate pair (JSON.stringify escapes lone ones) is one 4-byte character.
      bytes += 4;
      index++;
    } else bytes += 3;
  }
  return bytes;
}

// Paths to a package on disk: the compiler writes "local:", older ones read "file:".
const LOCAL_PATH = /^(local|file):/;

/** What each field must be, finishing the sentence "The outline's X must be ...". */
const RULES = {
  type: '"package"',
  platform: '"common", "browser" or "node"',
  name: 'a package name like "author/project", where the author has ASCII letters, digits and single dashes, and the project lower-case letters, digits and single dashes, starting with a letter',
  summary: `a string under ${SUMMARY_LIMIT} bytes saying what the package is for`,
  license:
    'one of the OSI licence identifiers the Gren compiler knows, such as "BSD-3-Clause" or "MIT"',
  version: "MAJOR.MINOR.PATCH",
  "exposed-modules":
    "an array of module names, or an object whose values are arrays of module names",
  "gren-version": 'a range like "0.6.0 <= v < 0.7.0"',
  dependencies: 'an object from package names to ranges like "1.0.0 <= v < 2.0.0"',
  private: "true or false",
} as const;

type Field = keyof typeof RULES;

const MODULE_NAME_RULE =
  'dot-separated parts, each a capital letter followed by letters and digits, like "Url.Parser"';

/**
 * Checks a parsed gren.json, listing every problem with it rather than only the
 * first, each a sentence saying what to change. Fields it does not know are ignored.
 */
export function parseOutline(json: unknown): Result<Outline, string[]> {
  if (!isJsonObject(json)) {
    return err([
      `The outline must be a JSON object, the package's gren.json, not ${describeJson(json)}.`,
    ]);
  }
  const problems: string[] = [];
  const report: Report = (problem) => {
    problems.push(problem);
  };
  const field = <T>(key: Field, check: (value: unknown, report: Report) => T | undefined) => {
    if (Object.hasOwn(json, key)) return check(json[key], report);
    report(`The outline has no "${key}" field; it must be ${RULES[key]}.`);
    return undefined;
  };

  field("type", checkType);
  const platform = field("platform", checkPlatform);
  const name = field("name", checkName);
  const summary = field("summary", checkSummary);
  const license = field("license", checkLicense);
  const version = field("version", checkVersion);
  const exposedModules = field("exposed-modules", checkExposedModules);
  const grenVersion = field("gren-version", checkGrenVersion);
  const dependencies = field("dependencies", checkDependencies);
  const isPrivate = Object.hasOwn(json, "private") ? checkPrivate(json.private, report) : false;

  if (
    problems.length > 0 ||
    !platform ||
    !name ||
    summary === undefined ||
    !license ||
    !version ||
    !exposedModules ||
    !grenVersion ||
    !dependencies ||
    isPrivate === undefined
  ) {
    return err(problems);
  }
  return ok({
    name,
    version,
    summary,
    license,
    platform,
    exposedModules,
    grenVersion,
    dependencies,
    private: isPrivate,
  });
}

const mustBe = (key: Field, value: unknown, advice?: string): string => {
  const sentence = `The outline's "${key}" must be ${RULES[key]}, not ${describeJson(value)}${advice ? `; ${advice}` : ""}`;
  return sentence.endsWith("?") ? sentence : `${sentence}.`;
};

function checkType(value: unknown, report: Report): "package" | undefined {
  if (value === "package") return value;
  report(
    value === "application"
      ? 'Applications cannot be published: the outline\'s "type" is "application", and only a "package" outline can be.'
      : mustBe("type", value),
  );
  return undefined;
}

function checkPlatform(value: unknown, report: Report): Platform | undefined {
  const platform = PLATFORMS.find((known) => known === value);
  if (!platform) report(mustBe("platform", value));
  return platform;
}

function checkName(value: unknown, report: Report): PackageName | undefined {
  const name = typeof value === "string" ? parsePackageName(value) : undefined;
  if (name) return name;
  report(
    typeof value === "string" && value.length >= PACKAGE_NAME_LIMIT
      ? `The outline's "name" must be under ${PACKAGE_NAME_LIMIT} bytes; it has ${value.length}.`
      : mustBe("name", value),
  );
  return undefined;
}

function checkSummary(value: unknown, report: Report): string | undefined {
  if (typeof value !== "string") {
    report(mustBe("summary", value));
    return undefined;
  }
  const bytes = jsonTextBytes(value);
  if (value === "") {
    report(`The outline's "summary" is empty; it must say in a few words what the package is for.`);
  } else if (value === DEFAULT_SUMMARY) {
    report(
      `The outline's "summary" is still the one \`gren init\` wrote; say in a few words what the package is for.`,
    );
  } else if (bytes >= SUMMARY_LIMIT) {
    report(
      `The outline's "summary" must be under ${SUMMARY_LIMIT} bytes as the compiler counts them (UTF-8, with quotes, backslashes and control characters escaped); it has ${bytes}.`,
    );
  } else {
    return value;
  }
  return undefined;
}

function checkLicense(value: unknown, report: Report): string | undefined {
  if (typeof value === "string" && isLicense(value)) return value;
  const likely = typeof value === "string" ? closestLicense(value) : undefined;
  report(mustBe("license", value, likely && `did you mean "${likely}"?`));
  return undefined;
}

function checkVersion(value: unknown, report: Report): Version | undefined {
  const version = typeof value === "string" ? parseVersion(value) : undefined;
  if (version) return version;
  const shapedLikeOne = typeof value === "string" && /^\d+\.\d+\.\d+$/.test(value);
  report(
    mustBe(
      "version",
      value,
      shapedLikeOne ? "each number must be from 0 to 65535, without leading zeros" : undefined,
    ),
  );
  return undefined;
}

function checkGrenVersion(value: unknown, report: Report): Range | undefined {
  const range = typeof value === "string" ? parseRange(value) : undefined;
  if (!range) report(mustBe("gren-version", value, rangeAdvice(value)));
  return range;
}

function checkDependencies(value: unknown, report: Report): Dependency[] | undefined {
  if (!isJsonObject(value)) {
    report(mustBe("dependencies", value));
    return undefined;
  }
  const dependencies: Dependency[] = [];
  for (const [key, rangeText] of Object.entries(value)) {
    const name = parsePackageName(key);
    if (!name) {
      report(`The outline's "dependencies" names ${quote(key)}, which is not ${RULES.name}.`);
    }
    const range = checkDependencyRange(key, rangeText, report);
    if (name && range) dependencies.push({ name, range });
  }
  return dependencies.length === Object.keys(value).length ? dependencies : undefined;
}

function checkDependencyRange(key: string, value: unknown, report: Report): Range | undefined {
  if (typeof value === "string" && LOCAL_PATH.test(value)) {
    report(
      `The outline's dependency ${quote(key)} is ${quote(value)}, but published packages cannot depend on local paths; depend on a range of its published versions instead.`,
    );
    return undefined;
  }
  const range = typeof value === "string" ? parseRange(value) : undefined;
  if (!range) {
    const advice = rangeAdvice(value);
    report(
      `The outline's dependency ${quote(key)} must be a range like "1.0.0 <= v < 2.0.0", not ${describeJson(value)}${advice ? `; ${advice}` : ""}.`,
    );
  }
  return range;
}

function rangeAdvice(value: unknown): string | undefined {
  const bounds = typeof value === "string" ? parseRangeBounds(value) : undefined;
  return bounds && "the lower bound must be below the upper";
}

function checkExposedModules(value: unknown, report: Report): string[] | undefined {
  let lists: unknown[][];
  let valid = true;
  if (Array.isArray(value)) {
    lists = [value];
  } else if (isJsonObject(value)) {
    lists = [];
    for (const [group, names] of Object.entries(value)) {
      if (jsonTextBytes(group) >= GROUP_NAME_LIMIT) {
        report(
          `The outline's "exposed-modules" group ${quote(group)} must have a name under ${GROUP_NAME_LIMIT} bytes; it has ${jsonTextBytes(group)}.`,
        );
        valid = false;
      }
      if (Array.isArray(names)) {
        lists.push(names);
      } else {
        report(
          `The outline's "exposed-modules" group ${quote(group)} must be an array of module names, not ${describeJson(names)}.`,
        );
        valid = false;
      }
    }
  } else {
    report(mustBe("exposed-modules", value));
    return undefined;
  }

  const modules = new Set<string>();
  const duplicates = new Set<string>();
  for (const name of lists.flat()) {
    if (typeof name !== "string" || !isModuleName(name)) {
      report(
        typeof name === "string" && name.length >= MODULE_NAME_LIMIT
          ? `The outline's "exposed-modules" lists ${quote(name)}, but a module name must be under ${MODULE_NAME_LIMIT} bytes; it has ${name.length}.`
          : `The outline's "exposed-modules" lists ${describeJson(name)}, which is not a module name: ${MODULE_NAME_RULE}.`,
      );
      valid = false;
    } else if (!modules.has(name)) {
      modules.add(name);
    } else if (!duplicates.has(name)) {
      duplicates.add(name);
      report(`The outline's "exposed-modules" lists ${quote(name)} more than once.`);
      valid = false;
    }
  }
  if (valid && modules.size === 0) {
    report(`The outline's "exposed-modules" lists no module; a package must expose at least one.`);
    valid = false;
  }
  return valid ? [...modules] : undefined;
}

/**
 * The valid module names an outline's "exposed-modules" lists, groups flattened,
 * even when the outline has other problems: lets a bundle report its missing
 * sources together with those problems rather than after they are fixed.
 */
export function exposedModuleNames(outline: unknown): string[] {
  const exposed = isJsonObject(outline) ? outline["exposed-modules"] : undefined;
  const lists = Array.isArray(exposed)
    ? [exposed]
    : isJsonObject(exposed)
      ? Object.values(exposed).filter(Array.isArray)
      : [];
  const names = lists
    .flat()
    .filter((name: unknown): name is string => typeof name === "string" && isModuleName(name));
  return [...new Set(names)];
}

function checkPrivate(value: unknown, report: Report): boolean | undefined {
  if (typeof value === "boolean") return value;
  report(mustBe("private", value));
  return undefined;
}
