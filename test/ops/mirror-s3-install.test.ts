import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.ts";
import { GREN_COMPILER_VERSION, runGrenPackage } from "../support/grenCompiler.ts";
import { eventually, killStrays } from "../support/ops.ts";
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
import { freePort, S3RVER_KEYS, type S3Server, startS3Server } from "../support/staticServers.ts";

// The registry's mirror in a bucket of a server that speaks the S3 protocol,
// read by anyone over plain HTTP, as a CDN in front of it would be: with the
// registry stopped, `install` falls back to the mirror the environment names,
// says so, and fills gren_packages/ for an application and for a package
// from the bucket alone, as `install --mirror` does when told to.

const BUCKET = "gren-mirror";
const PREFIX = "registry";

const scratch = scratchDirectories();

let dir: string;
let s3: S3Server;
let registry: TestRegistry;
let registryUrl: string;
/** The bucket's folder, as anyone reads it. */
let mirrorUrl: string;
/** A machine that installed from the registry once, and so pinned its log key. */
let home: string;
const gears = new Map<string, Uint8Array>();

const fromBucket = (path: string) => download({ url: mirrorUrl }, `/${path}`);

async function caughtUp(): Promise<void> {
  const feed = await call<{ events: { seq: number }[] }>(registry, "GET", "/feed");
  const change = feed.body.events.at(-1)?.seq ?? 0;
  const checkpoint = Buffer.from((await download(registry, "/log/checkpoint")).bytes);
  await eventually(async () => {
    const [manifest, log] = await Promise.all([
      fromBucket("mirror.json"),
      fromBucket("log/checkpoint"),
    ]);
    if (manifest.status !== 200) return undefined;
    const says = JSON.parse(Buffer.from(manifest.bytes).toString()) as { change: number };
    return says.change === change && Buffer.from(log.bytes).equals(checkpoint) ? true : undefined;
  }, `the bucket to reach change ${change}`);
}

beforeAll(async () => {
  dir = temporaryDir("registry-s3-install-");
  s3 = await startS3Server(BUCKET, join(dir, "s3"));
  mirrorUrl = `${s3.url}/${BUCKET}/${PREFIX}`;
  registry = await startRegistry(
    {
      REGISTRY_MIRROR: `s3://${BUCKET}/${PREFIX}`,
      REGISTRY_MIRROR_S3_ENDPOINT: s3.url,
      REGISTRY_MIRROR_S3_ACCESS_KEY_ID: S3RVER_KEYS.accessKeyId,
      REGISTRY_MIRROR_S3_SECRET_ACCESS_KEY: S3RVER_KEYS.secretAccessKey,
      REGISTRY_MIRROR_RETRY_MS: "50",
    },
    { dir: join(dir, "registry"), port: await freePort(), systemClock: true },
  );
  registryUrl = registry.url;
  await publishReal(registry);
  const token = await login(registry, "publisher@example.com");
  await createIdentity(registry, token, "acme");
  for (const version of ["1.0.0", "1.1.0", "1.2.0"]) {
    gears.set(version, await publish(registry, token, "acme/gears", version));
  }
  const revoked = await call(registry, "DELETE", "/packages/acme/gears/1.2.0", {
    token,
    json: { reason: "Strips its teeth under load." },
  });
  expect(revoked.status).toBe(200);
  await publish(registry, token, "acme/secret", "1.0.0", { private: true });
  await caughtUp();

  home = scratch("home-");
  const first = await runCli(
    ["--registry", registryUrl, "install", "--dir", application({ "gren-lang/core": "7.0.0" })],
    { home },
  );
  expect(first.code, first.stderr).toBe(0);
  await registry.close();
}, 60_000);

afterAll(async () => {
  await s3?.stop();
  await killStrays();
  rmSync(dir, { recursive: true, force: true });
});

function application(direct: Record<string, string>) {
  const app = scratch("app-");
  mkdirSync(join(app, "src"));
  writeFileSync(
    join(app, "gren.json"),
    JSON.stringify({
      type: "application",
      platform: "node",
      "source-directories": ["src"],
      "gren-version": GREN_COMPILER_VERSION,
      dependencies: { direct, indirect: {} },
    }),
  );
  return app;
}

const installed = (project: string) =>
  existsSync(join(project, "gren_packages"))
    ? readdirSync(join(project, "gren_packages")).sort()
    : [];

/** The compiler found every bundle it needs in gren_packages/, and deleted none. */
async function compilerNeedsNothingMore(project: string) {
  const before = installed(project);
  const compiler = await runGrenPackage(project, ["install"]);
  expect(compiler.output).not.toContain("Starting downloads");
  expect(compiler.code).toBe(0);
  expect(installed(project)).toEqual(before);
}

describe("installing from a mirror in a bucket while the registry is down", () => {
  it("falls back to the mirror the environment names, says so, and fills an application's gren_packages/", async () => {
    const app = application({ "gren-lang/node": "6.1.1", "acme/gears": "1.1.0" });
    const run = await runCli(["--registry", registryUrl, "install", "--dir", app], {
      home,
      env: { GREN_REGISTRY_MIRROR: mirrorUrl },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr.split("\n")[0]).toMatch(
      new RegExp(
        `^The registry at ${registryUrl} cannot be reached \\(cannot reach the registry at ${registryUrl}.*\\); installing from its mirror at ${mirrorUrl} instead\\.$`,
      ),
    );
    expect(run.stdout).toContain(`From the mirror at ${mirrorUrl}:`);
    expect(installed(app)).toEqual(
      ["acme_gears__1_1_0.pkg.gz", CORE.fileName, NODE.fileName, URL_PACKAGE.fileName].sort(),
    );
    for (const bundle of [CORE, URL_PACKAGE, NODE]) {
      expect(
        sha256(new Uint8Array(readFileSync(join(app, "gren_packages", bundle.fileName)))),
      ).toBe(bundle.sha256);
    }
    await compilerNeedsNothingMore(app);
  });

  it("fills a package's gren_packages/ with the versions the compiler loads, from the bucket", async () => {
    const project = scratch("package-");
    writeFileSync(
      join(project, "gren.json"),
      JSON.stringify({
        type: "package",
        platform: "node",
        name: "acme/server",
        summary: "A server",
        license: "BSD-3-Clause",
        version: "1.0.0",
        "exposed-modules": ["Server"],
        "gren-version": "0.6.0 <= v < 0.7.0",
        dependencies: {
          "gren-lang/node": "6.1.1 <= v < 7.0.0",
          "acme/gears": "1.1.0 <= v < 2.0.0",
        },
      }),
    );
    const run = await runCli(
      ["--registry", registryUrl, "install", "--mirror", "--dir", project, "--json"],
      { home, env: { GREN_REGISTRY_MIRROR: mirrorUrl } },
    );
    expect(run.code, run.stderr).toBe(0);
    // Told to use the mirror, it never asks the registry, and says nothing of it.
    expect(run.stderr).not.toContain("cannot be reached");
    const result = JSON.parse(run.stdout) as {
      source: { kind: string; url: string };
      packages: { name: string; version: string }[];
    };
    expect(result.source).toEqual({ kind: "mirror", url: mirrorUrl });
    expect(result.packages.map((p) => `${p.name} ${p.version}`)).toEqual([
      "acme/gears 1.1.0",
      "gren-lang/core 7.0.0",
      "gren-lang/node 6.1.1",
      "gren-lang/url 6.0.0",
    ]);
    expect(
      sha256(
        new Uint8Array(readFileSync(join(project, "gren_packages", "acme_gears__1_1_0.pkg.gz"))),
      ),
    ).toBe(sha256(gears.get("1.1.0")!));
    await compilerNeedsNothingMore(project);
  });

  it("fails as before when no mirror is named: the registry cannot be reached", async () => {
    const app = application({ "gren-lang/core": "7.0.0" });
    const run = await runCli(["--registry", registryUrl, "install", "--dir", app], { home });
    expect(run.code).toBe(7);
    expect(run.stderr).toMatch(new RegExp(`^error: cannot reach the registry at ${registryUrl}`));
    expect(installed(app)).toEqual([]);
  });
});
