import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { DEFAULT_DB_PATH } from "../src/host/config.ts";

// Where the backup tool lives and how the project calls it: used by
// `npm run serve:replicated`, `npm run restore`, `npm run litestream` and the
// restore drill.
//
// Run as a program (`npm run litestream -- <command> [arguments]`), it runs
// litestream with the project's defaults, e.g. `npm run litestream -- replicate`
// or `npm run litestream -- generations "$REGISTRY_DB_PATH"`.

export const PROJECT_ROOT = resolve(import.meta.dirname, "..");

/** Where the replica goes when LITESTREAM_REPLICA_DIR is unset: fine for development only. */
export const DEFAULT_REPLICA_DIR = "./db/replica";

type Env = Record<string, string | undefined>;

/**
 * The litestream binary: LITESTREAM_BIN when set, otherwise the one that
 * `npm ci` installed for this platform.
 *
 * The binary comes in one npm package per platform,
 * `@flydotio/litestream-<platform>-<arch>`, of which the project depends on
 * the Linux x64 one (the only one the registry has). Their umbrella package,
 * `@flydotio/litestream`, is not used: its command always exits 0 and leaves
 * the real process running when it is killed.
 */
export function litestreamBinary(env: Env = process.env): string {
  const chosen = env.LITESTREAM_BIN?.trim();
  if (chosen) {
    if (!existsSync(chosen))
      throw new Error(`LITESTREAM_BIN names ${chosen}, which does not exist.`);
    return resolve(chosen);
  }
  const platformPackage = `@flydotio/litestream-${process.platform}-${process.arch}`;
  let manifest: string;
  try {
    manifest = createRequire(import.meta.url).resolve(`${platformPackage}/package.json`);
  } catch {
    throw new Error(
      `npm installed no litestream for ${process.platform}-${process.arch} (${platformPackage}); install litestream 0.3.13 and name it in LITESTREAM_BIN.`,
    );
  }
  const binary = join(dirname(manifest), "litestream");
  if (!existsSync(binary)) throw new Error(`${platformPackage} has no litestream binary.`);
  return binary;
}

/** The litestream configuration: LITESTREAM_CONFIG, or the project's litestream.yml. */
export function litestreamConfig(env: Env): string {
  const chosen = env.LITESTREAM_CONFIG?.trim();
  return chosen ? resolve(chosen) : join(PROJECT_ROOT, "litestream.yml");
}

/** The database the server writes, as an absolute path (the server's own default when unset). */
export function registryDbPath(env: Env): string {
  return resolve(env.REGISTRY_DB_PATH?.trim() || DEFAULT_DB_PATH);
}

/**
 * The environment litestream runs in: the variables its configuration refers
 * to, filled in with the project's defaults where unset, as absolute paths so
 * that the server, litestream and a restore agree on them.
 */
export function litestreamEnv(env: Env): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) result[name] = value;
  result.REGISTRY_DB_PATH = registryDbPath(env);
  result.LITESTREAM_CONFIG = litestreamConfig(env);
  result.LITESTREAM_REPLICA_DIR = resolve(
    env.LITESTREAM_REPLICA_DIR?.trim() || DEFAULT_REPLICA_DIR,
  );
  return result;
}

/**
 * Whether litestream is watching the database: once it has, it holds a read
 * lock on it at all times (between its own checkpoints), which makes a
 * checkpoint that must wait for readers answer "busy". Until it has, it would
 * exit on SIGTERM without its final sync, losing what was written meanwhile.
 * Asked without waiting; before litestream watches, the checkpoint this asks
 * for simply folds the WAL into the database, which is harmless.
 */
export function litestreamIsWatching(dbPath: string): boolean {
  if (!existsSync(dbPath)) return false;
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(dbPath, { timeout: 0 });
    const row = db.prepare("PRAGMA wal_checkpoint(TRUNCATE)").get() as { busy: number };
    return row.busy === 1;
  } catch {
    // Busy taking the checkpoint lock itself, or no database yet: ask again in a moment.
    return false;
  } finally {
    db?.close();
  }
}

/** The first line of litestream's complaint, from its `error="..."` log field when there is one. */
export function litestreamError(output: string): string {
  const quoted = /error="((?:[^"\\]|\\.)*)"/.exec(output)?.[1];
  if (quoted !== undefined) return quoted.replace(/\\(.)/g, "$1").split("\\n")[0]!;
  const lines = output.split("\n").filter((line) => line.trim() !== "");
  return lines.at(-1)?.trim() ?? "litestream failed without saying why";
}

if (import.meta.main) {
  let binary: string;
  try {
    binary = litestreamBinary();
  } catch (error) {
    console.error(`litestream: ${(error as Error).message}`);
    process.exit(1);
  }
  // litestream reads LITESTREAM_CONFIG itself when it is given no -config.
  const child = spawn(binary, process.argv.slice(2), {
    env: litestreamEnv(process.env),
    stdio: "inherit",
  });
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    process.on(signal, () => child.kill(signal));
  }
  child.on("error", (error) => {
    console.error(`litestream: cannot run ${binary}: ${error.message}`);
    process.exit(1);
  });
  child.on("exit", (code, signal) => {
    if (signal) console.error(`litestream: stopped by ${signal}`);
    process.exit(code ?? 1);
  });
}
