import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync, type SQLOutputValue } from "node:sqlite";
import {
  litestreamBinary,
  litestreamEnv,
  PROJECT_ROOT,
  registryDbPath,
} from "../../scripts/litestream.ts";

// Running the operations side as an operator would: the project's scripts and
// the real litestream, each in its own process group so that a failing test
// still takes every process it started down with it.

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Running {
  child: ChildProcess;
  output: { stdout: string; stderr: string };
  exited: Promise<Exit>;
  /** SIGTERM, then SIGKILL for the whole group if it has not exited in time. */
  stop(timeoutMs?: number): Promise<Exit>;
}

const running = new Set<Running>();

/**
 * Environment variables of the developer's shell that would point a test at
 * the wrong database, replica or mail service.
 */
const isOwnSetting = (name: string) => /^(REGISTRY_|LITESTREAM_|POSTMARK_)/.test(name);

/** The test runner's environment without the registry's settings, plus `env`. */
export function cleanEnv(env: Record<string, string>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !isOwnSetting(name)) result[name] = value;
  }
  return { ...result, ...env };
}

/** Starts a command in its own process group, collecting its output. */
export function startProcess(
  command: string,
  args: string[],
  env: Record<string, string>,
): Running {
  const child = spawn(command, args, {
    cwd: PROJECT_ROOT,
    env: cleanEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const output = { stdout: "", stderr: "" };
  child.stdout!.on("data", (chunk: Buffer) => {
    output.stdout += chunk.toString();
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    output.stderr += chunk.toString();
  });
  const exited = new Promise<Exit>((resolve) => {
    child.on("error", () => resolve({ code: null, signal: null }));
    child.on("close", (code, signal) => resolve({ code, signal }));
  });
  const handle: Running = {
    child,
    output,
    exited,
    async stop(timeoutMs = 20_000) {
      signalGroup(child, "SIGTERM");
      const exit = await within(exited, timeoutMs);
      if (exit) return exit;
      signalGroup(child, "SIGKILL");
      throw new Error(`${command} ${args.join(" ")} did not stop within ${timeoutMs} ms`);
    },
  };
  running.add(handle);
  void exited.then(() => running.delete(handle));
  return handle;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/**
 * SIGTERM to the process group `pid` leads, then SIGKILL if any of it is still
 * there after `timeoutMs`; resolves once none of the group is left, with
 * whether SIGTERM was enough.
 */
export async function stopProcessGroup(pid: number, timeoutMs = 15_000): Promise<boolean> {
  const groupAlive = () => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const gone = async (ms: number) => {
    const deadline = Date.now() + ms;
    while (groupAlive()) {
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return true;
  };
  if (!groupAlive()) return true;
  process.kill(-pid, "SIGTERM");
  if (await gone(timeoutMs)) return true;
  process.kill(-pid, "SIGKILL");
  await gone(5_000);
  return false;
}

/** Kills whatever a test left running, children included: for afterEach. */
export async function killStrays(): Promise<void> {
  const strays = [...running];
  for (const stray of strays) signalGroup(stray.child, "SIGKILL");
  await Promise.all(strays.map((stray) => within(stray.exited, 5_000)));
}

function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs a command to completion, within a bound. */
export async function runProcess(
  command: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<Exit & { stdout: string; stderr: string }> {
  const started = startProcess(command, args, env);
  const exit = await within(started.exited, timeoutMs);
  if (!exit) {
    signalGroup(started.child, "SIGKILL");
    throw new Error(`${command} ${args.join(" ")} did not finish within ${timeoutMs} ms`);
  }
  return { ...exit, ...started.output };
}

/** Polls an asynchronous probe until it answers, within a bound. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : "";
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export const RESTORE_SCRIPT = join(PROJECT_ROOT, "scripts/restore.ts");
export const SERVE_REPLICATED_SCRIPT = join(PROJECT_ROOT, "scripts/serve-replicated.ts");

/** `npm run serve:replicated`'s program, listening on a free loopback port. */
export async function startReplicatedRegistry(env: Record<string, string>) {
  const started = startProcess(process.execPath, [SERVE_REPLICATED_SCRIPT], {
    REGISTRY_HOST: "127.0.0.1",
    REGISTRY_PORT: "0",
    ...env,
  });
  const url = await eventually(
    async () => {
      const exit = await within(started.exited, 0);
      if (exit) {
        throw new Error(`serve:replicated exited (${exit.code}): ${started.output.stderr}`);
      }
      return /registry at (http:\/\/127\.0\.0\.1:\d+)/.exec(started.output.stdout)?.[1];
    },
    "the replicated server to listen",
    15_000,
  );
  return { ...started, url };
}

/**
 * A digest of everything the registry keeps in a database: its schema version
 * and every row of every table, litestream's own bookkeeping left out.
 */
export function databaseDigest(path: string): string {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const hash = createHash("sha256");
    hash.update(`user_version ${JSON.stringify(db.prepare("PRAGMA user_version").get())}\n`);
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE '\\_litestream\\_%' ESCAPE '\\' ORDER BY name",
      )
      .all()
      .map((row) => String(row.name));
    for (const table of tables) {
      const rows = db
        .prepare(`SELECT * FROM "${table.replaceAll('"', '""')}"`)
        .all()
        .map((row) => JSON.stringify(Object.values(row).map(plain)))
        .sort();
      hash.update(`${table} ${rows.length}\n${rows.join("\n")}\n`);
    }
    return hash.digest("hex");
  } finally {
    db.close();
  }
}

function plain(value: SQLOutputValue): unknown {
  if (value instanceof Uint8Array) return `x'${Buffer.from(value).toString("hex")}'`;
  if (typeof value === "bigint") return value.toString();
  return value;
}

/**
 * Whether the replica holds exactly what the database holds now: restores the
 * latest backup into a scratch file with the real litestream and compares.
 */
export async function replicaMatchesDatabase(env: Record<string, string>): Promise<boolean> {
  const scratchDir = mkdtempSync(join(tmpdir(), "registry-replica-check-"));
  try {
    const live = databaseDigest(registryDbPath(env));
    const scratch = join(scratchDir, "copy.db");
    const settings = litestreamEnv(cleanEnv(env));
    const restored = await runProcess(
      litestreamBinary(),
      [
        "restore",
        "-config",
        settings.LITESTREAM_CONFIG!,
        "-o",
        scratch,
        settings.REGISTRY_DB_PATH!,
      ],
      settings,
    );
    if (restored.code !== 0) return false;
    return databaseDigest(scratch) === live;
  } finally {
    rmSync(scratchDir, { recursive: true, force: true });
  }
}

/** Waits until litestream has copied everything in the database to the replica. */
export async function waitForReplication(env: Record<string, string>): Promise<void> {
  await eventually(
    async () => ((await replicaMatchesDatabase(env)) ? true : undefined),
    "litestream to copy the database to the replica",
    30_000,
    200,
  );
}
