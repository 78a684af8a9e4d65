import { copyFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  killStrays,
  runProcess,
  startReplicatedRegistry,
  waitForReplication,
} from "../support/ops.ts";
import { createIdentity, publish } from "../support/publishing.ts";
import { call, login, startRegistry, temporaryDir } from "../support/registry.ts";

afterEach(killStrays);

const text = async (url: string, path: string) => (await fetch(url + path)).text();
const sizeOf = (checkpoint: string) => Number(checkpoint.split("\n")[1]);

describe("a restore that lost the newest entries of the log", () => {
  it("keeps the registry from signing a smaller tree, and refuses writes until the operator restores a whole copy", {
    timeout: 120_000,
  }, async () => {
    const dir = temporaryDir("registry-log-restore-");
    const dbPath = join(dir, "db", "registry.db");
    const env = {
      REGISTRY_DB_PATH: dbPath,
      LITESTREAM_REPLICA_DIR: join(dir, "replica"),
      REGISTRY_MAIL_OUTBOX: join(dir, "outbox.jsonl"),
    };

    // The registry runs with its backup, and publishes one version.
    const first = await startReplicatedRegistry(env);
    const registry = { url: first.url, outbox: env.REGISTRY_MAIL_OUTBOX };
    const token = await login(registry, "alice@example.com");
    await createIdentity(registry, token, "acme");
    await publish(registry, token, "acme/widgets", "1.0.0");
    await waitForReplication(env);
    expect(await first.stop(), first.output.stderr).toEqual({ code: 0, signal: null });

    // Then it runs without its backup for a while: two more versions, signed
    // into a checkpoint the world has seen, that the replica never gets.
    const unreplicated = await startRegistry(env, { dir, systemClock: true });
    const again = await login(
      { url: unreplicated.url, outbox: env.REGISTRY_MAIL_OUTBOX },
      "alice@example.com",
    );
    await publish(unreplicated, again, "acme/widgets", "1.1.0");
    await publish(unreplicated, again, "acme/widgets", "1.2.0");
    const published = await text(unreplicated.url, "/log/checkpoint");
    expect(sizeOf(published)).toBe(3);
    await unreplicated.close();
    const newest = join(dir, "newest-copy.db");
    copyFileSync(dbPath, newest);

    // The database is lost and restored from the replica, as the README says.
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${dbPath}${suffix}`, { force: true });
    const restored = await runProcess("npm", ["run", "--silent", "restore", "--", dbPath], env);
    expect(restored.code, restored.stderr).toBe(0);

    const second = await startReplicatedRegistry(env);
    const problem =
      "The database's transparency log holds 1 entry, but this registry has already signed and published a checkpoint of 3";
    expect(second.output.stdout).toContain(problem);
    const back = { url: second.url, outbox: env.REGISTRY_MAIL_OUTBOX };
    const writer = await login(back, "alice@example.com");
    const refused = await call(back, "PUT", "/packages/acme/widgets/1.3.0", {
      token: writer,
      body: new Uint8Array(10),
      headers: { "content-type": "application/gzip" },
    });
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe("unavailable");
    expect(refused.body.message).toContain(problem);
    const revoke = await call(back, "DELETE", "/packages/acme/widgets/1.0.0", {
      token: writer,
      json: { reason: "Testing." },
    });
    expect(revoke.status).toBe(503);
    // Reads go on, and the only checkpoint served is one the database can prove.
    expect((await call(back, "GET", "/packages/acme/widgets")).status).toBe(200);
    const served = await text(back.url, "/log/checkpoint");
    expect(sizeOf(served)).toBe(1);
    expect(
      (await call(back, "GET", "/log/proof/inclusion?package=acme/widgets&version=1.0.0")).status,
    ).toBe(200);
    expect(await second.stop()).toEqual({ code: 0, signal: null });

    // The operator puts back a copy that has every entry, and the registry goes on from there.
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${dbPath}${suffix}`, { force: true });
    copyFileSync(newest, dbPath);
    const third = await startReplicatedRegistry(env);
    expect(third.output.stdout).not.toContain("transparency log holds");
    const resumed = { url: third.url, outbox: env.REGISTRY_MAIL_OUTBOX };
    await publish(resumed, await login(resumed, "alice@example.com"), "acme/widgets", "1.3.0");
    expect(sizeOf(await text(third.url, "/log/checkpoint"))).toBe(4);
    const consistent = await call(resumed, "GET", "/log/proof/consistency?from=3&to=4");
    expect(consistent.status).toBe(200);
    expect(await third.stop()).toEqual({ code: 0, signal: null });
    rmSync(dir, { recursive: true, force: true });
  });
});
