import { type ChildProcess, spawn } from "node:child_process";
import { serverCommand } from "../../src/host/startCommand.ts";
import { until } from "./cli.ts";

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output: { stdout: string; stderr: string };
  exited: Promise<number | null>;
}

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
  const url = await until(
    () => /registry at (http:\/\/127\.0\.0\.1:\d+)/.exec(output.stdout)?.[1],
    "the server to listen",
  );
  return { child, url, output, exited };
}
