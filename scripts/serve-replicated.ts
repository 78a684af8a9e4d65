import { type ChildProcess, spawn } from "node:child_process";
import { openDatabase } from "../src/host/database.ts";
import { serverCommand } from "../src/host/startCommand.ts";
import { litestreamBinary, litestreamEnv, litestreamIsWatching } from "./litestream.ts";

// `npm run serve:replicated`: the registry server and litestream side by side,
// for hosts without devbox (where `devbox services up` does the same).
//
// The server starts once litestream is watching the database, so that every
// write the server acknowledges reaches the replica, however soon the pair is
// stopped. The server keeps its standard output (one JSON line per request) and its
// standard error (console mail); litestream's log goes to standard error.
// SIGTERM or SIGINT stops the server first, so that the requests in flight
// finish, then litestream, whose final sync copies the last changes to the
// replica. When either process dies on its own, the other is stopped too and
// this exits non-zero, so that a supervisor restarts the pair.

const GRACE_MS = 30_000;
/** litestream looks at the database within a second or two; this allows for a slow disk. */
const READY_WITHIN_MS = 60_000;
/** How long a clean exit of litestream waits for the signal that stopped it to reach this process. */
const GROUP_SIGNAL_GRACE_MS = 1000;

function say(message: string): void {
  process.stderr.write(`serve:replicated: ${message}\n`);
}

let binary: string;
try {
  binary = litestreamBinary();
} catch (error) {
  say((error as Error).message);
  process.exit(1);
}
const env = litestreamEnv(process.env);

interface Managed {
  name: string;
  child: ChildProcess;
  exited: Promise<number>;
  running: boolean;
}

function start(
  name: string,
  command: string,
  args: string[],
  logToStderr: boolean,
  extraEnv: Record<string, string> = {},
): Managed {
  const child = spawn(command, args, {
    env: { ...env, ...extraEnv },
    stdio: logToStderr ? ["ignore", 2, 2] : ["ignore", "inherit", "inherit"],
  });
  const managed: Managed = { name, child, exited: Promise.resolve(0), running: true };
  managed.exited = new Promise((resolve) => {
    child.on("error", (error) => {
      say(`cannot run ${name}: ${error.message}`);
      managed.running = false;
      resolve(1);
    });
    child.on("exit", (code, signal) => {
      managed.running = false;
      resolve(code ?? (signal ? 128 : 1));
    });
  });
  return managed;
}

/** Asks a process to stop, and kills it if it has not within the grace period. */
async function stop(managed: Managed): Promise<number> {
  if (managed.running) {
    managed.child.kill("SIGTERM");
    const timer = setTimeout(() => {
      if (!managed.running) return;
      say(`${managed.name} did not stop within ${GRACE_MS / 1000} s; killing it`);
      managed.child.kill("SIGKILL");
    }, GRACE_MS);
    const code = await managed.exited;
    clearTimeout(timer);
    return code;
  }
  return managed.exited;
}

// litestream can only watch a database that exists, so the server's own code
// creates (or migrates) it first.
const dbPath = env.REGISTRY_DB_PATH!;
try {
  openDatabase(dbPath).close();
} catch (error) {
  say((error as Error).message);
  process.exit(1);
}

say(
  `replicating ${dbPath} as ${env.LITESTREAM_CONFIG} says (replica directory: ${env.LITESTREAM_REPLICA_DIR})`,
);
const litestream = start(
  "litestream",
  binary,
  ["replicate", "-config", env.LITESTREAM_CONFIG!],
  true,
);
let server: Managed | undefined;

let stopping = false;
function shutDown(reason: string): void {
  if (stopping) return;
  stopping = true;
  say(`${reason}: stopping the server, then litestream`);
  void (async () => {
    const serverCode = server ? await stop(server) : 0;
    const litestreamCode = await stop(litestream);
    process.exit(serverCode === 0 && litestreamCode === 0 ? 0 : 1);
  })();
}
for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => shutDown(signal));
// `npm run` passes a signal to the shell it started, which dies without passing
// it on; this process then finds itself adopted by another parent.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) shutDown("the parent process went away");
}, 1000).unref();

// The server accepts writes only once litestream watches the database: a
// litestream stopped before its first look exits without a final sync, and
// whatever had been written would be missing from the replica.
const deadline = Date.now() + READY_WITHIN_MS;
while (!stopping && litestream.running && !litestreamIsWatching(dbPath)) {
  if (Date.now() > deadline) {
    say(`litestream did not start watching ${dbPath} within ${READY_WITHIN_MS / 1000} s`);
    shutDown("no backup");
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
}
if (!stopping && litestream.running) {
  const { args, env: serverEnv } = serverCommand();
  server = start("the server", process.execPath, args, false, serverEnv);
}

// Whichever dies first takes the other down with it.
const first = await Promise.race([
  ...(server ? [server.exited.then((code) => ({ who: server!, code }))] : []),
  litestream.exited.then((code) => ({ who: litestream, code })),
]);
// A signal to the whole process group (Ctrl-C in a terminal, `kill -- -PGID`,
// a service manager stopping the group) reaches litestream too, which may have
// exited before this process hears it: litestream exits cleanly only when it
// is told to, so its clean exit waits a moment for that signal before it
// counts as a failure.
if (!stopping && first.who === litestream && first.code === 0) {
  await new Promise((resolve) => setTimeout(resolve, GROUP_SIGNAL_GRACE_MS));
}
if (!stopping) {
  stopping = true;
  const other = first.who === server ? litestream : server;
  say(`${first.who.name} exited (code ${first.code})${other ? `; stopping ${other.name}` : ""}`);
  if (other) await stop(other);
  process.exit(first.code === 0 ? 1 : first.code);
}
