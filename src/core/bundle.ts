// A package as the compiler saves it: gzip of one UTF-8 JSON object,
// {"outline": <the package's gren.json>, "sources": {<module name>: <source text>}}.

import {
  formatPackageName,
  isKernelModule,
  isModuleName,
  parsePackageName,
} from "../gren/names.ts";
import { exposedModuleNames, jsonTextBytes, type Outline, parseOutline } from "../gren/outline.ts";
import { bundleFileName, FILE_NAME_LIMIT } from "../gren/packageLayout.ts";
import { compareVersions, formatVersion, parseVersion } from "../gren/semver.ts";
import {
  describeJson,
  isJsonObject,
  type JsonObject,
  quote,
  type Report,
} from "../gren/wording.ts";
import type { Bundle, BundleExpectation, BundleRejection } from "../ports/bundles.ts";
import type { Digest } from "../ports/digest.ts";
import type { GunzipFailure, Gzip } from "../ports/gzip.ts";
import { err, ok, type Result, unreachable } from "../result.ts";
import { parseStrictJson, type StrictJsonError } from "./strictJson.ts";

/** More problems than this are summed up in one last sentence, so an answer stays small. */
export const MAX_PROBLEMS = 50;

/** An outline is served back in every version's metadata, so it stays small. */
export const MAX_OUTLINE_BYTES = 64 * 1024;

/** Real bundles nest four deep; anything far deeper is made to hurt whoever reads it. */
export const MAX_JSON_DEPTH = 32;

/**
 * Keys in a bundle's JSON: its outline's fields and dependencies, and one per
 * module. gren-lang/core has 74 in all; a few megabytes of tiny modules could
 * otherwise make millions, each costing memory to read.
 */
export const MAX_JSON_KEYS = 20_000;

/** A bundle that passed every check, with its sources, which its reader documents next. */
export type CheckedBundle = Omit<Bundle, "docs" | "readme"> & {
  sources: Readonly<Record<string, string>>;
};

/**
 * Unpacks and checks an uploaded bundle, listing every problem it has rather
 * than only the first. A bundle has one meaning: exactly the form the compiler
 * writes (one gzip stream of UTF-8 JSON, no byte order mark, no key twice, only
 * "outline" and "sources"), so every reader of the stored bytes reads the same
 * package. Decompression stops at `maxUnpackedBytes`, so a small upload cannot
 * make the registry hold gigabytes.
 */
export function readBundle(
  ports: { gzip: Gzip; digest: Digest },
  bytes: Uint8Array,
  expected: BundleExpectation,
): Result<CheckedBundle, BundleRejection> {
  const unpacked = ports.gzip.gunzip(bytes, expected.maxUnpackedBytes);
  if (!unpacked.ok) return err(unpackingError(unpacked.reason, expected.maxUnpackedBytes));
  const text = decodeText(unpacked.bytes);
  if (!text.ok) return invalid([text.error]);
  const json = parseStrictJson(text.value, { maxDepth: MAX_JSON_DEPTH, maxKeys: MAX_JSON_KEYS });
  if (!json.ok) return invalid([jsonProblem(json.error)]);
  const contents = checkContents(json.value, expected);
  return contents.ok ? ok({ ...contents.value, sha256: ports.digest.sha256(bytes) }) : contents;
}

function unpackingError(reason: GunzipFailure, limit: number): BundleRejection {
  switch (reason) {
    case "too_large":
      return { kind: "too_large_unpacked", limit };
    case "not_gzip":
      return {
        kind: "invalid",
        problems: ["The bundle is not gzip, or its compressed data is damaged."],
      };
    case "truncated":
      return {
        kind: "invalid",
        problems: ["The bundle's gzip data ends early: it was cut short."],
      };
    case "trailing_data":
      return {
        kind: "invalid",
        problems: [
          "The bundle has bytes after its gzip data (another gzip member, or something else); the compiler writes one gzip stream and nothing after it.",
        ],
      };
    default:
      return unreachable(reason);
  }
}

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function decodeText(bytes: Uint8Array): Result<string, string> {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return err(
      "The bundle's JSON starts with a byte order mark, which the compiler never writes; remove it.",
    );
  }
  try {
    return ok(UTF8.decode(bytes));
  } catch {
    return err("The bundle does not unpack to UTF-8 text: some of its bytes are not valid UTF-8.");
  }
}

function jsonProblem(error: StrictJsonError): string {
  switch (error.kind) {
    case "syntax":
      return `The bundle does not unpack to JSON (${error.detail}).`;
    case "too_deep":
      return `The bundle's JSON nests arrays and objects more than ${error.limit} deep; a package's outline and sources never need that.`;
    case "too_many_keys":
      return `The bundle's JSON has more than ${error.limit} keys in all; a package with that many modules is beyond what the registry takes.`;
    case "duplicate_key":
      return `The bundle's JSON has the key ${quote(error.key)} twice in ${error.path}; readers would disagree on which one counts.`;
    case "forbidden_key":
      return `The bundle's JSON has the key ${quote(error.key)} in ${error.path}, which no outline or module has.`;
    default:
      return unreachable(error);
  }
}

function checkContents(
  json: unknown,
  expected: BundleExpectation,
): Result<Omit<CheckedBundle, "sha256">, BundleRejection> {
  if (!isJsonObject(json)) {
    return invalid([
      `The bundle must unpack to a JSON object with "outline" and "sources", not ${describeJson(json)}.`,
    ]);
  }
  const problems = Object.keys(json)
    .filter((key) => key !== "outline" && key !== "sources")
    .map((key) => `The bundle may hold only "outline" and "sources", not ${quote(key)}.`);
  const report: Report = (problem) => {
    problems.push(problem);
  };

  const outlineJson = json.outline;
  const outlineBytes = jsonTextBytes(JSON.stringify(outlineJson ?? null));
  if (outlineBytes > MAX_OUTLINE_BYTES) {
    report(
      `The outline is ${outlineBytes} bytes of JSON; the registry takes outlines up to ${MAX_OUTLINE_BYTES} bytes, since it serves them back with every version.`,
    );
  }
  const outline = readOutline(outlineJson, expected, report);
  const sources = readSources(json.sources, report);
  if (sources) {
    checkExposedSources(exposedModuleNames(outlineJson), sources.modules, report);
    checkKernelCode(sources.modules, expected, report);
  }

  if (problems.length > 0 || !outline || !sources?.valid || !isJsonObject(outlineJson)) {
    // The outline goes with the refusal, so that the registry's own checks can add theirs.
    return invalid(problems, outline);
  }
  return ok({
    outline,
    outlineJson,
    modules: sources.modules,
    sources: json.sources as Record<string, string>,
  });
}

function readOutline(
  json: unknown,
  expected: BundleExpectation,
  report: Report,
): Outline | undefined {
  if (json === undefined) {
    report(`The bundle has no "outline"; it must hold the package's gren.json.`);
    return undefined;
  }
  const outline = parseOutline(json);
  if (!outline.ok) outline.error.forEach(report);
  checkPublishedAs(json, expected, report);
  if (!outline.ok) return undefined;
  const file = bundleFileName(outline.value.name, outline.value.version);
  if (file.length > FILE_NAME_LIMIT) {
    report(
      `Installed, the bundle's file would be named ${quote(file)}, ${file.length} bytes, and file systems take names of at most ${FILE_NAME_LIMIT}; choose a shorter name.`,
    );
    return undefined;
  }
  return outline.value;
}

/**
 * The outline must name the package and version being published. Checked on the
 * raw outline, so a mismatch is reported even when other fields have problems.
 */
function checkPublishedAs(json: unknown, expected: BundleExpectation, report: Report): void {
  if (!isJsonObject(json)) return;
  const name = typeof json.name === "string" ? parsePackageName(json.name) : undefined;
  const expectedName = formatPackageName(expected.name);
  if (name && formatPackageName(name) !== expectedName) {
    report(
      `The outline names the package ${quote(formatPackageName(name))}, but it is being published as ${quote(expectedName)}.`,
    );
  }
  const version = typeof json.version === "string" ? parseVersion(json.version) : undefined;
  if (version && expected.version && compareVersions(version, expected.version) !== 0) {
    report(
      `The outline gives version ${formatVersion(version)}, but it is being published as version ${formatVersion(expected.version)}.`,
    );
  }
}

/**
 * The modules `sources` has a source for, and whether each entry is a module
 * name with source text; undefined when there is no such object at all.
 */
function readSources(
  json: unknown,
  report: Report,
): { modules: string[]; valid: boolean } | undefined {
  if (json === undefined) {
    report(`The bundle has no "sources"; it must map each module name to its source text.`);
    return undefined;
  }
  if (!isJsonObject(json)) {
    report(
      `The bundle's "sources" must be an object from module names to source text, not ${describeJson(json)}.`,
    );
    return undefined;
  }
  let valid = true;
  for (const [name, source] of Object.entries(json)) {
    if (!isModuleName(name)) {
      report(
        `The bundle has a source for ${quote(name)}, which is not a module name: dot-separated parts, each a capital letter followed by letters and digits.`,
      );
      valid = false;
    }
    if (typeof source !== "string") {
      report(`The bundle's source for ${quote(name)} must be text, not ${describeJson(source)}.`);
      valid = false;
    }
  }
  return { modules: Object.keys(json), valid };
}

function checkExposedSources(exposed: string[], modules: string[], report: Report): void {
  const present = new Set(modules);
  for (const name of exposed.filter((name) => !present.has(name))) {
    report(`The outline exposes ${quote(name)}, but the bundle has no source for it.`);
  }
}

function checkKernelCode(modules: string[], expected: BundleExpectation, report: Report): void {
  const kernel = modules.filter(isKernelModule);
  if (kernel.length === 0 || expected.kernelAllowed) return;
  report(
    `The bundle has kernel code (${listed(kernel)}), which the registry accepts only from identities the operator allows, and ${quote(expected.name.author)} is not one of them.`,
  );
}

/** A few names, quoted, and how many more there are. */
function listed(names: string[], shown = 5): string {
  const quoted = names.slice(0, shown).map(quote).join(", ");
  return names.length > shown ? `${quoted} and ${names.length - shown} more` : quoted;
}

function invalid(problems: string[], outline?: Outline): { ok: false; error: BundleRejection } {
  return err({ kind: "invalid", problems: summedUp(problems), ...(outline ? { outline } : {}) });
}

/** At most `MAX_PROBLEMS` sentences, the last saying how many more there are. */
export function summedUp(problems: readonly string[]): string[] {
  const rest = problems.length - (MAX_PROBLEMS - 1);
  return rest > 1
    ? [...problems.slice(0, MAX_PROBLEMS - 1), `The bundle has ${rest} more problems like these.`]
    : [...problems];
}

/**
 * A stored bundle's outline and sources, read as leniently as the compiler
 * writes them: the bundle passed the checks of its day when it was published.
 */
export function unpackStoredBundle(
  gzip: Gzip,
  bytes: Uint8Array,
  maxUnpackedBytes: number,
): Result<{ outline: JsonObject; sources: Readonly<Record<string, unknown>> }, string> {
  const unpacked = gzip.gunzip(bytes, maxUnpackedBytes);
  if (!unpacked.ok) return err(`The stored bundle no longer unpacks (${unpacked.reason}).`);
  const text = decodeText(unpacked.bytes);
  if (!text.ok) return text;
  let contents: unknown;
  try {
    contents = JSON.parse(text.value);
  } catch (error) {
    return err(`The stored bundle is not JSON (${String(error)}).`);
  }
  if (!isJsonObject(contents) || !isJsonObject(contents.outline)) {
    return err("The stored bundle has no outline.");
  }
  return ok({
    outline: contents.outline,
    sources: isJsonObject(contents.sources) ? contents.sources : {},
  });
}
