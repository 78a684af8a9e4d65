import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { putBundle } from "./publishing.ts";
import { call, login, type TestRegistry } from "./registry.ts";

// Bundles the real Gren compiler made, kept among the test fixtures, and what
// the tests need to publish them as the registry's users would.

export const REAL_BUNDLES = join(import.meta.dirname, "../fixtures/real-bundles");

export interface RealBundle {
  name: string;
  version: string;
  fileName: string;
  bytes: Uint8Array;
  sha256: string;
}

const sums = new Map(
  readFileSync(join(REAL_BUNDLES, "SHA256SUMS"), "utf8")
    .trim()
    .split("\n")
    .map((line) => {
      const [sha256, fileName] = line.split(/\s+/) as [string, string];
      return [fileName, sha256];
    }),
);

function realBundle(name: string, version: string): RealBundle {
  const fileName = `${name.replace(/[/.-]/g, "_")}__${version.replaceAll(".", "_")}.pkg.gz`;
  return {
    name,
    version,
    fileName,
    bytes: new Uint8Array(readFileSync(join(REAL_BUNDLES, fileName))),
    sha256: sums.get(fileName)!,
  };
}

/** In dependency order: url needs core, node needs core and url. */
export const CORE = realBundle("gren-lang/core", "7.0.0");
export const URL_PACKAGE = realBundle("gren-lang/url", "6.0.0");
export const NODE = realBundle("gren-lang/node", "6.1.1");
export const REAL = [CORE, URL_PACKAGE, NODE] as const;

/** A bundle's JSON, unpacked. */
export const contentsOf = (
  bytes: Uint8Array,
): { outline: Record<string, unknown>; sources: Record<string, string> } =>
  JSON.parse(gunzipSync(bytes).toString("utf8"));

/** The same bundle with its outline changed, packed again as the compiler packs. */
export function withOutline(bundle: RealBundle, changes: Record<string, unknown>): Uint8Array {
  const contents = contentsOf(bundle.bytes);
  return new Uint8Array(
    gzipSync(JSON.stringify({ ...contents, outline: { ...contents.outline, ...changes } })),
  );
}

/** The address an operator of test registries logs in with: it may create reserved identities. */
export const OPERATOR = "operator@example.com";

/**
 * Logs in as an operator, creates the `gren-lang` identity, and publishes the
 * given real bundles in order, as history: each is the first version of its
 * package on the registry, and none is 1.0.0. Returns the operator's session
 * token.
 */
export async function publishReal(
  registry: Pick<TestRegistry, "url" | "outbox">,
  bundles: readonly RealBundle[] = REAL,
): Promise<string> {
  const token = await login(registry, OPERATOR);
  await call(registry, "POST", "/publishing-identity", { token, json: { name: "gren-lang" } });
  for (const bundle of bundles) {
    const answer = await putBundle(
      registry,
      token,
      `/packages/${bundle.name}/${bundle.version}?history=true`,
      bundle.bytes,
    );
    if (answer.status !== 201) {
      throw new Error(`publishing ${bundle.name}: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
  }
  return token;
}
