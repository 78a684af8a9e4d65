import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { litestreamBinary, litestreamEnv, PROJECT_ROOT } from "../../scripts/litestream.ts";
import {
  cleanEnv,
  killStrays,
  RESTORE_SCRIPT,
  runProcess,
  startProcess,
  waitForReplication,
} from "../support/ops.ts";
import { temporaryDir } from "../support/registry.ts";

// `npm run restore -- <target-path> [--force]`, against a replica that the
// real litestream made of a small database.

const dir = temporaryDir("registry-restore-");
const env = {
  REGISTRY_DB_PATH: join(dir, "live", "registry.db"),
  LITESTREAM_REPLICA_DIR: join(dir, "replica"),
};

beforeAll(async () => {
  mkdirSync(join(dir, "live"));
  const db = new DatabaseSync(env.REGISTRY_DB_PATH);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("CREATE TABLE note (text TEXT NOT NULL)");
  db.prepare("INSERT INTO note (text) VALUES (?)").run("kept in the backup");
  const settings = litestreamEnv(cleanEnv(env));
  const litestream = startProcess(
    litestreamBinary(),
    ["replicate", "-config", settings.LITESTREAM_CONFIG!],
    settings,
  );
  try {
    await waitForReplication(env);
  } finally {
    await litestream.stop();
    db.close();
  }
});
afterEach(killStrays);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const restore = (args: string[], extraEnv: Record<string, string> = {}) =>
  runProcess(process.execPath, [RESTORE_SCRIPT, ...args], { ...env, ...extraEnv });

const notes = (path: string): string[] => {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return db
      .prepare("SELECT text FROM note")
      .all()
      .map((row) => String(row.text));
  } finally {
    db.close();
  }
};

const lines = (text: string) => text.split("\n").filter((line) => line !== "");

let targets = 0;
const newTarget = () => join(dir, `target-${++targets}`, "registry.db");

describe("the restore command", () => {
  it("rebuilds the database from the replica into a new path, leaving nothing else behind", async () => {
    const target = newTarget();
    const run = await restore([target]);
    expect(run.code, run.stderr).toBe(0);
    expect(lines(run.stdout)).toEqual([
      `restore: restored ${env.REGISTRY_DB_PATH} from its replica into ${target}`,
    ]);
    expect(readdirSync(join(target, ".."))).toEqual(["registry.db"]);
    expect(notes(target)).toEqual(["kept in the backup"]);
  });

  it("refuses to overwrite an existing database without --force, and leaves it alone", async () => {
    const target = newTarget();
    mkdirSync(join(target, ".."));
    writeFileSync(target, "the database in use");
    const run = await restore([target]);
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toEqual([
      `restore: ${target} already exists; add --force to replace that database with the backup`,
    ]);
    expect(readFileSync(target, "utf8")).toBe("the database in use");
  });

  it("refuses as well when only a WAL is left where the database was", async () => {
    const target = newTarget();
    mkdirSync(join(target, ".."));
    writeFileSync(`${target}-wal`, "frames of another database");
    const run = await restore([target]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${target}-wal already exists`);
    expect(existsSync(target)).toBe(false);
  });

  it("with --force replaces the database and drops its stale WAL, shared memory and litestream record", async () => {
    const target = newTarget();
    const folder = join(target, "..");
    mkdirSync(join(folder, ".registry.db-litestream"), { recursive: true });
    writeFileSync(target, "the database in use");
    writeFileSync(`${target}-wal`, "frames of the old database");
    writeFileSync(`${target}-shm`, "");
    const run = await restore([target, "--force"]);
    expect(run.code, run.stderr).toBe(0);
    expect(readdirSync(folder)).toEqual(["registry.db"]);
    expect(notes(target)).toEqual(["kept in the backup"]);
  });

  it("says in one line that the replica holds no backup", async () => {
    const empty = join(dir, "empty-replica");
    mkdirSync(empty);
    const target = newTarget();
    const run = await restore([target], { LITESTREAM_REPLICA_DIR: empty });
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toEqual([
      `restore: no backup of ${env.REGISTRY_DB_PATH} found in the replica that ${join(PROJECT_ROOT, "litestream.yml")} names`,
    ]);
    expect(existsSync(target)).toBe(false);
  });

  it("explains its usage when the target is missing", async () => {
    const run = await restore([]);
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toEqual([
      "restore: usage: npm run restore -- <target-path> [--force]",
    ]);
  });
});
