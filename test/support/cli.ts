import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { login, type TestRegistry } from "./registry.ts";

export const CLI = join(import.meta.dirname, "../../cli/dist/gren-registry.js");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would, in its own process. */
export function startCli(
  args: string[],
  options: { home: string; env?: Record<string, string>; cwd?: string },
): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: options.home, ...options.env },
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    stdio: ["pipe", "pipe", "pipe"],
  });
  // A command may finish before it reads its input; writing to it then is not a failure.
  child.stdin!.on("error", () => {});
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = new Promise<CliRun>((resolve) => {
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
  return { child, done };
}

export async function runCli(
  args: string[],
  options: { home: string; env?: Record<string, string>; input?: string; cwd?: string },
): Promise<CliRun> {
  const { child, done } = startCli(args, options);
  child.stdin!.end(options.input ?? "");
  return done;
}

export async function until<T>(
  probe: () => T | undefined,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = probe();
      if (value !== undefined) return value;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Saves a session as `gren-registry login` does, for tests of other commands. */
export function saveCliSession(
  home: string,
  registryUrl: string,
  email: string,
  sessionToken: string,
): void {
  mkdirSync(join(home, ".gren"), { recursive: true });
  writeFileSync(
    join(home, ".gren", "user"),
    JSON.stringify({ registries: { [registryUrl]: { email, sessionToken } }, pendingLogins: {} }),
    { mode: 0o600 },
  );
}

/** Logs `email` in through the API and keeps the session in `home`, as `login` would; the session token. */
export async function loginCli(
  registry: Pick<TestRegistry, "url" | "outbox">,
  email: string,
  home: string,
): Promise<string> {
  const token = await login(registry, email);
  saveCliSession(home, registry.url, email, token);
  return token;
}
