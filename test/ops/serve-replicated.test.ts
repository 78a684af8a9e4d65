import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { killStrays, runProcess, SERVE_REPLICATED_SCRIPT } from "../support/ops.ts";
import { temporaryDir } from "../support/registry.ts";

// `npm run serve:replicated` keeps the server and litestream together: the
// restore drill covers both running and stopping on SIGTERM; these cover one
// of them dying on its own.

afterEach(killStrays);

const serveReplicated = async (env: Record<string, string>) => {
  const dir = temporaryDir("registry-serve-");
  try {
    return await runProcess(process.execPath, [SERVE_REPLICATED_SCRIPT], {
      REGISTRY_DB_PATH: join(dir, "registry.db"),
      LITESTREAM_REPLICA_DIR: join(dir, "replica"),
      REGISTRY_HOST: "127.0.0.1",
      REGISTRY_PORT: "0",
      ...env,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

describe("serving with continuous backup", () => {
  it("stops the server and fails when litestream cannot run", async () => {
    const run = await serveReplicated({ LITESTREAM_CONFIG: "/nowhere/litestream.yml" });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("config file not found: /nowhere/litestream.yml");
    expect(run.stderr).toMatch(
      /serve:replicated: litestream exited \(code 1\); stopping the server/,
    );
  });

  it("stops litestream and fails when the server cannot start", async () => {
    const run = await serveReplicated({ REGISTRY_PORT: "http" });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("REGISTRY_PORT must be a whole number");
    expect(run.stderr).toMatch(
      /serve:replicated: the server exited \(code 1\); stopping litestream/,
    );
    expect(run.stderr).toContain("litestream shut down");
  });
});
