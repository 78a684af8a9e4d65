import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/cliError.ts";
import { loginCli, runCli } from "../support/cli.ts";
import { runGrenPackage as realCompiler } from "../support/grenCompiler.ts";
import { createIdentity, publishHistory, sha256 } from "../support/publishing.ts";
import { CORE, NODE, publishReal, URL_PACKAGE } from "../support/realBundles.ts";
import { call, startRegistry, type TestRegistry } from "../support/registry.ts";
import { scratchDirectories } from "../support/scratch.ts";

const scratch = scratchDirectories();

let registry: TestRegistry;
let alice: string;
const homes = {} as Record<"alice" | "bob" | "nobody", string>;

beforeAll(async () => {
  registry = await startRegistry();
  await publishReal(registry);
  homes.alice = scratch("home-alice-");
  homes.bob = scratch("home-bob-");
  homes.nobody = scratch("home-nobody-");
  alice = await loginCli(registry, "alice@example.com", homes.alice);
  await loginCli(registry, "bob@example.com", homes.bob);
  for (const name of ["acme", "hidden", "tiers"]) {
    await createIdentity(registry, alice, name);
  }

  // A catalogue to resolve from, brought in as history: its numbers skip and
  // start above 1.0.0, and its test bundles' APIs are not what they are about.
  // Three levels: top needs mid 1.x, mid 1.1.0 needs leaf 2.x. The newest of
  // each that fits: top 1.2.0, mid 1.1.0, leaf 2.3.0.
  for (const version of ["2.0.0", "2.3.0", "3.0.0"])
    await publishHistory(registry, alice, "acme/leaf", version);
  await publishHistory(registry, alice, "acme/mid", "1.0.0");
  await publishHistory(registry, alice, "acme/mid", "1.1.0", {
    dependencies: { "acme/leaf": "2.0.0 <= v < 3.0.0" },
  });
  await publishHistory(registry, alice, "acme/mid", "2.0.0");
  for (const version of ["1.0.0", "1.2.0"]) {
    await publishHistory(registry, alice, "acme/top", version, {
      dependencies: { "acme/mid": "1.0.0 <= v < 2.0.0" },
    });
  }
  // Needs the newer mid, and so moves an application's indirect mid 1.0.0.
  await publishHistory(registry, alice, "acme/needs-new-mid", "1.0.0", {
    dependencies: { "acme/mid": "1.1.0 <= v < 2.0.0" },
  });
  await publishHistory(registry, alice, "acme/loner", "1.0.0");

  // Two packages that need different majors of one base.
  for (const version of ["1.0.0", "2.0.0"])
    await publishHistory(registry, alice, "acme/base", version);
  await publishHistory(registry, alice, "acme/left", "1.0.0", {
    dependencies: { "acme/base": "1.0.0 <= v < 2.0.0" },
  });
  await publishHistory(registry, alice, "acme/right", "1.0.0", {
    dependencies: { "acme/base": "2.0.0 <= v < 3.0.0" },
  });

  // Newer versions of gadget, each unusable by a node application with Gren 0.6.3.
  await publishHistory(registry, alice, "acme/gadget", "1.0.0");
  await publishHistory(registry, alice, "acme/gadget", "1.1.0");
  await publishHistory(registry, alice, "acme/gadget", "1.2.0", { platform: "browser" });
  await publishHistory(registry, alice, "acme/gadget", "2.0.0", {
    "gren-version": "0.7.0 <= v < 0.8.0",
  });
  const revoked = await call(registry, "DELETE", "/packages/acme/gadget/1.1.0", {
    token: alice,
    json: { reason: "It deletes files it should not." },
  });
  expect(revoked.status).toBe(200);

  await publishHistory(registry, alice, "hidden/thing", "1.0.0", { private: true });

  // For package projects, where the compiler loads lower bounds: upper 2.0.0
  // needs middle 1.x, middle 1.0.0 needs base 1.1+ and tip 1.x. The newest of
  // each would be upper 2.1.0, middle 1.3.0, base 1.1.0, tip 1.5.0.
  for (const version of ["1.0.0", "1.1.0", "2.0.0"]) {
    await publishHistory(registry, alice, "tiers/base", version);
  }
  for (const version of ["1.0.0", "1.2.0", "1.5.0"]) {
    await publishHistory(registry, alice, "tiers/tip", version);
  }
  for (const version of ["1.0.0", "1.3.0"]) {
    await publishHistory(registry, alice, "tiers/middle", version, {
      dependencies: { "tiers/base": "1.1.0 <= v < 2.0.0", "tiers/tip": "1.0.0 <= v < 2.0.0" },
    });
  }
  await publishHistory(registry, alice, "tiers/upper", "2.0.0", {
    dependencies: { "tiers/middle": "1.0.0 <= v < 2.0.0" },
  });
  await publishHistory(registry, alice, "tiers/upper", "2.1.0", {
    dependencies: { "tiers/middle": "1.3.0 <= v < 2.0.0" },
  });
  // A range whose lower bound was revoked after the package was published (one
  // never published is refused at publishing), though a later version is live.
  await publishHistory(registry, alice, "tiers/gap", "1.0.0", {
    dependencies: { "tiers/tip": "1.2.0 <= v < 2.0.0" },
  });
  const withdrawn = await call(registry, "DELETE", "/packages/tiers/tip/1.2.0", {
    token: alice,
    json: { reason: "Published by mistake." },
  });
  expect(withdrawn.status).toBe(200);
  // Two ranges of base with no version in common, which the compiler's
  // intersection lets through when a wider range came first.
  await publishHistory(registry, alice, "tiers/high", "1.0.0", {
    dependencies: { "tiers/base": "2.0.0 <= v < 2.5.0" },
  });
  await publishHistory(registry, alice, "tiers/low", "1.0.0", {
    dependencies: { "tiers/base": "1.0.0 <= v < 1.5.0" },
  });
  // Each user's machine has pinned the registry's log key already, as after its first install.
  for (const home of Object.values(homes)) {
    const pinned = await runCli(["--registry", registry.url, "log", "verify"], { home });
    expect(pinned.code, pinned.stderr).toBe(0);
  }
});

afterAll(async () => {
  await registry.close();
});

const as = (who: keyof typeof homes, args: string[]) =>
  runCli(["--registry", registry.url, ...args], { home: homes[who] });

/** The text the compiler writes for an application's gren.json. */
const applicationText = (direct: Record<string, string>, indirect: Record<string, string> = {}) =>
  JSON.stringify(
    {
      type: "application",
      platform: "node",
      "source-directories": ["src"],
      "gren-version": "0.6.3",
      dependencies: { direct, indirect },
    },
    null,
    4,
  );

/** An application folder as a person keeps it: gren.json with a newline, two-space indents. */
function application(direct: Record<string, string>, indirect: Record<string, string> = {}) {
  const dir = scratch("app-");
  mkdirSync(join(dir, "src"));
  const outline = JSON.parse(applicationText(direct, indirect));
  writeFileSync(join(dir, "gren.json"), `${JSON.stringify(outline, null, 2)}\n`);
  return dir;
}

const outlineOf = (dir: string) => readFileSync(join(dir, "gren.json"), "utf8");

const installed = (dir: string) =>
  existsSync(join(dir, "gren_packages")) ? readdirSync(join(dir, "gren_packages")).sort() : [];

const bundleSha = (dir: string, file: string) =>
  sha256(new Uint8Array(readFileSync(join(dir, "gren_packages", file))));

interface JsonResult {
  project: string;
  grenVersion: string;
  platform: string;
  packages: {
    name: string;
    version: string;
    direct: boolean;
    file: string;
    sha256: string;
    size: number;
    status: string;
  }[];
  outline: {
    updated: boolean;
    changes: { name: string; from: string | null; to: string | null; direct: boolean }[];
  };
}

describe("install in an application", () => {
  it("downloads every bundle the pins need and writes the indirect ones in, as the compiler would", async () => {
    const app = application({ "gren-lang/node": "6.1.1" });
    mkdirSync(join(app, "gren_packages"));
    writeFileSync(join(app, "gren_packages", "notes.txt"), "mine\n");
    writeFileSync(join(app, "gren_packages", "someone_else__1_0_0.pkg.gz"), "not ours");

    const run = await as("nobody", ["install", "--dir", app]);
    expect(run.stderr.split("\n").filter(Boolean)).toEqual([
      "Downloading gren-lang/core 7.0.0 (1/3)",
      "Downloading gren-lang/node 6.1.1 (2/3)",
      "Downloading gren-lang/url 6.0.0 (3/3)",
    ]);
    expect(run.code).toBe(0);
    expect(installed(app)).toEqual([
      CORE.fileName,
      NODE.fileName,
      URL_PACKAGE.fileName,
      "notes.txt",
      "someone_else__1_0_0.pkg.gz",
    ]);
    for (const bundle of [CORE, URL_PACKAGE, NODE]) {
      expect(bundleSha(app, bundle.fileName)).toBe(bundle.sha256);
    }
    expect(readFileSync(join(app, "gren_packages", "notes.txt"), "utf8")).toBe("mine\n");
    expect(outlineOf(app)).toBe(
      applicationText(
        { "gren-lang/node": "6.1.1" },
        { "gren-lang/core": "7.0.0", "gren-lang/url": "6.0.0" },
      ),
    );
    expect(run.stdout).toContain("added gren-lang/core 7.0.0 (indirect)");
    expect(run.stdout).toContain("added gren-lang/url 6.0.0 (indirect)");

    // Again: nothing to download, nothing to write.
    const again = await as("nobody", ["install", "--dir", app, "--json"]);
    expect(again.code).toBe(0);
    expect(again.stderr).toBe("");
    const result = JSON.parse(again.stdout) as JsonResult;
    expect(result.packages.map((p) => [p.name, p.version, p.direct, p.status, p.file])).toEqual([
      ["gren-lang/core", "7.0.0", false, "already-there", `gren_packages/${CORE.fileName}`],
      ["gren-lang/node", "6.1.1", true, "already-there", `gren_packages/${NODE.fileName}`],
      ["gren-lang/url", "6.0.0", false, "already-there", `gren_packages/${URL_PACKAGE.fileName}`],
    ]);
    expect(result.packages[0]!.sha256).toBe(CORE.sha256);
    expect(result.outline).toEqual({ updated: false, changes: [] });

    // The compiler itself finds every bundle it needs and downloads nothing.
    const compiler = await realCompiler(app, ["install"]);
    expect(compiler.output).not.toContain("Starting downloads");
    expect(compiler.code).toBe(0);
    expect(outlineOf(app)).toBe(
      applicationText(
        { "gren-lang/node": "6.1.1" },
        { "gren-lang/core": "7.0.0", "gren-lang/url": "6.0.0" },
      ),
    );
  });

  it("replaces a bundle file holding other bytes, and keeps one with the right bytes", async () => {
    const app = application({ "gren-lang/core": "7.0.0", "gren-lang/url": "6.0.0" });
    mkdirSync(join(app, "gren_packages"));
    writeFileSync(join(app, "gren_packages", CORE.fileName), CORE.bytes);
    writeFileSync(join(app, "gren_packages", URL_PACKAGE.fileName), "truncated");
    const run = await as("nobody", ["install", "--dir", app, "--json"]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as JsonResult;
    expect(result.packages.map((p) => p.status)).toEqual(["already-there", "replaced"]);
    expect(run.stderr).toBe("Downloading gren-lang/url 6.0.0 (1/1)\n");
    expect(bundleSha(app, URL_PACKAGE.fileName)).toBe(URL_PACKAGE.sha256);
    // Everything was listed already: the file stays as its author wrote it.
    expect(result.outline.updated).toBe(false);
    expect(outlineOf(app)).toContain('\n  "type": "application"');
  });

  it("adds a package as a direct dependency, writing gren.json as the compiler's own install does", async () => {
    const app = application({ "gren-lang/core": "7.0.0" });
    const run = await as("nobody", ["install", "gren-lang/url", "--dir", app]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("added gren-lang/url 6.0.0 (direct)");
    expect(installed(app)).toEqual([CORE.fileName, URL_PACKAGE.fileName]);

    // The compiler's `gren package install gren-lang/url`, in the same application
    // with the same bundles, writes the very same bytes.
    const theirs = scratch("app-compiler-");
    cpSync(app, theirs, { recursive: true });
    writeFileSync(join(theirs, "gren.json"), applicationText({ "gren-lang/core": "7.0.0" }));
    const compilerAdd = await realCompiler(theirs, ["install", "gren-lang/url"], ["6.0.0"]);
    expect(compilerAdd.output).not.toContain("Starting downloads");
    expect(compilerAdd.code).toBe(0);
    expect(outlineOf(app)).toBe(outlineOf(theirs));
    expect(outlineOf(app)).toBe(
      applicationText({ "gren-lang/core": "7.0.0", "gren-lang/url": "6.0.0" }),
    );

    const compiler = await realCompiler(app, ["install"]);
    expect(compiler.output).not.toContain("Starting downloads");
    expect(compiler.code).toBe(0);
  });

  it("adds a package whose own dependencies become indirect, and the compiler takes the result", async () => {
    const app = application({ "gren-lang/core": "7.0.0" });
    const run = await as("nobody", ["install", "gren-lang/node", "--dir", app]);
    expect(run.code).toBe(0);
    expect(outlineOf(app)).toBe(
      applicationText(
        { "gren-lang/core": "7.0.0", "gren-lang/node": "6.1.1" },
        { "gren-lang/url": "6.0.0" },
      ),
    );
    const compiler = await realCompiler(app, ["install"]);
    expect(compiler.output).not.toContain("Starting downloads");
    expect(compiler.code).toBe(0);
  });

  it("moves a package that is indirect to the direct dependencies, keeping its version", async () => {
    const app = application(
      { "gren-lang/node": "6.1.1" },
      {
        "gren-lang/core": "7.0.0",
        "gren-lang/url": "6.0.0",
      },
    );
    const run = await as("nobody", ["install", "gren-lang/url", "--dir", app]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("gren-lang/url 6.0.0 becomes a direct dependency.");
    expect(outlineOf(app)).toBe(
      applicationText(
        { "gren-lang/node": "6.1.1", "gren-lang/url": "6.0.0" },
        { "gren-lang/core": "7.0.0" },
      ),
    );
  });
});

describe("local dependencies", () => {
  it("are left where gren.json lists them, and not asked of the registry", async () => {
    const app = application({ "gren-lang/core": "7.0.0", "me/lib": "local:../lib" });
    const run = await as("nobody", ["install", "gren-lang/url", "--dir", app]);
    expect(run.code).toBe(0);
    expect(outlineOf(app)).toBe(
      applicationText({
        "gren-lang/core": "7.0.0",
        "gren-lang/url": "6.0.0",
        "me/lib": "local:../lib",
      }),
    );
    expect(installed(app)).toEqual([CORE.fileName, URL_PACKAGE.fileName]);
  });
});

describe("choosing versions", () => {
  it("takes the newest version that fits at every level", async () => {
    const app = application({});
    const run = await as("nobody", ["install", "acme/top", "--dir", app, "--json"]);
    expect(run.stderr).toContain("(3/3)");
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as JsonResult;
    expect(result.packages.map((p) => `${p.name} ${p.version} ${p.direct}`)).toEqual([
      "acme/leaf 2.3.0 false",
      "acme/mid 1.1.0 false",
      "acme/top 1.2.0 true",
    ]);
    expect(installed(app)).toEqual([
      "acme_leaf__2_3_0.pkg.gz",
      "acme_mid__1_1_0.pkg.gz",
      "acme_top__1_2_0.pkg.gz",
    ]);
    expect(outlineOf(app)).toBe(
      applicationText({ "acme/top": "1.2.0" }, { "acme/leaf": "2.3.0", "acme/mid": "1.1.0" }),
    );
  });

  it("keeps the indirect pins a new package does not need moved, and moves the ones it does", async () => {
    const pinned = { "acme/top": "1.0.0" };
    const app = application(pinned, { "acme/mid": "1.0.0" });
    const keep = await as("nobody", ["install", "acme/loner", "--dir", app]);
    expect(keep.code).toBe(0);
    expect(outlineOf(app)).toBe(
      applicationText({ "acme/loner": "1.0.0", "acme/top": "1.0.0" }, { "acme/mid": "1.0.0" }),
    );

    const move = await as("nobody", ["install", "acme/needs-new-mid", "--dir", app, "--json"]);
    expect(move.code).toBe(0);
    const result = JSON.parse(move.stdout) as JsonResult;
    expect(result.outline.changes).toEqual([
      { name: "acme/leaf", from: null, to: "2.3.0", direct: false },
      { name: "acme/mid", from: "1.0.0", to: "1.1.0", direct: false },
      { name: "acme/needs-new-mid", from: null, to: "1.0.0", direct: true },
    ]);
    expect(outlineOf(app)).toBe(
      applicationText(
        { "acme/loner": "1.0.0", "acme/needs-new-mid": "1.0.0", "acme/top": "1.0.0" },
        { "acme/leaf": "2.3.0", "acme/mid": "1.1.0" },
      ),
    );
  });

  it("says which indirect dependencies gren.json no longer lists when nothing needs them", async () => {
    // The pinned leaf 3.0.0 cannot stay for the new package, so the indirect pins are let go.
    const app = application({}, { "acme/leaf": "3.0.0", "acme/loner": "1.0.0" });
    const run = await as("nobody", ["install", "acme/needs-new-mid", "--dir", app, "--json"]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as JsonResult;
    expect(result.outline).toEqual({
      updated: true,
      changes: [
        { name: "acme/leaf", from: "3.0.0", to: "2.3.0", direct: false },
        { name: "acme/loner", from: "1.0.0", to: null, direct: false },
        { name: "acme/mid", from: null, to: "1.1.0", direct: false },
        { name: "acme/needs-new-mid", from: null, to: "1.0.0", direct: true },
      ],
    });
    expect(outlineOf(app)).toBe(
      applicationText(
        { "acme/needs-new-mid": "1.0.0" },
        { "acme/leaf": "2.3.0", "acme/mid": "1.1.0" },
      ),
    );

    const told = await as("nobody", [
      "install",
      "acme/top",
      "--dir",
      application({}, { "acme/loner": "1.0.0", "acme/mid": "2.0.0" }),
    ]);
    expect(told.code).toBe(0);
    expect(told.stdout).toContain("removed acme/loner 1.0.0 (indirect), which nothing needs now");
  });

  it("skips revoked versions and those for another compiler or platform", async () => {
    const app = application({});
    const run = await as("nobody", ["install", "acme/gadget", "--dir", app]);
    expect(run.code).toBe(0);
    expect(outlineOf(app)).toBe(applicationText({ "acme/gadget": "1.0.0" }));
    expect(installed(app)).toEqual(["acme_gadget__1_0_0.pkg.gz"]);
  });

  it("names a pinned version that was revoked, with its publisher's reason", async () => {
    const app = application({ "acme/gadget": "1.1.0" });
    const run = await as("nobody", ["install", "--dir", app]);
    expect(run.code).toBe(EXIT.notFound);
    expect(run.stderr).toBe(
      `error: gren.json asks for a version that was revoked; choose another (\`gren-registry --registry ${registry.url} versions PACKAGE\` lists them)\n` +
        "  - acme/gadget 1.1.0 was revoked on 2026-11-24: It deletes files it should not.\n",
    );
    expect(installed(app)).toEqual([]);
  });

  it("explains a conflict between pinned packages, with the registry's problems", async () => {
    const app = application({ "acme/left": "1.0.0", "acme/right": "1.0.0" });
    const before = outlineOf(app);
    const run = await as("nobody", ["install", "--dir", app]);
    expect(run.code).toBe(EXIT.conflict);
    expect(run.stdout).toBe("");
    const [first, ...details] = run.stderr.trimEnd().split("\n");
    expect(first).toMatch(/^error: the dependencies in gren\.json cannot all be installed\. \S/);
    expect(details.length).toBeGreaterThan(0);
    for (const detail of details) expect(detail).toMatch(/^ {2}- \S/);
    expect(details.join("\n")).toContain("acme/base");
    expect(outlineOf(app)).toBe(before);
    expect(installed(app)).toEqual([]);
  });

  it("will not add a package that needs a direct dependency changed", async () => {
    const app = application({ "acme/left": "1.0.0" });
    expect((await as("nobody", ["install", "--dir", app])).code).toBe(0);
    const before = outlineOf(app);
    const filesBefore = installed(app);
    const run = await as("nobody", ["install", "acme/right", "--dir", app]);
    expect(run.code).toBe(EXIT.conflict);
    expect(run.stderr).toMatch(
      /^error: acme\/right cannot be added without changing the direct dependencies in gren\.json, so nothing was changed\./,
    );
    expect(run.stderr).toContain("  - ");
    expect(run.stderr).toContain("acme/base");
    expect(outlineOf(app)).toBe(before);
    expect(installed(app)).toEqual(filesBefore);
  });

  it("says a package is not there, added or listed, with exit code 4", async () => {
    const app = application({ "gren-lang/core": "7.0.0" });
    const adding = await as("nobody", ["install", "acme/nothing", "--dir", app]);
    expect(adding.code).toBe(EXIT.notFound);
    expect(adding.stderr).toContain(`error: there is no package acme/nothing on ${registry.url}`);

    const listed = application({ "gren-lang/core": "7.0.0", "acme/nothing": "1.0.0" });
    const run = await as("nobody", ["install", "--dir", listed]);
    expect(run.code).toBe(EXIT.notFound);
    expect(run.stderr).toBe(
      `error: gren.json asks for a package that ${registry.url} does not have: acme/nothing (or it is private, and you are not logged in)\n`,
    );
    expect(installed(listed)).toEqual([]);
  });

  it("offers the registry's close names for a package that is not there", async () => {
    const app = application({ "gren-lang/core": "7.0.0" });
    const adding = await as("nobody", ["install", "gren-lang/cor", "--dir", app]);
    expect(adding.code).toBe(EXIT.notFound);
    expect(adding.stderr).toBe(
      `error: there is no package gren-lang/cor on ${registry.url} (or it is private, and you are not logged in); did you mean gren-lang/core?\n`,
    );
    const listed = application({ "gren-lang/core": "7.0.0", "gren-lang/cor": "1.0.0" });
    const run = await as("nobody", ["install", "--dir", listed]);
    expect(run.code).toBe(EXIT.notFound);
    expect(run.stderr).toBe(
      `error: gren.json asks for a package that ${registry.url} does not have: gren-lang/cor (did you mean gren-lang/core?) (or it is private, and you are not logged in)\n`,
    );
    // A name with a capital letter in its project is explained before anything is asked.
    const capital = await as("nobody", ["install", "gren-lang/Core", "--dir", app]);
    expect(capital.code).toBe(EXIT.usage);
    expect(capital.stderr).toBe(
      'error: "gren-lang/Core" is not a package name: its project is written in lower case; did you mean gren-lang/core?\n',
    );
  });

  it("installs a private package only for members of its identity", async () => {
    for (const who of ["nobody", "bob"] as const) {
      const app = application({});
      const run = await as(who, ["install", "hidden/thing", "--dir", app]);
      expect(run.code).toBe(EXIT.notFound);
      expect(installed(app)).toEqual([]);
    }
    const app = application({});
    const run = await as("alice", ["install", "hidden/thing", "--dir", app]);
    expect(run.code).toBe(0);
    expect(installed(app)).toEqual(["hidden_thing__1_0_0.pkg.gz"]);
    // Once listed, an install by someone who may not see it finds nothing.
    const other = await as("bob", ["install", "--dir", app]);
    expect(other.code).toBe(EXIT.notFound);
  });
});

describe("install in a package", () => {
  const packageOutline = (dependencies: Record<string, string>, platform = "node") => ({
    type: "package",
    platform,
    name: "acme/server",
    summary: "A server",
    license: "BSD-3-Clause",
    version: "1.0.0",
    "exposed-modules": ["Server"],
    "gren-version": "0.6.0 <= v < 0.7.0",
    dependencies,
  });

  /** A package folder whose gren.json is written as a person keeps it; returns it and that text. */
  function packageProject(dependencies: Record<string, string>, platform?: string) {
    const dir = scratch("package-");
    const text = `${JSON.stringify(packageOutline(dependencies, platform), null, 2)}\n`;
    writeFileSync(join(dir, "gren.json"), text);
    return { dir, text };
  }

  /** The compiler, run after install, found every bundle and deleted none: it loads exactly those. */
  async function compilerLoadsExactly(dir: string) {
    const before = installed(dir);
    const compiler = await realCompiler(dir, ["install"]);
    expect(compiler.output).not.toContain("Starting downloads");
    expect(compiler.code).toBe(0);
    expect(installed(dir)).toEqual(before);
  }

  it("installs the versions the compiler loads, and the real compiler needs nothing more", async () => {
    const { dir, text } = packageProject({
      "gren-lang/node": "6.1.1 <= v < 7.0.0",
      "gren-lang/core": "7.0.0 <= v < 8.0.0",
    });
    const run = await as("nobody", ["install", "--dir", dir, "--json"]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as JsonResult;
    expect(result.project).toBe("package");
    expect(result.grenVersion).toBe("0.6.0 <= v < 0.7.0");
    expect(result.packages.map((p) => [p.name, p.version, p.direct, p.status, p.file])).toEqual([
      ["gren-lang/core", "7.0.0", true, "downloaded", `gren_packages/${CORE.fileName}`],
      ["gren-lang/node", "6.1.1", true, "downloaded", `gren_packages/${NODE.fileName}`],
      ["gren-lang/url", "6.0.0", false, "downloaded", `gren_packages/${URL_PACKAGE.fileName}`],
    ]);
    expect(result.packages.map((p) => p.sha256)).toEqual([
      CORE.sha256,
      NODE.sha256,
      URL_PACKAGE.sha256,
    ]);
    expect(installed(dir)).toEqual([CORE.fileName, NODE.fileName, URL_PACKAGE.fileName]);
    for (const bundle of [CORE, URL_PACKAGE, NODE]) {
      expect(bundleSha(dir, bundle.fileName)).toBe(bundle.sha256);
    }
    expect(outlineOf(dir)).toBe(text);

    await compilerLoadsExactly(dir);
    expect(outlineOf(dir)).toBe(text);

    const again = await as("nobody", ["install", "--dir", dir]);
    expect(again.code).toBe(0);
    expect(again.stderr).toBe("");
    expect(again.stdout).toContain("3 packages needed (Gren 0.6.0 <= v < 0.7.0, node)");
  });

  it("takes the lower bound of the first range that reaches each package, level after level", async () => {
    // base is reached first from gren.json, at 1.0.0; middle's narrower range
    // for it (1.1.0 <= v < 2.0.0) comes later and, as in the compiler, changes nothing.
    const { dir, text } = packageProject({
      "tiers/upper": "2.0.0 <= v < 3.0.0",
      "tiers/base": "1.0.0 <= v < 2.0.0",
    });
    const run = await as("nobody", ["install", "--dir", dir, "--json"]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as JsonResult;
    expect(result.packages.map((p) => `${p.name} ${p.version} ${p.direct}`)).toEqual([
      "tiers/base 1.0.0 true",
      "tiers/middle 1.0.0 false",
      "tiers/tip 1.0.0 false",
      "tiers/upper 2.0.0 true",
    ]);
    expect(installed(dir)).toEqual([
      "tiers_base__1_0_0.pkg.gz",
      "tiers_middle__1_0_0.pkg.gz",
      "tiers_tip__1_0_0.pkg.gz",
      "tiers_upper__2_0_0.pkg.gz",
    ]);
    await compilerLoadsExactly(dir);
    expect(outlineOf(dir)).toBe(text);
  });

  it("asks for each package's index once, and never for a resolution", async () => {
    const requests: string[] = [];
    const proxy = createServer(async (request, response) => {
      requests.push(`${request.method} ${request.url}`);
      // Only GETs pass: installing a package asks for nothing else.
      const answer = await fetch(registry.url + request.url, {
        headers: { accept: request.headers.accept ?? "*/*" },
      });
      response.statusCode = answer.status;
      for (const header of ["content-type", "etag"]) {
        const value = answer.headers.get(header);
        if (value) response.setHeader(header, value);
      }
      response.end(new Uint8Array(await answer.arrayBuffer()));
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = proxy.address() as AddressInfo;
      // Four requirements of base, three of middle's dependencies: still one index each.
      const { dir } = packageProject({
        "tiers/upper": "2.0.0 <= v < 3.0.0",
        "tiers/middle": "1.0.0 <= v < 2.0.0",
        "tiers/base": "1.0.0 <= v < 2.0.0",
        "tiers/low": "1.0.0 <= v < 2.0.0",
      });
      const run = await runCli(
        ["--registry", `http://127.0.0.1:${port}`, "install", "--dir", dir],
        { home: homes.nobody },
      );
      expect(run.code).toBe(0);
      const indexes = requests.filter((r) => r.endsWith("/index")).sort();
      expect(indexes).toEqual(
        ["base", "low", "middle", "tip", "upper"].map((p) => `GET /packages/tiers/${p}/index`),
      );
      expect(requests.filter((r) => r.startsWith("POST"))).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });

  it("intersects ranges as the compiler does, which lets some through that share no version", async () => {
    // base: 1.0.0 <= v < 3.0.0, then high's 2.0.0 <= v < 2.5.0, then low's
    // 1.0.0 <= v < 1.5.0. The compiler keeps 1.0.0 as the lower bound after the
    // second, so the third does not conflict, and it builds with base 1.0.0.
    const { dir } = packageProject({
      "tiers/base": "1.0.0 <= v < 3.0.0",
      "tiers/high": "1.0.0 <= v < 2.0.0",
      "tiers/low": "1.0.0 <= v < 2.0.0",
    });
    const run = await as("nobody", ["install", "--dir", dir, "--json"]);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as JsonResult).packages.map((p) => p.version)).toEqual([
      "1.0.0",
      "1.0.0",
      "1.0.0",
    ]);
    await compilerLoadsExactly(dir);
  });

  it("names a lower bound the registry does not have, and who asked for it, with exit code 4", async () => {
    const fromProject = packageProject({
      "gren-lang/core": "7.0.0 <= v < 8.0.0",
      "gren-lang/node": "6.0.0 <= v < 7.0.0",
    });
    const run = await as("nobody", ["install", "--dir", fromProject.dir]);
    expect(run.code).toBe(EXIT.notFound);
    expect(run.stderr).toBe(
      `error: gren.json asks for gren-lang/node 6.0.0 <= v < 7.0.0, and Gren 0.6 loads exactly its lower bound, 6.0.0, which ${registry.url} does not have (in that range it has 6.1.1)\n`,
    );
    expect(installed(fromProject.dir)).toEqual([]);
    expect(outlineOf(fromProject.dir)).toBe(fromProject.text);

    // A published package can lose its lower bound only to a revocation.
    const fromPackage = packageProject({ "tiers/gap": "1.0.0 <= v < 2.0.0" });
    const deeper = await as("nobody", ["install", "--dir", fromPackage.dir]);
    expect(deeper.code).toBe(EXIT.notFound);
    expect(deeper.stderr).toBe(
      "error: tiers/gap 1.0.0 asks for tiers/tip 1.2.0 <= v < 2.0.0, and Gren 0.6 loads exactly its lower bound, 1.2.0, which was revoked on 2026-11-24: Published by mistake. (in that range it has 1.5.0)\n",
    );
    expect(installed(fromPackage.dir)).toEqual([]);
  });

  it("names a revoked lower bound with when and why, with exit code 4", async () => {
    const { dir, text } = packageProject({ "acme/gadget": "1.1.0 <= v < 2.0.0" });
    const run = await as("nobody", ["install", "--dir", dir]);
    expect(run.code).toBe(EXIT.notFound);
    expect(run.stderr).toBe(
      "error: gren.json asks for acme/gadget 1.1.0 <= v < 2.0.0, and Gren 0.6 loads exactly its lower bound, 1.1.0, which was revoked on 2026-11-24: It deletes files it should not. (in that range it has 1.2.0)\n",
    );
    expect(installed(dir)).toEqual([]);
    expect(outlineOf(dir)).toBe(text);
  });

  it("says a package is not there for whoever may not see it", async () => {
    const missing = packageProject({ "acme/nothing": "1.0.0 <= v < 2.0.0" });
    const run = await as("nobody", ["install", "--dir", missing.dir]);
    expect(run.code).toBe(EXIT.notFound);
    expect(run.stderr).toBe(
      `error: gren.json asks for acme/nothing 1.0.0 <= v < 2.0.0, but ${registry.url} has no package acme/nothing (or it is private, and you are not logged in)\n`,
    );

    const { dir } = packageProject({ "hidden/thing": "1.0.0 <= v < 2.0.0" });
    const bob = await as("bob", ["install", "--dir", dir]);
    expect(bob.code).toBe(EXIT.notFound);
    expect(bob.stderr).toBe(
      `error: gren.json asks for hidden/thing 1.0.0 <= v < 2.0.0, but ${registry.url} has no package hidden/thing\n`,
    );
    expect(installed(dir)).toEqual([]);
    const member = await as("alice", ["install", "--dir", dir]);
    expect(member.code).toBe(0);
    expect(installed(dir)).toEqual(["hidden_thing__1_0_0.pkg.gz"]);
  });

  it("refuses ranges with no version in common, naming each and who asked, with exit code 5", async () => {
    const { dir, text } = packageProject({
      "acme/left": "1.0.0 <= v < 2.0.0",
      "acme/right": "1.0.0 <= v < 2.0.0",
    });
    const run = await as("nobody", ["install", "--dir", dir]);
    expect(run.code).toBe(EXIT.conflict);
    expect(run.stderr).toBe(
      "error: the ranges asked for acme/base have no version in common, which Gren 0.6 refuses: acme/right 1.0.0 asks for 2.0.0 <= v < 3.0.0, and the ranges before it leave 1.0.0 <= v < 2.0.0\n" +
        "  - acme/left 1.0.0 asks for 1.0.0 <= v < 2.0.0\n" +
        "  - acme/right 1.0.0 asks for 2.0.0 <= v < 3.0.0\n",
    );
    expect(installed(dir)).toEqual([]);
    expect(outlineOf(dir)).toBe(text);
  });

  it("refuses a version the compiler would refuse for its gren-version or platform", async () => {
    const newer = packageProject({ "acme/gadget": "2.0.0 <= v < 3.0.0" });
    const compiler = await as("nobody", ["install", "--dir", newer.dir]);
    expect(compiler.code).toBe(EXIT.conflict);
    expect(compiler.stderr).toBe(
      "error: Gren 0.6 would refuse what this package's ranges lead it to: a version that does not fit the package's gren-version (0.6.0 <= v < 0.7.0) or platform (node). Raise the lower bound of the range that reaches it, so that the compiler loads a version that fits\n" +
        "  - acme/gadget 2.0.0 (the lower bound of 2.0.0 <= v < 3.0.0, asked for by gren.json) works with Gren 0.7.0 <= v < 0.8.0 only\n",
    );
    expect(installed(newer.dir)).toEqual([]);

    const browser = packageProject({ "acme/gadget": "1.2.0 <= v < 2.0.0" });
    const platform = await as("nobody", ["install", "--dir", browser.dir]);
    expect(platform.code).toBe(EXIT.conflict);
    expect(platform.stderr).toContain(
      "  - acme/gadget 1.2.0 (the lower bound of 1.2.0 <= v < 2.0.0, asked for by gren.json) is for browser, and a node package can use only node and common packages\n",
    );
    // A browser package may use it.
    const forBrowser = packageProject({ "acme/gadget": "1.2.0 <= v < 2.0.0" }, "browser");
    expect((await as("nobody", ["install", "--dir", forBrowser.dir])).code).toBe(0);
    expect(installed(forBrowser.dir)).toEqual(["acme_gadget__1_2_0.pkg.gz"]);
  });

  it("will not add a dependency to a package, but says which range to write", async () => {
    const { dir, text } = packageProject({ "gren-lang/core": "7.0.0 <= v < 8.0.0" });
    const run = await as("nobody", ["install", "gren-lang/url", "--dir", dir]);
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toContain('"gren-lang/url": "6.0.0 <= v < 7.0.0"');
    expect(installed(dir)).toEqual([]);
    expect(outlineOf(dir)).toBe(text);
  });

  it("has no --gren: the compiler's choice does not depend on its version", async () => {
    const { dir } = packageProject({ "gren-lang/core": "7.0.0 <= v < 8.0.0" });
    const run = await as("nobody", ["install", "--dir", dir, "--gren", "0.6.3"]);
    expect(run.code).toBe(EXIT.usage);
    expect(installed(dir)).toEqual([]);
  });
});

describe("install's own checks", () => {
  it("says what is wrong with a gren.json, all at once", async () => {
    const dir = scratch("app-");
    writeFileSync(
      join(dir, "gren.json"),
      JSON.stringify({
        type: "application",
        platform: "desktop",
        "source-directories": ["src"],
        "gren-version": "0.6.0 <= v < 0.7.0",
        dependencies: { direct: { "gren-lang/core": "^7.0.0" }, indirect: {} },
      }),
    );
    const run = await as("nobody", ["install", "--dir", dir]);
    expect(run.code).toBe(EXIT.failed);
    const lines = run.stderr.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^error: \S+gren\.json cannot be installed from: 3 problems to fix$/);
    expect(lines.slice(1).join("\n")).toContain('"platform"');
    expect(lines.slice(1).join("\n")).toContain('"gren-version"');
    expect(lines.slice(1).join("\n")).toContain("gren-lang/core");
  });

  it("writes no bundle whose bytes are not the ones the resolution named", async () => {
    // A registry (or something between) that serves other bytes than it resolved to.
    const server = createServer((request, response) => {
      if (request.method === "POST" && request.url === "/resolve") {
        response.setHeader("content-type", "application/json");
        response.end(
          JSON.stringify({
            packages: {
              "gren-lang/core": {
                version: "7.0.0",
                sha256: "0".repeat(64),
                size: CORE.bytes.byteLength,
              },
            },
          }),
        );
      } else {
        response.setHeader("etag", `"${CORE.sha256}"`);
        response.end(CORE.bytes);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const app = application({ "gren-lang/core": "7.0.0" });
      const before = outlineOf(app);
      const run = await runCli(
        ["--registry", `http://127.0.0.1:${port}`, "install", "--dir", app],
        { home: homes.nobody },
      );
      expect(run.code).toBe(EXIT.unavailable);
      expect(run.stderr).toContain(
        `error: refusing gren-lang/core 7.0.0: the bytes received have sha256 ${CORE.sha256}, but the version was published with sha256 ${"0".repeat(64)}`,
      );
      expect(installed(app)).toEqual([]);
      expect(outlineOf(app)).toBe(before);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("needs a gren.json", async () => {
    const run = await as("nobody", ["install", "--dir", scratch("empty-")]);
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toMatch(/^error: there is no \S+gren\.json/);
  });
});
