import { rmSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, describe, expect, it } from "vitest";
import {
  killStrays,
  runProcess,
  SERVE_REPLICATED_SCRIPT,
  startReplicatedRegistry,
} from "../support/ops.ts";
import { call, temporaryDir } from "../support/registry.ts";

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
  it("loses no acknowledged write when stopped at once after it started", {
    timeout: 120_000,
  }, async () => {
    for (let attempt = 1; attempt <= 5; attempt++) {
      const dir = temporaryDir("registry-quick-stop-");
      const env = {
        REGISTRY_DB_PATH: join(dir, "db", "registry.db"),
        LITESTREAM_REPLICA_DIR: join(dir, "replica"),
        REGISTRY_MAIL_OUTBOX: join(dir, "outbox.jsonl"),
      };
      const server = await startReplicatedRegistry(env);
      // An acknowledged write, and the stop right after it.
      const started = await call(server, "POST", "/session", {
        json: { email: `quick-${attempt}@example.com` },
      });
      expect(started.status).toBe(200);
      expect(await server.stop(), server.output.stderr).toEqual({ code: 0, signal: null });

      const copy = join(dir, "restored.db");
      const restored = await runProcess("npm", ["run", "--silent", "restore", "--", copy], env);
      expect(restored.code, `attempt ${attempt}: ${restored.stderr}`).toBe(0);
      const db = new DatabaseSync(copy, { readOnly: true });
      const users = db.prepare("SELECT email FROM users").all();
      db.close();
      expect(users, `attempt ${attempt}`).toEqual([{ email: `quick-${attempt}@example.com` }]);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("stops the server and fails when litestream cannot run", async () => {
    const run = await serveReplicated({ LITESTREAM_CONFIG: "/nowhere/litestream.yml" });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("config file not found: /nowhere/litestream.yml");
    expect(run.stderr).toMatch(/serve:replicated: litestream exited \(code 1\)/);
    // The server never started: it waits for litestream to watch the database.
    expect(run.stdout).not.toContain("Serving the Gren package registry");
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
