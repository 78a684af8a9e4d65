import { readBundle, unpackStoredBundle } from "../../core/bundle.ts";
import { readReadme } from "../../core/readme.ts";
import { compareApis } from "../../gren/apiComparison.ts";
import { formatPackageName } from "../../gren/names.ts";
import { exposedModuleNames } from "../../gren/outline.ts";
import { formatRange, formatVersion } from "../../gren/semver.ts";
import { isJsonObject } from "../../gren/wording.ts";
import type {
  Bundle,
  BundleExpectation,
  BundleRejection,
  DependencyApi,
  StoredApi,
  StoredBundle,
  UploadExtras,
  VersionDocs,
} from "../../ports/bundles.ts";
import { err, ok, type Result } from "../../result.ts";
import { nodeDigest } from "../digest.ts";
import { nodeGzip } from "../gzip.ts";
import { renderReadme } from "../pages/readme.ts";
import { makeVersionDocs } from "./documenting.ts";

// A reader's work, wherever it runs: check an uploaded bundle and document
// it, or document a bundle stored before the registry kept docs. The stored
// APIs of the bundle's dependencies are asked for once its outline is read.

type Dependencies = readonly { name: string; range: string }[];

export type AskApis = (dependencies: Dependencies) => Promise<DependencyApi[]>;

export async function readUpload(
  bytes: Uint8Array,
  expected: BundleExpectation,
  ask: AskApis,
  { readme: readmeBytes, compareWith }: UploadExtras = {},
): Promise<Result<Bundle, BundleRejection>> {
  const read = readBundle({ gzip: nodeGzip, digest: nodeDigest }, bytes, expected);
  const readme = readmeBytes === undefined ? undefined : readReadme(nodeDigest, readmeBytes);
  if (readme !== undefined && !readme.ok) {
    // One answer lists the README's problem with the bundle's.
    if (read.ok)
      return err({ kind: "invalid", problems: [readme.error], outline: read.value.outline });
    if (read.error.kind === "too_large_unpacked") return read;
    return err({ ...read.error, problems: [...read.error.problems, readme.error] });
  }
  if (!read.ok) return read;
  const { sources, ...bundle } = read.value;
  const { outline } = bundle;
  const apis = await ask(
    outline.dependencies.map((dependency) => ({
      name: formatPackageName(dependency.name),
      range: formatRange(dependency.range),
    })),
  );
  const docs = makeVersionDocs(
    {
      name: formatPackageName(outline.name),
      version: formatVersion(outline.version),
      sources,
      exposedModules: exposedModuleNames(bundle.outlineJson),
    },
    apis,
  );
  if (!docs.ok) return err({ kind: "invalid", problems: docs.error });
  return ok({
    ...bundle,
    docs: docs.value,
    readme: readme && { ...readme.value, html: renderReadme(readme.value.markdown) },
    ...(compareWith && { compared: compareApis(compareWith, docs.value.docsJson) }),
  });
}

/** Two stored APIs compared. */
export const compareStored = (older: StoredApi, newer: StoredApi) => compareApis(older, newer);

export async function documentStored(
  bytes: Uint8Array,
  stored: StoredBundle,
  ask: AskApis,
): Promise<Result<VersionDocs, string[]>> {
  const unpacked = unpackStoredBundle(nodeGzip, bytes, stored.maxUnpackedBytes);
  if (!unpacked.ok) return err([unpacked.error]);
  const { outline, sources } = unpacked.value;
  const listed = isJsonObject(outline.dependencies) ? outline.dependencies : {};
  const dependencies = Object.entries(listed).flatMap(([name, range]) =>
    typeof range === "string" ? [{ name, range }] : [],
  );
  return makeVersionDocs(
    {
      name: stored.name,
      version: stored.version,
      sources,
      exposedModules: exposedModuleNames(outline),
    },
    await ask(dependencies),
  );
}
