import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { MAX_PROBLEMS, readBundle } from "../../src/core/bundle.ts";
import { parsePackageName } from "../../src/gren/names.ts";
import { parseVersion } from "../../src/gren/semver.ts";
import { nodeDigest } from "../../src/host/digest.ts";
import { nodeGzip } from "../../src/host/gzip.ts";
import type { BundleExpectation, BundleRejection } from "../../src/ports/bundles.ts";
import type { Result } from "../../src/result.ts";
import {
  gzipBomb,
  makeBundle,
  moduleSource,
  packageBundle,
  packageOutline,
  sourcesFor,
} from "../support/bundles.ts";

const MIB = 1024 * 1024;

const publishing = (overrides: Partial<BundleExpectation> = {}): BundleExpectation => ({
  name: parsePackageName("acme/widgets")!,
  version: parseVersion("1.0.0")!,
  maxUnpackedBytes: MIB,
  kernelAllowed: false,
  ...overrides,
});

const read = (bytes: Uint8Array, overrides: Partial<BundleExpectation> = {}) =>
  readBundle({ gzip: nodeGzip, digest: nodeDigest }, bytes, publishing(overrides));

const problemsOf = (result: Result<unknown, BundleRejection>): string[] => {
  if (result.ok) throw new Error("the bundle was accepted");
  if (result.error.kind !== "invalid") throw new Error(`the bundle was ${result.error.kind}`);
  return result.error.problems;
};

const gzipOf = (text: string | Uint8Array): Uint8Array => new Uint8Array(gzipSync(text));

describe("a bundle", () => {
  it("made as the compiler makes it is read into its outline and modules", async () => {
    const outline = packageOutline();
    const result = await read(makeBundle({ outline, sources: sourcesFor(outline) }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.outline.name).toEqual({ author: "acme", project: "widgets" });
    expect(result.value.modules).toEqual(["Widgets", "Widgets.Extra"]);
    expect(result.value.outlineJson).toEqual(outline);
  });

  it("keeps the outline as uploaded, fields the registry does not know included", async () => {
    const outline = packageOutline({ "exposed-modules": { Widgets: ["Widgets"] }, extra: [1] });
    const result = await read(makeBundle({ outline, sources: sourcesFor(outline) }));
    expect(result.ok && JSON.stringify(result.value.outlineJson)).toBe(JSON.stringify(outline));
  });

  it("may hold modules it does not expose", async () => {
    const outline = packageOutline();
    const sources = {
      ...sourcesFor(outline),
      "Widgets.Internal": moduleSource("Widgets.Internal"),
    };
    const result = await read(makeBundle({ outline, sources }));
    expect(result.ok && result.value.modules).toContain("Widgets.Internal");
  });

  it("that is not gzip is rejected", async () => {
    const json = new TextEncoder().encode(JSON.stringify({ outline: packageOutline() }));
    expect(problemsOf(await read(json))).toEqual([
      "The bundle is not gzip, or its compressed data is damaged.",
    ]);
    expect(problemsOf(await read(new Uint8Array(0)))).toHaveLength(1);
  });

  it("whose gzip is cut short is rejected", async () => {
    const bundle = packageBundle();
    expect(problemsOf(await read(bundle.subarray(0, bundle.length - 10)))).toEqual([
      "The bundle's gzip data ends early: it was cut short.",
    ]);
  });

  it("that unpacks past the limit is rejected as too large", async () => {
    const bundle = makeBundle({
      outline: packageOutline(),
      sources: { Widgets: "x".repeat(2 * MIB) },
    });
    expect(await read(bundle)).toEqual({
      ok: false,
      error: { kind: "too_large_unpacked", limit: MIB },
    });
  });

  it("that is a gzip bomb is stopped at the limit without the memory it unpacks to", async () => {
    const unpacked = 50 * MIB;
    const bomb = await gzipBomb(unpacked);
    expect(bomb.length).toBeLessThan(100 * 1024);

    const before = process.memoryUsage();
    let peakRss = before.rss;
    let peakBuffers = before.arrayBuffers;
    const sample = () => {
      const now = process.memoryUsage();
      peakRss = Math.max(peakRss, now.rss);
      peakBuffers = Math.max(peakBuffers, now.arrayBuffers);
    };
    const sampler = setInterval(sample, 1);
    const result = await read(bomb, { maxUnpackedBytes: MIB });
    clearInterval(sampler);
    sample();

    expect(result).toEqual({ ok: false, error: { kind: "too_large_unpacked", limit: MIB } });
    expect(peakBuffers - before.arrayBuffers).toBeLessThan(unpacked / 10);
    expect(peakRss - before.rss).toBeLessThan(unpacked / 2);
  });

  it("that is not UTF-8 is rejected", async () => {
    const text = new TextEncoder().encode(JSON.stringify({ outline: packageOutline() }));
    const broken = new Uint8Array([...text.subarray(0, 20), 0xff, 0xfe, ...text.subarray(20)]);
    expect(problemsOf(await read(gzipOf(broken)))).toEqual([
      "The bundle does not unpack to UTF-8 text: some of its bytes are not valid UTF-8.",
    ]);
  });

  it("that is not JSON is rejected", async () => {
    const [problem, ...rest] = problemsOf(await read(gzipOf('{"outline": {')));
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^The bundle does not unpack to JSON \(.+\)\.$/);
  });

  it("whose JSON is an array is rejected", async () => {
    const outline = packageOutline();
    const json = JSON.stringify([outline, sourcesFor(outline)]);
    expect(problemsOf(await read(gzipOf(json)))).toEqual([
      'The bundle must unpack to a JSON object with "outline" and "sources", not an array.',
    ]);
  });

  it("holds exactly an outline and sources", async () => {
    const outline = packageOutline();
    const json = JSON.stringify({ outline, sources: sourcesFor(outline), docs: [] });
    expect(problemsOf(await read(gzipOf(json)))).toEqual([
      'The bundle may hold only "outline" and "sources", not "docs".',
    ]);
    expect(problemsOf(await read(gzipOf("{}")))).toEqual([
      'The bundle has no "outline"; it must hold the package\'s gren.json.',
      'The bundle has no "sources"; it must map each module name to its source text.',
    ]);
  });

  it("maps module names to source text", async () => {
    const outline = packageOutline({ "exposed-modules": ["Widgets"] });
    expect(
      problemsOf(
        await read(makeBundle({ outline, sources: { Widgets: 7, "widgets-extra": "x" } })),
      ),
    ).toEqual([
      'The bundle\'s source for "Widgets" must be text, not the number 7.',
      expect.stringMatching(
        /^The bundle has a source for "widgets-extra", which is not a module name/,
      ),
    ]);
    expect(problemsOf(await read(makeBundle({ outline, sources: ["Widgets"] })))).toEqual([
      'The bundle\'s "sources" must be an object from module names to source text, not an array.',
    ]);
  });

  it("with an exposed module that has no source is rejected", async () => {
    const outline = packageOutline();
    expect(
      problemsOf(
        await read(makeBundle({ outline, sources: { Widgets: moduleSource("Widgets") } })),
      ),
    ).toEqual(['The outline exposes "Widgets.Extra", but the bundle has no source for it.']);
  });

  it("whose outline names another package or version than the URL is rejected", async () => {
    const bundle = packageBundle({ name: "acme/gadgets", version: "1.0.1" });
    expect(problemsOf(await read(bundle))).toEqual([
      'The outline names the package "acme/gadgets", but it is being published as "acme/widgets".',
      "The outline gives version 1.0.1, but it is being published as version 1.0.0.",
    ]);
  });

  it("compares versions by number, not by spelling", async () => {
    const bundle = packageBundle({ version: "0.10.0" });
    expect((await read(bundle, { version: parseVersion("0.10.0")! })).ok).toBe(true);
    expect(problemsOf(await read(bundle, { version: parseVersion("0.1.0")! }))).toHaveLength(1);
  });

  it("lists outline problems together with the bundle's own", async () => {
    const outline = packageOutline({ license: "Proprietary", version: "2.0.0" });
    const problems = problemsOf(
      await read(makeBundle({ outline, sources: { Widgets: moduleSource("Widgets") } })),
    );
    expect(problems).toEqual([
      'The outline\'s "license" must be one of the OSI licence identifiers the Gren compiler knows, such as "BSD-3-Clause" or "MIT", not "Proprietary".',
      "The outline gives version 2.0.0, but it is being published as version 1.0.0.",
      'The outline exposes "Widgets.Extra", but the bundle has no source for it.',
    ]);
  });

  it("with kernel code is rejected unless the identity may publish kernel code", async () => {
    const outline = packageOutline();
    const sources = { ...sourcesFor(outline), "Gren.Kernel.Widgets": "/* js */ var x = 1;" };
    const bundle = makeBundle({ outline, sources });
    expect(problemsOf(await read(bundle))).toEqual([
      'The bundle has kernel code ("Gren.Kernel.Widgets"), which the registry accepts only from identities the operator allows, and "acme" is not one of them.',
    ]);
    const allowed = await read(bundle, { kernelAllowed: true });
    expect(allowed.ok && allowed.value.modules).toContain("Gren.Kernel.Widgets");
  });

  it("sums up a flood of problems in one last sentence", async () => {
    const sources = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`module-${i}`, "x"]));
    const problems = problemsOf(await read(makeBundle({ outline: packageOutline(), sources })));
    expect(problems).toHaveLength(MAX_PROBLEMS);
    expect(problems.at(-1)).toBe("The bundle has 153 more problems like these.");
  });
});
