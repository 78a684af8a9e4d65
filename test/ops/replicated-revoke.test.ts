import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { packageOutline, sourcesFor } from "../support/bundles.ts";
import {
  eventually,
  killStrays,
  startReplicatedRegistry,
  waitForReplication,
} from "../support/ops.ts";
import { putBundle } from "../support/publishing.ts";
import { call, login, temporaryDir } from "../support/registry.ts";

afterEach(killStrays);

/** Every file under a folder, with its path. */
const filesUnder = (folder: string): string[] =>
  existsSync(folder)
    ? readdirSync(folder, { withFileTypes: true, recursive: true })
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name))
    : [];

describe("a revoked bundle beside litestream", () => {
  it("leaves the live database files, and litestream's own, within 30 seconds", {
    timeout: 90_000,
  }, async () => {
    const dir = temporaryDir("registry-scrub-");
    const dbPath = join(dir, "db", "registry.db");
    const env = {
      REGISTRY_DB_PATH: dbPath,
      LITESTREAM_REPLICA_DIR: join(dir, "replica"),
      REGISTRY_MAIL_OUTBOX: join(dir, "outbox.jsonl"),
    };
    const server = await startReplicatedRegistry(env);
    const registry = { url: server.url, outbox: env.REGISTRY_MAIL_OUTBOX };
    const token = await login(registry, "owner@example.com");
    await call(registry, "POST", "/publishing-identity", { token, json: { name: "acme" } });

    // Stored without compression, so the marker shows in the files' bytes.
    const marker = `REVOKED-CONTENT-${randomUUID()}`;
    const outline = packageOutline({ name: "acme/leak", version: "1.0.0" });
    const sources = {
      ...sourcesFor(outline),
      Widgets: `module Widgets exposing (..)\n-- ${marker}\n`,
    };
    const bytes = new Uint8Array(gzipSync(JSON.stringify({ outline, sources }), { level: 0 }));
    expect((await putBundle(registry, token, "/packages/acme/leak/1.0.0", bytes)).status).toBe(201);
    const live = () =>
      [dbPath, `${dbPath}-wal`, ...filesUnder(join(dir, "db", ".registry.db-litestream"))].filter(
        (file) => existsSync(file) && readFileSync(file).includes(marker),
      );
    await eventually(async () => (live().length > 0 ? true : undefined), "the bundle to be stored");
    // litestream is well under way, holding its read lock between checkpoints.
    await waitForReplication(env);
    expect(live().length).toBeGreaterThan(0);

    const revokedAt = Date.now();
    const revoked = await call(registry, "DELETE", "/packages/acme/leak/1.0.0", {
      token,
      json: { reason: "Leaked a secret" },
    });
    expect(revoked.status).toBe(200);
    await eventually(
      async () => (live().length === 0 ? true : undefined),
      "the revoked bytes to leave the live files",
      30_000,
      250,
    );
    expect(Date.now() - revokedAt).toBeLessThan(30_000);
    // The server is still running and answering.
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect(await server.stop()).toEqual({ code: 0, signal: null });
    rmSync(dir, { recursive: true, force: true });
  });
});
