import { execFile, spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageBundle } from "../support/bundles.ts";
import { until } from "../support/cli.ts";
import { sha256 } from "../support/publishing.ts";
import { latestCode, startRegistry, type TestRegistry, temporaryDir } from "../support/registry.ts";
import { PROJECT, systemNodeVersion, systemPath } from "../support/systemNode.ts";

const run = promisify(execFile);

// The CLI as people get it: `npm pack` makes the package, `npm install -g`
// installs it with the machine's own Node.js and npm (20 on a fresh machine),
// and the installed `gren-registry` talks to a registry.

let registry: TestRegistry;
let prefix: string;
let work: string;
const env = () => ({ PATH: `${join(prefix, "bin")}:${systemPath()}`, HOME: work });

beforeAll(async () => {
  registry = await startRegistry();
  const scratch = temporaryDir("registry-cli-package-");
  prefix = join(scratch, "prefix");
  work = join(scratch, "work");
  const system = { PATH: systemPath(), HOME: process.env.HOME ?? scratch };
  await run("npm", ["pack", "./cli", "--pack-destination", scratch], { cwd: PROJECT, env: system });
  const tarball = readdirSync(scratch).find((file) => file.endsWith(".tgz"))!;
  await run("npm", ["install", "--global", "--prefix", prefix, join(scratch, tarball)], {
    cwd: scratch,
    env: system,
  });
  await run("mkdir", ["-p", work]);
}, 180_000);
afterAll(async () => {
  await registry.close();
});

const gren = (args: string[]) =>
  run("gren-registry", ["--registry", registry.url, ...args], { cwd: work, env: env() });

describe("the installed CLI", () => {
  it("runs on the machine's own Node.js, and shows its help", async () => {
    expect(systemNodeVersion()).toMatch(/^v\d+\./);
    const { stdout } = await run("gren-registry", ["--help"], { env: env() });
    expect(stdout).toMatch(/^Usage: gren-registry/);
    expect(stdout).toContain("publish");
    // npm shows the package's README: it is in the tarball.
    const installed = join(prefix, "lib", "node_modules", "gren-registry");
    expect(readFileSync(join(installed, "README.md"), "utf8")).toMatch(/^# gren-registry/);
    const version = await run("gren-registry", ["--version"], { env: env() });
    expect(version.stdout.trim()).toBe(
      JSON.parse(readFileSync(join(PROJECT, "cli/package.json"), "utf8")).version,
    );
  });

  it("logs in, publishes, finds the latest version and downloads it", async () => {
    const login = spawn("gren-registry", ["--registry", registry.url, "login", "me@example.com"], {
      cwd: work,
      env: env(),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let output = "";
    login.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await until(() => latestCode(registry.outbox, "me@example.com"), "the login mail");
    login.stdin.end(`${code}\n`);
    await new Promise((resolve) => login.on("close", resolve));
    expect(output).toContain("Logged in");

    await gren(["identity", "create", "acme"]);
    const bundle = join(work, "widgets.pkg.gz");
    const bytes = packageBundle({ name: "acme/widgets", version: "1.0.0" });
    writeFileSync(bundle, bytes);
    expect((await gren(["publish", bundle])).stdout).toContain("Published acme/widgets 1.0.0");
    expect((await gren(["latest", "acme/widgets"])).stdout).toBe("1.0.0\n");
    await gren(["download", "acme/widgets", "1.0.0"]);
    expect(sha256(readFileSync(join(work, "acme_widgets__1_0_0.pkg.gz")))).toBe(sha256(bytes));
  });
});
