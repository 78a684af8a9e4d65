import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleFileName, compilerVerdict } from "../support/grenCompiler.ts";
import { download, putBundle } from "../support/publishing.ts";
import { CORE, contentsOf, NODE, publishReal, REAL, URL_PACKAGE } from "../support/realBundles.ts";
import { call, login, startRegistry, type TestRegistry } from "../support/registry.ts";

// The registry accepts exactly what the Gren compiler accepts, and stores
// nothing it refuses. Each case below is a bundle just inside or just outside
// one of the compiler's rules, published over HTTP; the compiler's own front
// end (the real one, from npm) then says whether it loads the same bytes.
//
// The front end checks only part of the rules when it installs: the length
// limits are its back end's, which reads each outline again before it builds
// (it cannot run here). Where the registry refuses what the front end loads,
// the case says why: a rule of the back end, or a rule that gives a bundle one
// meaning for every reader, or one that keeps a package installable.

let registry: TestRegistry;
let token: string;

beforeAll(async () => {
  registry = await startRegistry();
  await publishReal(registry, [CORE, URL_PACKAGE, NODE]);
  token = await login(registry, "probe@example.com");
  await call(registry, "POST", "/publishing-identity", { token, json: { name: "acme" } });
});
afterAll(async () => {
  await registry.close();
});

const PROBE_OUTLINE = {
  type: "package",
  platform: "common",
  name: "acme/probe",
  summary: "A probe package",
  license: "BSD-3-Clause",
  version: "1.0.0",
  "exposed-modules": ["Probe"],
  "gren-version": "0.6.0 <= v < 0.7.0",
  dependencies: { "gren-lang/core": "7.0.0 <= v < 8.0.0" },
};
const PROBE_SOURCE = "module Probe exposing (..)\n\n\nprobe : Int\nprobe =\n    1\n";

interface Probe {
  /** Where it is published, when not acme/probe at a version of its own. */
  version?: string;
  /** Changes to the outline, given the version it is published as. */
  outline?: Record<string, unknown> | ((version: string) => Record<string, unknown>);
  sources?: Record<string, string>;
  /** Rewrites the JSON text before it is packed: text is packed as UTF-8, bytes as they are. */
  text?: (json: string) => string | Buffer;
  /** Rewrites the packed bytes. */
  packed?: (bytes: Buffer) => Buffer;
}

let nextPatch = 0;

/** A probe bundle with one thing changed, and where it is published. */
function probe(change: Probe) {
  const version = change.version ?? `1.0.${nextPatch++}`;
  const changes = typeof change.outline === "function" ? change.outline(version) : change.outline;
  const outline: Record<string, unknown> = { ...PROBE_OUTLINE, version, ...changes };
  const json = JSON.stringify({ outline, sources: change.sources ?? { Probe: PROBE_SOURCE } });
  const text = change.text ? change.text(json) : json;
  const packed = gzipSync(typeof text === "string" ? Buffer.from(text) : text);
  return {
    name: String(outline.name),
    version: version,
    bytes: new Uint8Array(change.packed ? change.packed(packed) : packed),
  };
}

/** The JSON text with raw bytes (invalid UTF-8 among them) put before `find`. */
const withBytes = (json: string, find: string, bytes: number[]): Buffer => {
  const utf8 = Buffer.from(json);
  const at = utf8.indexOf(find);
  return Buffer.concat([utf8.subarray(0, at), Buffer.from(bytes), utf8.subarray(at)]);
};

type CompilerSays = "loads" | "refuses";

interface Case {
  rule: string;
  change: string;
  probe: Probe;
  /** The registry's answer. */
  status: 201 | 400 | 409;
  /** A fragment of the problem the registry names, when it refuses. */
  problem?: string;
  /** What the compiler's front end does when it installs the same bytes. */
  compiler: CompilerSays;
  /** Why the registry refuses what the front end loads. */
  stricter?: "back end" | "one meaning" | "installable";
}

const x = (n: number) => "x".repeat(n);
const module = (length: number) => `P${"r".repeat(length - 1)}`;

const CASES: Case[] = [
  { rule: "baseline", change: "nothing", probe: {}, status: 201, compiler: "loads" },
  // Licences: the compiler's list of 99, spelled exactly so.
  ...["BSD-3-Clause", "MIT", "GPL-3.0", "0BSD"].map(
    (license): Case => ({
      rule: "license",
      change: license,
      probe: { outline: { license } },
      status: 201,
      compiler: "loads",
    }),
  ),
  {
    rule: "license",
    change: "GPL-3.0-only",
    probe: { outline: { license: "GPL-3.0-only" } },
    status: 400,
    problem: 'did you mean "GPL-3.0"?',
    compiler: "refuses",
  },
  {
    rule: "license",
    change: "CC0-1.0",
    probe: { outline: { license: "CC0-1.0" } },
    status: 400,
    problem: '"license"',
    compiler: "refuses",
  },
  {
    rule: "license",
    change: "bsd-3-clause",
    probe: { outline: { license: "bsd-3-clause" } },
    status: 400,
    problem: 'did you mean "BSD-3-Clause"?',
    compiler: "refuses",
  },
  // Summaries: under 80 bytes as the back end counts them (UTF-8, escapes as JSON.stringify writes them).
  {
    rule: "summary",
    change: "79 bytes",
    probe: { outline: { summary: x(79) } },
    status: 201,
    compiler: "loads",
  },
  {
    rule: "summary",
    change: "80 bytes",
    probe: { outline: { summary: x(80) } },
    status: 400,
    problem: "under 80 bytes",
    compiler: "loads",
    stricter: "back end",
  },
  {
    rule: "summary",
    change: "77 + é, 79 bytes",
    probe: { outline: { summary: `${x(77)}é` } },
    status: 201,
    compiler: "loads",
  },
  {
    rule: "summary",
    change: "78 + é, 80 bytes",
    probe: { outline: { summary: `${x(78)}é` } },
    status: 400,
    problem: "it has 80",
    compiler: "loads",
    stricter: "back end",
  },
  {
    rule: "summary",
    change: '77 + ", 79 bytes escaped',
    probe: { outline: { summary: `${x(77)}"` } },
    status: 201,
    compiler: "loads",
  },
  {
    rule: "summary",
    change: '78 + ", 80 bytes escaped',
    probe: { outline: { summary: `${x(78)}"` } },
    status: 400,
    problem: "it has 80",
    compiler: "loads",
    stricter: "back end",
  },
  {
    rule: "summary",
    change: "\\u00e9 written out, 76 bytes re-encoded",
    probe: {
      outline: { summary: `${x(74)}Z` },
      text: (json) => json.replace(`${x(74)}Z`, `${x(74)}\\u00e9`),
    },
    status: 201,
    compiler: "loads",
  },
  {
    rule: "summary",
    change: "empty",
    probe: { outline: { summary: "" } },
    status: 400,
    problem: "is empty",
    compiler: "loads",
    stricter: "back end",
  },
  {
    rule: "summary",
    change: "the gren init default",
    probe: { outline: { summary: "helpful summary of your project, less than 80 characters" } },
    status: 400,
    problem: "gren init",
    compiler: "loads",
    stricter: "back end",
  },
  // Exposed-module group names: under 20 bytes.
  {
    rule: "group name",
    change: "19 bytes",
    probe: { outline: { "exposed-modules": { [x(19)]: ["Probe"] } } },
    status: 201,
    compiler: "loads",
  },
  {
    rule: "group name",
    change: "20 bytes",
    probe: { outline: { "exposed-modules": { [x(20)]: ["Probe"] } } },
    status: 400,
    problem: "under 20 bytes",
    compiler: "loads",
    stricter: "back end",
  },
  {
    rule: "group name",
    change: "17 + é, 19 bytes",
    probe: { outline: { "exposed-modules": { [`${x(17)}é`]: ["Probe"] } } },
    status: 201,
    compiler: "loads",
  },
  {
    rule: "group name",
    change: "18 + é, 20 bytes",
    probe: { outline: { "exposed-modules": { [`${x(18)}é`]: ["Probe"] } } },
    status: 400,
    problem: "it has 20",
    compiler: "loads",
    stricter: "back end",
  },
  // Module names: under 256 bytes.
  {
    rule: "module name",
    change: "255 bytes",
    probe: {
      outline: { "exposed-modules": [module(255)] },
      sources: { [module(255)]: PROBE_SOURCE },
    },
    status: 201,
    compiler: "loads",
  },
  {
    rule: "module name",
    change: "256 bytes",
    probe: {
      outline: { "exposed-modules": [module(256)] },
      sources: { [module(256)]: PROBE_SOURCE },
    },
    status: 400,
    problem: "under 256 bytes",
    compiler: "loads",
    stricter: "back end",
  },
  // Package names: under 256 bytes, and their installed file name at most 255.
  {
    rule: "package name",
    change: "241 bytes: file name of 255",
    probe: { version: "1.0.0", outline: { name: `acme/p${"r".repeat(235)}` } },
    status: 201,
    compiler: "loads",
  },
  {
    rule: "package name",
    change: "242 bytes: file name of 256",
    probe: { version: "1.0.0", outline: { name: `acme/p${"r".repeat(236)}` } },
    status: 400,
    problem: "file systems take names of at most 255",
    compiler: "refuses",
  },
  {
    rule: "package name",
    change: "256 bytes",
    probe: { version: "1.0.0", outline: { name: `acme/p${"r".repeat(250)}` } },
    status: 400,
    problem: "under 256 bytes",
    compiler: "refuses",
  },
  // Ranges and versions.
  {
    rule: "range",
    change: "no spaces",
    probe: { outline: { dependencies: { "gren-lang/core": "7.0.0<=v<8.0.0" } } },
    status: 201,
    compiler: "loads",
  },
  {
    rule: "range",
    change: "a tab",
    probe: { outline: { dependencies: { "gren-lang/core": "7.0.0\t<= v < 8.0.0" } } },
    status: 400,
    problem: "gren-lang/core",
    compiler: "refuses",
  },
  {
    rule: "range",
    change: "an exact version",
    probe: { outline: { dependencies: { "gren-lang/core": "7.0.0" } } },
    status: 400,
    problem: "must be a range",
    compiler: "refuses",
  },
  {
    rule: "range",
    change: "reversed",
    probe: { outline: { dependencies: { "gren-lang/core": "8.0.0 <= v < 7.0.0" } } },
    status: 400,
    problem: "lower bound must be below",
    compiler: "refuses",
  },
  {
    rule: "gren-version",
    change: "an exact version",
    probe: { outline: { "gren-version": "0.6.3" } },
    status: 400,
    problem: '"gren-version"',
    compiler: "refuses",
  },
  {
    rule: "version",
    change: "a leading zero",
    probe: { outline: (version) => ({ version: `0${version}` }) },
    status: 400,
    problem: '"version"',
    compiler: "loads",
    stricter: "one meaning",
  },
  // Dependencies that can be installed.
  {
    rule: "dependency",
    change: "a package the registry does not have",
    probe: { outline: { dependencies: { "acme/nowhere": "1.0.0 <= v < 2.0.0" } } },
    status: 400,
    problem: "has no package acme/nowhere",
    compiler: "refuses",
  },
  {
    rule: "dependency",
    change: "no version in range",
    probe: { outline: { dependencies: { "gren-lang/core": "8.0.0 <= v < 9.0.0" } } },
    status: 400,
    problem: "no version in that range",
    compiler: "refuses",
  },
  {
    rule: "dependency",
    change: "a lower bound never published",
    probe: { outline: { dependencies: { "gren-lang/core": "6.0.0 <= v < 8.0.0" } } },
    status: 400,
    problem: "the lower bound of the range",
    compiler: "loads",
    stricter: "installable",
  },
  {
    rule: "dependency",
    change: "common depending on node",
    probe: {
      outline: {
        dependencies: {
          "gren-lang/core": "7.0.0 <= v < 8.0.0",
          "gren-lang/node": "6.0.0 <= v < 7.0.0",
        },
      },
    },
    status: 400,
    problem: "may depend only on common packages",
    compiler: "loads",
    stricter: "installable",
  },
  {
    rule: "dependency",
    change: "itself",
    probe: { outline: { dependencies: { "acme/probe": "1.0.0 <= v < 2.0.0" } } },
    status: 400,
    problem: "depends on itself",
    compiler: "loads",
    stricter: "installable",
  },
  // One meaning per bundle.
  {
    rule: "bundle",
    change: "a byte order mark",
    probe: { text: (json) => `\ufeff${json}` },
    status: 400,
    problem: "byte order mark",
    compiler: "loads",
    stricter: "one meaning",
  },
  {
    rule: "bundle",
    change: "a key twice",
    probe: { text: (json) => json.replace('"license":', '"license":"MIT","license":') },
    status: 400,
    problem: 'the key "license" twice in outline',
    compiler: "loads",
    stricter: "one meaning",
  },
  {
    rule: "bundle",
    change: "a module twice",
    probe: {
      text: (json) =>
        json.replace('"sources":{', `"sources":{"Probe":"module Probe exposing (..)\\n",`),
    },
    status: 400,
    problem: 'the key "Probe" twice in sources',
    compiler: "loads",
    stricter: "one meaning",
  },
  {
    rule: "bundle",
    change: "a third top-level key",
    probe: { text: (json) => json.replace(/}$/, ',"extra":1}') },
    status: 400,
    problem: 'only "outline" and "sources"',
    compiler: "loads",
    stricter: "one meaning",
  },
  {
    rule: "bundle",
    change: "invalid UTF-8 in a source",
    probe: { text: (json) => withBytes(json, "probe : Int", [0xc3, 0x28]) },
    status: 400,
    problem: "not valid UTF-8",
    compiler: "loads",
    stricter: "one meaning",
  },
  {
    rule: "bundle",
    change: "nested 40 deep",
    probe: { outline: { extra: JSON.parse(`${"[".repeat(40)}${"]".repeat(40)}`) } },
    status: 400,
    problem: "more than 32 deep",
    compiler: "loads",
    stricter: "one meaning",
  },
  {
    rule: "bundle",
    change: "an outline over 64 KiB",
    probe: { outline: { extra: x(70_000) } },
    status: 400,
    problem: "up to 65536 bytes",
    compiler: "loads",
    stricter: "one meaning",
  },
  {
    rule: "bundle",
    change: "a second gzip member",
    probe: { packed: (bytes) => Buffer.concat([bytes, gzipSync("")]) },
    status: 400,
    problem: "bytes after its gzip data",
    compiler: "refuses",
  },
  {
    rule: "bundle",
    change: "bytes after the gzip data",
    probe: { packed: (bytes) => Buffer.concat([bytes, Buffer.from("garbage")]) },
    status: 400,
    problem: "bytes after its gzip data",
    compiler: "refuses",
  },
  {
    rule: "bundle",
    change: "an exposed module without a source",
    probe: { outline: { "exposed-modules": ["Probe", "Missing"] } },
    status: 400,
    problem: "no source for it",
    compiler: "loads",
    stricter: "back end",
  },
];

describe("publishing bundles just inside and just outside each of the compiler's rules", () => {
  const published = CASES.map((testCase) => ({ testCase, bundle: probe(testCase.probe) }));

  it.each(published.map((entry) => [`${entry.testCase.rule}: ${entry.testCase.change}`, entry]))(
    "%s",
    async (_title, { testCase, bundle }) => {
      // Each probe is a version of its own, some refused: published as history, so that the
      // numbers they leave out are no problem of theirs. Every rule of the bundle still holds.
      const answer = await putBundle(
        registry,
        token,
        `/packages/${bundle.name}/${bundle.version}?history=true`,
        bundle.bytes,
      );
      expect(answer.status, JSON.stringify(answer.body)).toBe(testCase.status);
      expect(answer.body.code).toBe(
        testCase.status === 201
          ? undefined
          : testCase.status === 409
            ? "conflict"
            : "invalid_bundle",
      );
      if (testCase.problem) expect(answer.body.problems?.join(" ")).toContain(testCase.problem);

      const fileName = bundleFileName(bundle.name, bundle.version);
      // A file name longer than file systems allow cannot even be written into gren_packages/.
      const compilerSays: CompilerSays =
        Buffer.byteLength(fileName) > 255 ? "refuses" : await frontEndSays(bundle, fileName);
      expect(compilerSays).toBe(testCase.compiler);
      // What the registry stores, the compiler loads; what it refuses and the
      // front end loads, a named rule explains.
      if (testCase.status === 201) expect(compilerSays).toBe("loads");
      if (testCase.status !== 201 && compilerSays === "loads") {
        expect(testCase.stricter).toBeDefined();
      }
    },
    30_000,
  );
});

/** Whether the compiler's front end loads the bundle in an application that needs it. */
async function frontEndSays(
  bundle: { name: string; version: string; bytes: Uint8Array },
  fileName: string,
): Promise<CompilerSays> {
  const verdict = await compilerVerdict({
    direct: { [bundle.name]: bundle.version },
    indirect: {
      "gren-lang/core": "7.0.0",
      "gren-lang/url": "6.0.0",
      "gren-lang/node": "6.1.1",
    },
    bundles: [
      ...REAL.map((real) => ({ fileName: real.fileName, bytes: real.bytes })),
      { fileName, bytes: bundle.bytes },
    ],
  });
  return verdict.accepted ? "loads" : "refuses";
}

describe("the bundles the real compiler made", () => {
  it("publish in dependency order and come back byte for byte", async () => {
    for (const real of REAL) {
      const metadata = await call(registry, "GET", `/packages/${real.name}/${real.version}`);
      expect(metadata.body.sha256).toBe(real.sha256);
      const fetched = await download(registry, `/packages/${real.name}/${real.version}/bundle`);
      expect(fetched.status).toBe(200);
      expect(Buffer.from(fetched.bytes).equals(Buffer.from(real.bytes))).toBe(true);
      expect(metadata.body.outline).toEqual(contentsOf(real.bytes).outline);
    }
  });

  it("refuse a package whose bundles would land in the same installed file as another's", async () => {
    await call(registry, "POST", "/publishing-identity", { token, json: { name: "gren" } });
    const clash = probe({ outline: { name: "gren/lang-core", dependencies: {} } });
    const answer = await putBundle(
      registry,
      token,
      `/packages/gren/lang-core/${clash.version}?history=true`,
      clash.bytes,
    );
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ code: "conflict" });
    expect(answer.body.message).toContain("gren-lang/core");
    expect(answer.body.message).toContain(
      `gren_lang_core__${clash.version.replaceAll(".", "_")}.pkg.gz`,
    );
  });
});

describe("names as long as the rules allow", () => {
  it("keep two packages racing for one installed file name from both winning", async () => {
    await call(registry, "POST", "/publishing-identity", { token, json: { name: "race" } });
    await call(registry, "POST", "/publishing-identity", { token, json: { name: "race-car" } });
    const one = probe({ version: "1.0.0", outline: { name: "race/car-x", dependencies: {} } });
    const other = probe({ version: "1.0.0", outline: { name: "race-car/x", dependencies: {} } });
    const answers = await Promise.all(
      [one, other].map((bundle) =>
        putBundle(registry, token, `/packages/${bundle.name}/1.0.0`, bundle.bytes),
      ),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409]);
    const loser = answers.find((answer) => answer.status === 409)!;
    expect(loser.body.message).toContain("race_car_x__1_0_0.pkg.gz");
  });

  it("reach their routes: a 253-character identity, a 117-character member address", async () => {
    const identity = `l${"o".repeat(251)}g`;
    expect(
      await call(registry, "POST", "/publishing-identity", { token, json: { name: identity } }),
    ).toMatchObject({ status: 201, body: { name: identity } });
    const address = `${"m".repeat(64)}@${"d".repeat(48)}.com`;
    expect(address).toHaveLength(117);
    const added = await call(
      registry,
      "PUT",
      `/publishing-identity/${identity}/members/${encodeURIComponent(address)}`,
      { token, json: { role: "publish" } },
    );
    expect(added).toMatchObject({ status: 200, body: { email: address, role: "publish" } });
  });

  it("answer the contract's error body when a path, a header or the request itself is too much", async () => {
    const longName = await call(registry, "GET", `/packages/acme/${"p".repeat(2000)}`);
    expect(longName).toMatchObject({ status: 400, body: { code: "invalid_request" } });
    const badEscape = await call(registry, "GET", "/packages/acme/%E0%A4%A");
    expect(badEscape).toMatchObject({ status: 400, body: { code: "invalid_request" } });
    const bigHeader = await fetch(`${registry.url}/health`, {
      headers: { "x-filler": "f".repeat(20_000) },
    });
    expect(bigHeader.status).toBe(400);
    expect(await bigHeader.json()).toMatchObject({
      code: "invalid_request",
      message: expect.stringContaining("headers"),
    });
  });
});
