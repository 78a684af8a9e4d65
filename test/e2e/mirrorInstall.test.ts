import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/cliError.ts";
import { generateSignerKey, parseSignerKey, signNote } from "../../src/log/note.ts";
import { makeBundle, packageOutline } from "../support/bundles.ts";
import { runCli } from "../support/cli.ts";
import { GREN_COMPILER_VERSION, runGrenPackage } from "../support/grenCompiler.ts";
import { eventually } from "../support/ops.ts";
import { createIdentity, download, publish, sha256 } from "../support/publishing.ts";
import { CORE, NODE, publishReal, URL_PACKAGE } from "../support/realBundles.ts";
import {
  call,
  login,
  startRegistry,
  type TestRegistry,
  temporaryDir,
} from "../support/registry.ts";
import { scratchDirectories } from "../support/scratch.ts";
import { hasNginx, NGINX, type StaticServer, startNginx } from "../support/staticServers.ts";

// Installing with the registry down: a registry keeps its static mirror in a
// folder, nginx serves the folder as the README says, the registry stops,
// and `gren-registry install --mirror` fills gren_packages/ from the mirror
// alone, each bundle proved by the mirror's copy of the transparency log. A
// mirror whose files were changed is refused, and nothing is written.

const scratch = scratchDirectories();

let registry: TestRegistry;
let registryUrl: string;
let logKey: string;
let mirrorDir: string;
/** nginx serving the registry's own mirror folder. */
let nginx: StaticServer;
/** A copy of the mirror, changed by each test of a tampered mirror, served by nginx too. */
let tamperedDir: string;
let tampered: StaticServer;
/** What the registry served for acme/gears before it stopped. */
const gearsBundles = new Map<string, Uint8Array>();
/** A machine that has installed from the registry before, and so pinned its log key. */
let pinnedHome: string;
/** The log's checkpoint when that machine installed, before the last changes. */
let earlierCheckpoint: string;

const mirrored = (path: string) => readFileSync(join(mirrorDir, path));

async function caughtUp(): Promise<void> {
  const feed = await call<{ events: { seq: number }[] }>(registry, "GET", "/feed");
  const change = feed.body.events.at(-1)?.seq ?? 0;
  const checkpoint = Buffer.from((await download(registry, "/log/checkpoint")).bytes);
  await eventually(async () => {
    if (!existsSync(join(mirrorDir, "mirror.json"))) return undefined;
    const manifest = JSON.parse(mirrored("mirror.json").toString()) as { change: number };
    return manifest.change === change && mirrored("log/checkpoint").equals(checkpoint)
      ? true
      : undefined;
  }, `the mirror to reach change ${change}`);
}

beforeAll(async () => {
  mirrorDir = join(temporaryDir("mirror-"), "mirror");
  registry = await startRegistry({ REGISTRY_MIRROR: `file://${mirrorDir}` });
  registryUrl = registry.url;
  await publishReal(registry);
  const token = await login(registry, "publisher@example.com");
  await createIdentity(registry, token, "acme");
  for (const version of ["1.0.0", "1.1.0"]) {
    gearsBundles.set(version, await publish(registry, token, "acme/gears", version));
  }
  logKey = Buffer.from((await download(registry, "/log/key")).bytes)
    .toString()
    .trim();
  await caughtUp();
  earlierCheckpoint = mirrored("log/checkpoint").toString();

  // This machine installed from the registry then, which pinned its key and
  // kept the checkpoint it saw: the mirror's must extend it.
  pinnedHome = scratch("home-pinned-");
  const app = application({ "gren-lang/core": "7.0.0" });
  const first = await runCli(["--registry", registryUrl, "install", "--dir", app], {
    home: pinnedHome,
  });
  expect(first.code, first.stderr).toBe(0);

  gearsBundles.set("1.2.0", await publish(registry, token, "acme/gears", "1.2.0"));
  // Published, then revoked: the mirror must not offer it.
  const revoked = await call(registry, "DELETE", "/packages/acme/gears/1.2.0", {
    token,
    json: { reason: "Strips its teeth under load." },
  });
  expect(revoked.status).toBe(200);
  await publish(registry, token, "acme/secret", "1.0.0", { private: true });
  await caughtUp();
  await registry.close();

  if (!hasNginx) return;
  nginx = await startNginx(mirrorDir);
  tamperedDir = join(temporaryDir("tampered-"), "mirror");
  cpSync(mirrorDir, tamperedDir, { recursive: true });
  tampered = await startNginx(tamperedDir);
}, 60_000);

afterAll(async () => {
  await nginx?.stop();
  await tampered?.stop();
  rmSync(join(mirrorDir, ".."), { recursive: true, force: true });
  if (tamperedDir) rmSync(join(tamperedDir, ".."), { recursive: true, force: true });
});

/** The text the compiler writes for an application's gren.json. */
const applicationText = (direct: Record<string, string>, indirect: Record<string, string> = {}) =>
  JSON.stringify(
    {
      type: "application",
      platform: "node",
      "source-directories": ["src"],
      "gren-version": GREN_COMPILER_VERSION,
      dependencies: { direct, indirect },
    },
    null,
    4,
  );

function application(direct: Record<string, string>, indirect: Record<string, string> = {}) {
  const dir = scratch("app-");
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "gren.json"), applicationText(direct, indirect));
  return dir;
}

function packageProject(dependencies: Record<string, string>) {
  const dir = scratch("package-");
  const text = `${JSON.stringify(
    {
      type: "package",
      platform: "node",
      name: "acme/server",
      summary: "A server",
      license: "BSD-3-Clause",
      version: "1.0.0",
      "exposed-modules": ["Server"],
      "gren-version": "0.6.0 <= v < 0.7.0",
      dependencies,
    },
    null,
    2,
  )}\n`;
  writeFileSync(join(dir, "gren.json"), text);
  return { dir, text };
}

const outlineOf = (dir: string) => readFileSync(join(dir, "gren.json"), "utf8");

const installed = (dir: string) =>
  existsSync(join(dir, "gren_packages")) ? readdirSync(join(dir, "gren_packages")).sort() : [];

const bundleSha = (dir: string, file: string) =>
  sha256(new Uint8Array(readFileSync(join(dir, "gren_packages", file))));

/** What the CLI said but the downloads it started. */
const withoutDownloads = (stderr: string) =>
  stderr
    .split("\n")
    .filter((line) => !line.startsWith("Downloading "))
    .join("\n");

/** A machine that knows the registry's log key, and has seen this one checkpoint of its log. */
function homeThatSaw(checkpoint: string): string {
  const home = scratch("home-saw-");
  mkdirSync(join(home, ".gren"));
  writeFileSync(
    join(home, ".gren", "transparency-log.json"),
    JSON.stringify({ registries: { [registryUrl]: { key: logKey, checkpoints: [checkpoint] } } }),
  );
  return home;
}

/** The CLI of a machine that knows the registry only by its address, which answers no more. */
function fromMirror(
  mirror: string,
  args: string[],
  options: { home?: string; env?: Record<string, string> } = {},
) {
  return runCli(["--registry", registryUrl, "install", "--mirror", mirror, ...args], {
    home: options.home ?? pinnedHome,
    env: options.env ?? {},
  });
}

interface JsonResult {
  source: { kind: string; url: string };
  packages: { name: string; version: string; direct: boolean; status: string }[];
}

if (!hasNginx) {
  console.warn(
    `Skipping the tests of installing from a mirror: there is no nginx at ${NGINX} (run \`node scripts/ensure-nginx.mjs\`, as root on Debian, to install it).`,
  );
}

describe.skipIf(!hasNginx)("installing from a mirror while the registry is down", () => {
  it("fills an application's gren_packages/ from the mirror alone, and the compiler needs nothing more", async () => {
    const app = application({ "gren-lang/node": "6.1.1" });
    const run = await fromMirror(nginx.url, ["--dir", app, "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as JsonResult;
    expect(result.source).toEqual({ kind: "mirror", url: nginx.url });
    expect(result.packages.map((p) => [p.name, p.version, p.direct, p.status])).toEqual([
      ["gren-lang/core", "7.0.0", false, "downloaded"],
      ["gren-lang/node", "6.1.1", true, "downloaded"],
      ["gren-lang/url", "6.0.0", false, "downloaded"],
    ]);
    for (const bundle of [CORE, URL_PACKAGE, NODE]) {
      expect(bundleSha(app, bundle.fileName)).toBe(bundle.sha256);
    }
    expect(outlineOf(app)).toBe(
      applicationText(
        { "gren-lang/node": "6.1.1" },
        { "gren-lang/core": "7.0.0", "gren-lang/url": "6.0.0" },
      ),
    );

    const compiler = await runGrenPackage(app, ["install"]);
    expect(compiler.output).not.toContain("Starting downloads");
    expect(compiler.code).toBe(0);
  });

  it("adds a package to an application, choosing as the registry would: never a revoked version", async () => {
    const app = application({ "gren-lang/core": "7.0.0" });
    const run = await fromMirror(nginx.url, ["acme/gears", "--dir", app]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`From the mirror at ${nginx.url}:`);
    expect(run.stdout).toContain("added acme/gears 1.1.0 (direct)");
    expect(installed(app)).toEqual(["acme_gears__1_1_0.pkg.gz", CORE.fileName]);
    expect(bundleSha(app, "acme_gears__1_1_0.pkg.gz")).toBe(sha256(gearsBundles.get("1.1.0")!));
    const compiler = await runGrenPackage(app, ["install"]);
    expect(compiler.output).not.toContain("Starting downloads");
    expect(compiler.code).toBe(0);
  });

  it("fills a package's gren_packages/ with the versions the compiler loads, from the mirror's indexes", async () => {
    const { dir, text } = packageProject({
      "gren-lang/node": "6.1.1 <= v < 7.0.0",
      "gren-lang/core": "7.0.0 <= v < 8.0.0",
      "acme/gears": "1.0.0 <= v < 2.0.0",
    });
    const run = await fromMirror(nginx.url, ["--dir", dir, "--json"]);
    expect(run.code, run.stderr).toBe(0);
    expect(
      (JSON.parse(run.stdout) as JsonResult).packages.map((p) => `${p.name} ${p.version}`),
    ).toEqual([
      "acme/gears 1.0.0",
      "gren-lang/core 7.0.0",
      "gren-lang/node 6.1.1",
      "gren-lang/url 6.0.0",
    ]);
    expect(outlineOf(dir)).toBe(text);

    const before = installed(dir);
    const compiler = await runGrenPackage(dir, ["install"]);
    expect(compiler.output).not.toContain("Starting downloads");
    expect(compiler.code).toBe(0);
    expect(installed(dir)).toEqual(before);
  });

  it("says a private package is not there, and a revoked pin was revoked and why", async () => {
    const app = application({});
    const secret = await fromMirror(nginx.url, ["acme/secret", "--dir", app]);
    expect(secret.code).toBe(EXIT.notFound);
    expect(secret.stderr).toBe(
      `error: there is no package acme/secret on ${nginx.url} (a mirror holds public packages only)\n`,
    );
    const pinned = application({ "acme/gears": "1.2.0" });
    const revoked = await fromMirror(nginx.url, ["--dir", pinned]);
    expect(revoked.code).toBe(EXIT.notFound);
    expect(revoked.stderr).toContain("  - acme/gears 1.2.0 was revoked on ");
    expect(revoked.stderr).toContain(": Strips its teeth under load.\n");
    expect(installed(app)).toEqual([]);
    expect(installed(pinned)).toEqual([]);
  });

  it("needs the registry's log key, which a mirror cannot vouch for", async () => {
    const app = application({ "gren-lang/core": "7.0.0" });
    const stranger = await fromMirror(nginx.url, ["--dir", app], { home: scratch("home-new-") });
    expect(stranger.code).toBe(EXIT.unproven);
    expect(stranger.stderr).toContain(
      `error: this machine has not pinned ${registryUrl}'s transparency log key, and ${nginx.url} cannot vouch for it`,
    );
    expect(installed(app)).toEqual([]);

    const given = await fromMirror(nginx.url, ["--dir", app], {
      home: scratch("home-new-"),
      env: { GREN_REGISTRY_LOG_KEY: logKey },
    });
    expect(given.code, given.stderr).toBe(0);
    expect(installed(app)).toEqual([CORE.fileName]);
  });

  it("says so when no mirror is where it is told to look, or it is told of none", async () => {
    const app = application({ "gren-lang/core": "7.0.0" });
    const nowhere = await fromMirror(`${nginx.url}/elsewhere`, ["--dir", app]);
    expect(nowhere.code).toBe(EXIT.usage);
    expect(nowhere.stderr).toBe(
      `error: there is no mirror of a Gren registry at ${nginx.url}/elsewhere: it has no mirror.json\n`,
    );
    const unnamed = await runCli(["--registry", registryUrl, "install", "--mirror", "--dir", app], {
      home: pinnedHome,
    });
    expect(unnamed.code).toBe(EXIT.usage);
    expect(unnamed.stderr).toBe(
      "error: --mirror needs a URL, or GREN_REGISTRY_MIRROR to name the mirror\n",
    );
    expect(installed(app)).toEqual([]);
  });

  it("falls back to the mirror named in the environment, and says so", async () => {
    const app = application({ "gren-lang/core": "7.0.0", "gren-lang/url": "6.0.0" });
    const run = await runCli(["--registry", registryUrl, "install", "--dir", app], {
      home: pinnedHome,
      env: { GREN_REGISTRY_MIRROR: nginx.url },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(
      new RegExp(
        `^The registry at ${registryUrl} cannot be reached \\(cannot reach the registry at ${registryUrl}[^\\n]*\\); installing from its mirror at ${nginx.url} instead\\.\\n`,
      ),
    );
    expect(installed(app)).toEqual([CORE.fileName, URL_PACKAGE.fileName]);
  });
});

describe.skipIf(!hasNginx)("a mirror that was tampered with", () => {
  /** The tampered copy, as it was before anything was changed. */
  const restore = () => {
    rmSync(tamperedDir, { recursive: true, force: true });
    cpSync(mirrorDir, tamperedDir, { recursive: true });
  };
  const gearsIndex = () =>
    JSON.parse(readFileSync(join(tamperedDir, "packages/acme/gears/index"), "utf8")) as {
      versions: Record<string, unknown>[];
    };
  const writeGearsIndex = (index: unknown) =>
    writeFileSync(join(tamperedDir, "packages/acme/gears/index"), JSON.stringify(index));
  const other = makeBundle({
    outline: packageOutline({ name: "acme/gears", version: "1.1.0" }),
    sources: { Gears: "module Gears exposing (..)\n\nstolen = 1\n" },
  });

  /**
   * Installs acme/gears from the tampered copy: it must fail, and write
   * nothing. Its exit code, and what it said after what it downloaded.
   */
  async function refused(home = pinnedHome) {
    const app = application({ "gren-lang/core": "7.0.0" });
    const before = outlineOf(app);
    const run = await fromMirror(tampered.url, ["acme/gears", "--dir", app], { home });
    expect(installed(app)).toEqual([]);
    expect(outlineOf(app)).toBe(before);
    expect(run.stdout).toBe("");
    return { code: run.code, stderr: withoutDownloads(run.stderr) };
  }

  it("is refused when a bundle's bytes were changed", async () => {
    restore();
    writeFileSync(join(tamperedDir, "packages/acme/gears/1.1.0/bundle"), other);
    const run = await refused();
    expect(run.code).toBe(EXIT.unavailable);
    expect(run.stderr).toBe(
      `error: refusing acme/gears 1.1.0: the bytes received have sha256 ${sha256(other)}, but the version was published with sha256 ${sha256(gearsBundles.get("1.1.0")!)}\n`,
    );
  });

  it("is refused when a bundle and its index's sha256 were changed together", async () => {
    restore();
    writeFileSync(join(tamperedDir, "packages/acme/gears/1.1.0/bundle"), other);
    const index = gearsIndex();
    const entry = index.versions.find((v) => v.version === "1.1.0")!;
    Object.assign(entry, { sha256: sha256(other), size: other.byteLength });
    writeGearsIndex(index);
    const run = await refused();
    expect(run.code).toBe(EXIT.unproven);
    expect(run.stderr).toBe(
      `error: refusing acme/gears 1.1.0 from ${tampered.url}: the registry's transparency log does not prove it (the log has it published with sha256 ${sha256(gearsBundles.get("1.1.0")!)}, but the mirror serves sha256 ${sha256(other)})\n`,
    );
  });

  it("is refused when a version was added to an index", async () => {
    restore();
    const index = gearsIndex();
    const real = index.versions.find((v) => v.version === "1.1.0")!;
    // A newer version, whose bundle is one of the real ones, pointing at a real entry of the log.
    index.versions.push({ ...real, version: "1.3.0", revoked: null });
    writeGearsIndex(index);
    mkdirSync(join(tamperedDir, "packages/acme/gears/1.3.0"));
    writeFileSync(
      join(tamperedDir, "packages/acme/gears/1.3.0/bundle"),
      gearsBundles.get("1.1.0")!,
    );
    const run = await refused();
    expect(run.code).toBe(EXIT.unproven);
    expect(run.stderr).toBe(
      `error: refusing acme/gears 1.3.0 from ${tampered.url}: the registry's transparency log does not prove it (entry ${real.logIndex} logs publish acme/gears 1.1.0)\n`,
    );
  });

  it("is taken behind what this machine saw only at a checkpoint it saw before", async () => {
    restore();
    // The mirror as it was when the pinned machine last asked the registry.
    writeFileSync(join(tamperedDir, "log/checkpoint"), earlierCheckpoint);
    const app = application({ "gren-lang/core": "7.0.0" });
    const behind = await fromMirror(tampered.url, ["acme/gears", "--dir", app]);
    expect(behind.code, behind.stderr).toBe(0);
    expect(installed(app)).toEqual(["acme_gears__1_1_0.pkg.gz", CORE.fileName]);

    // A machine that saw only the newest checkpoint cannot tell the older one is part of it.
    const home = scratch("home-new-");
    const env = { GREN_REGISTRY_LOG_KEY: logKey };
    const newest = await fromMirror(
      nginx.url,
      ["--dir", application({ "gren-lang/core": "7.0.0" })],
      { home, env },
    );
    expect(newest.code, newest.stderr).toBe(0);
    const refusedApp = application({ "gren-lang/core": "7.0.0" });
    const older = await fromMirror(tampered.url, ["acme/gears", "--dir", refusedApp], {
      home,
      env,
    });
    expect(older.code).toBe(EXIT.unproven);
    expect(withoutDownloads(older.stderr)).toMatch(
      new RegExp(
        `^error: ${tampered.url}, a mirror of ${registryUrl}, serves its transparency log at \\d+ entries, but this machine saw \\d+ and never that one: the mirror is behind the registry`,
      ),
    );
    expect(installed(refusedApp)).toEqual([]);
  });

  it("is refused when a tile of its log was changed", async () => {
    restore();
    const tiles = readdirSync(join(tamperedDir, "log/tile/0"), { recursive: true })
      .map(String)
      .filter((path) => /\.p\/\d+$/.test(path));
    for (const path of tiles) {
      const file = join(tamperedDir, "log/tile/0", path);
      const bytes = readFileSync(file);
      bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 1, bytes.length - 1);
      writeFileSync(file, bytes);
    }
    // A machine that saw an older checkpoint finds the new one does not extend it.
    const sawEarlier = await refused(homeThatSaw(earlierCheckpoint));
    expect(sawEarlier.code).toBe(EXIT.unproven);
    expect(sawEarlier.stderr).toBe(
      `error: The transparency log ${tampered.url} serves for ${registryUrl} of 8 entries does not extend the 5 this machine saw before: the registry forked or rewrote its history, and shows different users different versions\n`,
    );
    // One that saw this very checkpoint finds the bundle's entry is not in its tree.
    const sawNewest = await refused(homeThatSaw(mirrored("log/checkpoint").toString()));
    expect(sawNewest.code).toBe(EXIT.unproven);
    expect(sawNewest.stderr).toMatch(
      /^error: refusing acme\/gears 1\.1\.0 from \S+: the registry's transparency log does not prove it \(entry \d+ is not in the tree of 8 entries the registry signed\)\n$/,
    );
  });

  it("cannot sign a checkpoint of its own: one signed by another key is refused", async () => {
    restore();
    const note = readFileSync(join(tamperedDir, "log/checkpoint"), "utf8");
    const text = note.slice(0, note.indexOf("\n\n") + 1);
    const forger = parseSignerKey(generateSignerKey(text.split("\n")[0]!));
    if (!forger.ok) throw new Error(forger.error);
    writeFileSync(join(tamperedDir, "log/checkpoint"), signNote(text, forger.value));
    const run = await refused();
    expect(run.code).toBe(EXIT.unproven);
    expect(run.stderr).toContain(
      `error: the checkpoint ${tampered.url} serves is not signed by the transparency log key this machine trusts (${logKey})`,
    );
  });
});
