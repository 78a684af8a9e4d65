// The servers under load, each in a process of its own: the registry exactly
// as `npm start` runs it, and the bare ceiling server.

import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { join } from "node:path";
import { serverCommand } from "../src/host/startCommand.ts";

const CEILING_PROGRAM = join(import.meta.dirname, "ceiling-server.ts");

export interface RunningServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export interface RegistryServerOptions {
  dbPath: string;
  /** REGISTRY_LOG_LEVEL; the request log goes to /dev/null, so only its making costs. */
  logLevel: string;
  /** Where to write a V8 CPU profile of the server, when one is wanted. */
  profileDir?: string | undefined;
  /** Settings beyond the defaults, which the measured server keeps. */
  env?: Record<string, string>;
}

/** Starts the server as `npm start` runs it, on the database, and waits until `/health` answers. */
export async function startRegistryServer(options: RegistryServerOptions): Promise<RunningServer> {
  const port = await freePort();
  const profiling = options.profileDir ? ["--cpu-prof", "--cpu-prof-dir", options.profileDir] : [];
  const start = serverCommand();
  const child = spawn(process.execPath, [...profiling, ...start.args], {
    env: {
      PATH: process.env.PATH ?? "",
      ...start.env,
      REGISTRY_DB_PATH: options.dbPath,
      REGISTRY_HOST: "127.0.0.1",
      REGISTRY_PORT: String(port),
      REGISTRY_LOG_LEVEL: options.logLevel,
      ...options.env,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const errors = collect(child);
  const url = `http://127.0.0.1:${port}`;
  await until(child, errors, async () => (await fetch(`${url}/health`)).ok);
  return running(child, url);
}

/** Starts the bare node:http server answering the bytes in `bodyFile`. */
export async function startCeilingServer(
  bodyFile: string,
  contentType: string,
): Promise<RunningServer> {
  const child = spawn(process.execPath, [CEILING_PROGRAM, bodyFile, contentType], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const errors = collect(child);
  let printed = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    printed += chunk.toString();
  });
  await until(child, errors, async () => printed.endsWith("\n"));
  return running(child, `http://127.0.0.1:${printed.trim()}`);
}

function running(child: ChildProcess, url: string): RunningServer {
  const exited = once(child, "exit");
  return {
    url,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** A port nobody listens on now, for a server that must be told its port. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

function collect(child: ChildProcess): { text: string } {
  const errors = { text: "" };
  child.stderr?.on("data", (chunk: Buffer) => {
    errors.text += chunk.toString();
  });
  return errors;
}

/** Polls `ready` until it holds, failing at once if the process dies first. */
async function until(
  child: ChildProcess,
  errors: { text: string },
  ready: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(
        `The server exited with ${child.exitCode} before it was ready:\n${errors.text}`,
      );
    }
    if (await ready().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill("SIGKILL");
  throw new Error(`The server did not become ready within 30 s:\n${errors.text}`);
}
