import { type ChildProcess, spawn } from "node:child_process";
import { serverCommand } from "../../src/host/startCommand.ts";
import { until } from "./cli.ts";

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output: { stdout: string; stderr: string };
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL if it has not exited within `timeoutMs`; its exit code. */
  stop(timeoutMs?: number): Promise<number | null>;
}

/** Servers started and not yet seen to exit, so that no test leaves one behind. */
const running = new Set<ServerProcess>();

/** Starts the built server (what `npm start` runs) as its own process, and waits until it listens. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const start = serverCommand();
  const child = spawn(process.execPath, start.args, {
    env: {
      PATH: process.env.PATH ?? "",
      REGISTRY_HOST: "127.0.0.1",
      REGISTRY_PORT: "0",
      ...start.env,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = { stdout: "", stderr: "" };
  child.stdout!.on("data", (chunk: Buffer) => {
    output.stdout += chunk.toString();
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    output.stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const server: ServerProcess = {
    child,
    url: "",
    output,
    exited,
    stop: (timeoutMs = 10_000) => stopProcess(child, exited, timeoutMs),
  };
  running.add(server);
  void exited.then(() => running.delete(server));
  server.url = await until(
    () => /registry at (http:\/\/127\.0\.0\.1:\d+)/.exec(output.stdout)?.[1],
    "the server to listen",
  );
  return server;
}

/** Stops every server still running: for afterEach, so a failing test leaves none behind. */
export async function stopServers(): Promise<void> {
  await Promise.all([...running].map((server) => server.stop()));
}

/** SIGTERM, then SIGKILL if the process has not exited within `timeoutMs`. */
export async function stopProcess(
  child: ChildProcess,
  exited: Promise<number | null>,
  timeoutMs: number,
): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), timeoutMs);
  });
  const exit = await Promise.race([exited, late]).finally(() => clearTimeout(timer));
  if (exit !== "late") return exit;
  child.kill("SIGKILL");
  return exited;
}
