import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { type BundleFile, bundleFileName, compilerVerdict } from "../support/grenCompiler.ts";

const REAL_BUNDLES = join(import.meta.dirname, "../fixtures/real-bundles");
const realBundle = (fileName: string): BundleFile => ({
  fileName,
  bytes: new Uint8Array(readFileSync(join(REAL_BUNDLES, fileName))),
});
const core = realBundle("gren_lang_core__7_0_0.pkg.gz");
const url = realBundle("gren_lang_url__6_0_0.pkg.gz");
const node = realBundle("gren_lang_node__6_1_1.pkg.gz");

/** The same bundle with its outline changed and gzipped again. */
function withOutline(bundle: BundleFile, changes: Record<string, unknown>): BundleFile {
  const contents = JSON.parse(gunzipSync(bundle.bytes).toString("utf8"));
  const changed = { ...contents, outline: { ...contents.outline, ...changes } };
  return { fileName: bundle.fileName, bytes: new Uint8Array(gzipSync(JSON.stringify(changed))) };
}

const nodeApplication = {
  direct: { "gren-lang/core": "7.0.0", "gren-lang/node": "6.1.1" },
  indirect: { "gren-lang/url": "6.0.0" },
};

const scratchFolders = () =>
  readdirSync(tmpdir()).filter((name) => name.startsWith("gren-oracle-"));

describe("the real Gren compiler's front end, as an oracle", () => {
  it("loads the three bundles it made itself, fetching nothing and leaving gren.json alone", async () => {
    const verdict = await compilerVerdict({ ...nodeApplication, bundles: [core, url, node] });

    expect(verdict).toMatchObject({
      accepted: true,
      fetched: false,
      refused: [],
      exitCode: 0,
      outlineRewritten: false,
    });
    expect(verdict.output).not.toContain("Starting downloads...");
    expect(verdict.bundlesLeft).toEqual([core.fileName, node.fileName, url.fileName]);
  });

  it("refuses a bundle whose license it does not know, and goes to download it instead", async () => {
    const verdict = await compilerVerdict({
      ...nodeApplication,
      bundles: [core, withOutline(url, { license: "GPL-3.0-only" }), node],
    });

    expect(verdict.accepted).toBe(false);
    expect(verdict.fetched).toBe(true);
    expect(verdict.refused).toEqual([bundleFileName("gren-lang/url", "6.0.0")]);
    expect(verdict.output).toContain("Starting downloads...");
  });

  it("loads the same bundle re-gzipped with a license it knows, so the license was the reason", async () => {
    const verdict = await compilerVerdict({
      ...nodeApplication,
      bundles: [core, withOutline(url, { license: "MIT" }), node],
    });

    expect(verdict.accepted).toBe(true);
  });

  it("names every bundle it refuses, not only the first", async () => {
    const verdict = await compilerVerdict({
      ...nodeApplication,
      bundles: [
        withOutline(core, { license: "Unlicense" }),
        url,
        withOutline(node, { version: "6.1.2" }),
      ],
    });

    expect([...verdict.refused].sort()).toEqual([core.fileName, node.fileName]);
  });

  it("ends with GitHub's failure when told to fetch as if offline", async () => {
    const verdict = await compilerVerdict({
      ...nodeApplication,
      bundles: [core, withOutline(url, { license: "CC0-1.0" }), node],
      onFetch: "fail",
    });

    expect(verdict.exitCode).toBe(1);
    expect(verdict.problem).toBe("PROBLEM INSTALLING PACKAGE");
    expect(verdict.refused).toEqual([url.fileName]);
  });

  it("reports a package of the wrong platform for the application", async () => {
    const verdict = await compilerVerdict({
      ...nodeApplication,
      platform: "browser",
      bundles: [core, url, node],
    });

    expect(verdict).toMatchObject({ accepted: false, fetched: false, exitCode: 1 });
    expect(verdict.problem).toBe("INCOMPATIBLE PACKAGE");
  });

  it("cleans up its scratch folder", async () => {
    const before = new Set(scratchFolders());
    await compilerVerdict({ direct: { "gren-lang/core": "7.0.0" }, bundles: [core] });

    expect(scratchFolders().filter((name) => !before.has(name))).toEqual([]);
  });
});
