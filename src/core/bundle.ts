// A package as the compiler saves it: gzip of one UTF-8 JSON object,
// {"outline": <the package's gren.json>, "sources": {<module name>: <source text>}}.

import {
  formatPackageName,
  isKernelModule,
  isModuleName,
  type PackageName,
  parsePackageName,
} from "../gren/names.ts";
import { exposedModuleNames, type Outline, parseOutline } from "../gren/outline.ts";
import {
  describeJson,
  isJsonObject,
  type JsonObject,
  quote,
  type Report,
} from "../gren/problems.ts";
import { compareVersions, formatVersion, parseVersion, type Version } from "../gren/semver.ts";
import type { GunzipFailure } from "../ports/gzip.ts";
import type { Ports } from "../ports/index.ts";
import { err, ok, type Result, unreachable } from "../result.ts";

/** More problems than this are summed up in one last sentence, so an answer stays small. */
export const MAX_PROBLEMS = 50;

export interface Bundle {
  outline: Outline;
  /** The outline exactly as uploaded, to serve back as the `outline` of the version's metadata. */
  outlineJson: JsonObject;
  /** Every module the bundle has a source for, kernel modules included. */
  modules: string[];
}

/** What the upload's URL and the registry's settings say the bundle must be. */
export interface BundleExpectation {
  name: PackageName;
  version: Version;
  /** The most bytes the bundle may decompress to. */
  maxUnpackedBytes: number;
  /** Whether the publishing identity is one the operator allows to publish kernel code. */
  kernelAllowed: boolean;
}

/**
 * - `too_large_unpacked`: the bundle decompresses to more than `limit` bytes,
 *   which the contract answers like an oversized upload: 413 `payload_too_large`.
 * - `invalid`: 400 `invalid_bundle` with these `problems`, one sentence each.
 */
export type BundleRejection =
  | { kind: "too_large_unpacked"; limit: number }
  | { kind: "invalid"; problems: string[] };

/**
 * Unpacks and checks an uploaded bundle, listing every problem it has rather
 * than only the first. Decompression stops at `maxUnpackedBytes`, so a small
 * upload cannot make the registry hold gigabytes.
 */
export async function readBundle(
  ports: Pick<Ports, "gzip">,
  bytes: Uint8Array,
  expected: BundleExpectation,
): Promise<Result<Bundle, BundleRejection>> {
  const unpacked = await ports.gzip.gunzip(bytes, expected.maxUnpackedBytes);
  if (!unpacked.ok) return err(unpackingError(unpacked.reason, expected.maxUnpackedBytes));
  const text = decodeUtf8(unpacked.bytes);
  if (text === undefined) return invalid(["The bundle does not unpack to UTF-8 text."]);
  const json = parseJson(text);
  if (!json.ok) return invalid([json.error]);
  return checkContents(json.value, expected);
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
    default:
      return unreachable(reason);
  }
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

function parseJson(text: string): Result<unknown, string> {
  try {
    return ok(JSON.parse(text));
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message.slice(0, 200) : "unreadable";
    return err(`The bundle does not unpack to JSON (${reason}).`);
  }
}

function checkContents(
  json: unknown,
  expected: BundleExpectation,
): Result<Bundle, BundleRejection> {
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
  const outline = readOutline(outlineJson, expected, report);
  const sources = readSources(json.sources, report);
  if (sources) {
    checkExposedSources(exposedModuleNames(outlineJson), sources.modules, report);
    checkKernelCode(sources.modules, expected, report);
  }

  if (problems.length > 0 || !outline || !sources?.valid || !isJsonObject(outlineJson)) {
    return invalid(problems);
  }
  return ok({ outline, outlineJson, modules: sources.modules });
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
  return outline.ok ? outline.value : undefined;
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
  if (version && compareVersions(version, expected.version) !== 0) {
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

function invalid(problems: string[]): { ok: false; error: BundleRejection } {
  const rest = problems.length - (MAX_PROBLEMS - 1);
  const shown =
    rest > 1
      ? [...problems.slice(0, MAX_PROBLEMS - 1), `The bundle has ${rest} more problems like these.`]
      : problems;
  return err({ kind: "invalid", problems: shown });
}
