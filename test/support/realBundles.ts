import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { putBundle, putBundleWithReadme } from "./publishing.ts";
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
  options: { withReadmes?: boolean } = {},
): Promise<string> {
  const token = await login(registry, OPERATOR);
  await call(registry, "POST", "/publishing-identity", { token, json: { name: "gren-lang" } });
  for (const bundle of bundles) {
    const path = `/packages/${bundle.name}/${bundle.version}?history=true`;
    const answer = options.withReadmes
      ? await putBundleWithReadme(registry, token, path, bundle.bytes, readmeOf(bundle))
      : await putBundle(registry, token, path, bundle.bytes);
    if (answer.status !== 201) {
      throw new Error(`publishing ${bundle.name}: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
  }
  return token;
}

/**
 * A README for a real bundle, written for the tests (the bundles hold none):
 * headings, a list, Gren code, a link, an image and raw HTML, as READMEs have.
 */
export function readmeOf(bundle: RealBundle): string {
  return `# ${bundle.name}

The ${bundle.name.split("/")[1]} package of the [Gren](https://gren-lang.org) programming language,
version ${bundle.version}: a README written for the registry's tests, since the bundle holds none.

## Getting started

Add it to your project:

\`\`\`
gren package install ${bundle.name}
\`\`\`

Then use it:

\`\`\`gren
import Maybe exposing (Maybe(..))

greeting : Maybe String -> String
greeting name =
    when name is
        Just n -> "Hello, " ++ n
        Nothing -> "Hello"
\`\`\`

## What is inside

- Modules, each documented on its own page
- Types that link to where they are defined

![The Gren logo](https://gren-lang.org/logo.png)

<script>alert("not run")</script>

[A link that runs nothing](javascript:alert(1))
`;
}
