import { type ChildProcess, execFile, spawn } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { until } from "../support/cli.ts";
import { stopProcessGroup } from "../support/ops.ts";
import { temporaryDir } from "../support/registry.ts";
import { freshCopy, systemNodeVersion, systemPath } from "../support/systemNode.ts";

const run = promisify(execFile);

// What an operator does on a fresh machine with only Node.js and npm: install
// without the development tools, then start the server.

let server: ChildProcess | undefined;
afterAll(async () => {
  // npm start runs the server in a shell of its own: stop the whole group, and
  // see it gone before this test's process, which reads its output, ends.
  if (server?.pid) await stopProcessGroup(server.pid);
});

describe("a production install", () => {
  it("starts from `npm ci --omit=dev && npm start` with the machine's own Node.js", async () => {
    const checkout = freshCopy(temporaryDir("production-"));
    const env = { PATH: systemPath(), HOME: process.env.HOME ?? checkout };
    expect(systemNodeVersion()).toMatch(/^v\d+\./);
    await run("npm", ["ci", "--omit=dev", "--no-audit", "--no-fund"], {
      cwd: checkout,
      env,
      maxBuffer: 16 * 1024 * 1024,
    });

    const output = { stdout: "", stderr: "" };
    server = spawn("npm", ["start"], {
      cwd: checkout,
      env: {
        ...env,
        REGISTRY_HOST: "127.0.0.1",
        REGISTRY_PORT: "0",
        REGISTRY_DB_PATH: join(checkout, "db", "registry.db"),
      },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    server.stdout!.on("data", (chunk: Buffer) => {
      output.stdout += chunk.toString();
    });
    server.stderr!.on("data", (chunk: Buffer) => {
      output.stderr += chunk.toString();
    });
    const url = await until(
      () => /registry at (http:\/\/127\.0\.0\.1:\d+)/.exec(output.stdout)?.[1],
      `the server to start (it said: ${output.stderr})`,
      60_000,
    );
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    expect(output.stdout).toContain(`with its database at ${join(checkout, "db", "registry.db")}`);
    // SIGTERM stops it, npm and its shell with it, leaving nothing running.
    expect(await stopProcessGroup(server.pid!)).toBe(true);
  }, 240_000);
});
