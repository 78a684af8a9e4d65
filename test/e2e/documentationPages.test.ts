import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishReal, REAL } from "../support/realBundles.ts";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import { BROWSER_ACCEPT } from "../support/siteCatalogue.ts";

// The documentation pages of the three real bundles, compared with the pages
// the site has always shown for them (kept in test/fixtures/pages/): however
// the documentation is made and kept, a reader sees the same page. The
// bundles hold no README, so each is published with one of the tests' own.

let registry: TestRegistry;

beforeAll(async () => {
  registry = await startRegistry();
  await publishReal(registry, REAL, { withReadmes: true });
});
afterAll(async () => {
  await registry.close();
});

/** The `<main>` of a page as a browser gets it: what differs between pages. */
async function mainOf(path: string): Promise<string> {
  const response = await fetch(registry.url + path, { headers: { accept: BROWSER_ACCEPT } });
  expect(response.status, path).toBe(200);
  const text = await response.text();
  const main = /<main\b[\s\S]*<\/main>/.exec(text)?.[0];
  if (main === undefined) throw new Error(`${path} has no <main>`);
  return `${main}\n`;
}

const exposedModules = (bytes: Uint8Array): string[] => {
  const outline = JSON.parse(gunzipSync(bytes).toString("utf8")).outline;
  const exposed = outline["exposed-modules"];
  return (Array.isArray(exposed) ? exposed : Object.values(exposed).flat()) as string[];
};

const snapshot = (name: string, file: string) =>
  `../fixtures/pages/${name.replace("/", "_")}/${file}.html`;

describe.each(REAL)("the pages of $name $version", (bundle) => {
  it("the package page is as it has always been", async () => {
    await expect(await mainOf(`/packages/${bundle.name}/${bundle.version}`)).toMatchFileSnapshot(
      snapshot(bundle.name, "package"),
    );
  });

  it("every module page is as it has always been", async () => {
    for (const module of exposedModules(bundle.bytes)) {
      await expect(
        await mainOf(`/packages/${bundle.name}/${bundle.version}/modules/${module}`),
      ).toMatchFileSnapshot(snapshot(bundle.name, module));
    }
  });
});
