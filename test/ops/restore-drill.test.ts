import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  killStrays,
  runProcess,
  startReplicatedRegistry,
  waitForReplication,
} from "../support/ops.ts";
import { temporaryDir } from "../support/registry.ts";
import { type DrillCheck, drillFacts } from "./drill-facts.ts";

afterEach(killStrays);

describe("the restore drill", () => {
  it("brings every fact back from the backup after the database is lost", {
    timeout: 120_000,
  }, async () => {
    const dir = temporaryDir("registry-drill-");
    const dbPath = join(dir, "db", "registry.db");
    const env = {
      REGISTRY_DB_PATH: dbPath,
      LITESTREAM_REPLICA_DIR: join(dir, "replica"),
      REGISTRY_MAIL_OUTBOX: join(dir, "outbox.jsonl"),
    };

    // The registry runs as in production, litestream copying its database.
    const first = await startReplicatedRegistry(env);
    const registry = { url: first.url, outbox: env.REGISTRY_MAIL_OUTBOX, dbPath };
    const checks: { name: string; check: DrillCheck }[] = [];
    for (const fact of drillFacts)
      checks.push({ name: fact.name, check: await fact.write(registry) });

    // Continuous backup: the replica catches up while the server runs.
    await waitForReplication(env);
    expect(await first.stop(), first.output.stderr).toEqual({ code: 0, signal: null });

    // The database is lost.
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${dbPath}${suffix}`, { force: true });
    expect(existsSync(dbPath)).toBe(false);

    // The operator restores it as the README says.
    const restored = await runProcess("npm", ["run", "--silent", "restore", "--", dbPath], env);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain(`restored ${dbPath} from its replica into ${dbPath}`);

    // And starts the registry again on the restored database.
    const second = await startReplicatedRegistry(env);
    const failures: string[] = [];
    for (const { name, check } of checks) {
      try {
        await check({ url: second.url, outbox: env.REGISTRY_MAIL_OUTBOX, dbPath });
      } catch (error) {
        failures.push(`${name}: ${(error as Error).message}`);
      }
    }
    expect(failures).toEqual([]);

    // The restored database is backed up again.
    await waitForReplication(env);
    expect(await second.stop(), second.output.stderr).toEqual({ code: 0, signal: null });
    rmSync(dir, { recursive: true, force: true });
  });
});
