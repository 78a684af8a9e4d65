import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { litestreamBinary, litestreamEnv, litestreamError, registryDbPath } from "./litestream.ts";

// `npm run restore -- <target-path> [--force]`: rebuilds the registry's
// database from its litestream replica into <target-path>.
//
// The replica is the one the litestream configuration (LITESTREAM_CONFIG, or
// litestream.yml) names for REGISTRY_DB_PATH. Stop the server before restoring
// onto the file it uses.

const USAGE = "usage: npm run restore -- <target-path> [--force]";

function fail(message: string, code = 1): never {
  console.error(`restore: ${message}`);
  process.exit(code);
}

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(USAGE);
  process.exit(0);
}
const force = args.includes("--force");
const unknown = args.filter((arg) => arg.startsWith("-") && arg !== "--force");
const positional = args.filter((arg) => !arg.startsWith("-"));
if (unknown.length > 0) fail(`unknown option ${unknown[0]}; ${USAGE}`, 2);
if (positional.length !== 1) fail(USAGE, 2);

const target = resolve(positional[0]!);
// A database is its file plus, in WAL mode, the -wal and -shm beside it. A
// WAL left behind would be replayed into the restored file and corrupt it.
const companions = [target, `${target}-wal`, `${target}-shm`];
const existing = companions.filter((path) => existsSync(path));
if (existing.length > 0 && !force) {
  fail(`${existing[0]} already exists; add --force to replace that database with the backup`);
}

let binary: string;
try {
  binary = litestreamBinary();
} catch (error) {
  fail((error as Error).message);
}
const env = litestreamEnv(process.env);
const source = registryDbPath(process.env);

// litestream writes the copy next to the target first, so a failed restore
// leaves the target as it was; with --force the copy then replaces it at once.
mkdirSync(dirname(target), { recursive: true });
const staging = `${target}.restoring`;
const scratch = [staging, `${staging}-wal`, `${staging}-shm`, `${staging}.tmp`];
const leftovers = [...scratch, `${staging}.tmp-wal`, `${staging}.tmp-shm`];
const clean = () => {
  for (const path of leftovers) rmSync(path, { force: true });
};
clean();

const run = spawnSync(
  binary,
  ["restore", "-config", env.LITESTREAM_CONFIG!, "-o", staging, source],
  {
    env,
    encoding: "utf8",
  },
);
if (run.error) {
  clean();
  fail(`cannot run litestream: ${run.error.message}`);
}
if (run.status !== 0 || !existsSync(staging)) {
  clean();
  const why = litestreamError(`${run.stdout}\n${run.stderr}`);
  fail(
    why === "no matching backups found"
      ? `no backup of ${source} found in the replica that ${env.LITESTREAM_CONFIG} names`
      : why,
  );
}

// A backup that cannot be read is no backup: check it before it replaces anything.
try {
  const db = new DatabaseSync(staging);
  const verdict = db.prepare("PRAGMA integrity_check").all();
  db.close();
  const problems = verdict.map((row) => String(Object.values(row)[0])).filter((v) => v !== "ok");
  if (problems.length > 0) throw new Error(problems.join("; "));
} catch (error) {
  clean();
  fail(`the restored copy failed SQLite's integrity check: ${(error as Error).message}`);
}

for (const path of companions.slice(1)) rmSync(path, { force: true });
renameSync(staging, target);
clean();

// litestream keeps its own record of a database's WAL beside it. It belongs to
// the database that was replaced, so it goes too (litestream's advice when a
// database is recreated); litestream starts a new generation from the restored one.
const record = join(dirname(target), `.${basename(target)}-litestream`);
if (existsSync(record)) rmSync(record, { recursive: true, force: true });

console.log(`restore: restored ${source} from its replica into ${target}`);
