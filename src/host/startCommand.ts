import { readFileSync } from "node:fs";
import { join } from "node:path";

// `npm start` runs `node` with the settings the server is meant to run with:
// the environment it needs before it starts, and Node's flags. Everything
// else that starts the server (the replicated service, the benchmark, the
// tests) reads them from the start script too, so that it runs the same server.

const ROOT = join(import.meta.dirname, "../..");
const ASSIGNMENT = /^([A-Z_][A-Z0-9_]*)=(.*)$/;

export interface ServerCommand {
  /** Variables the start script sets, to add to the environment. */
  env: Record<string, string>;
  /** What follows `node`, with the program's path made absolute. */
  args: string[];
}

export function serverCommand(): ServerCommand {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    scripts: { start: string };
  };
  const words = scripts.start.trim().split(/\s+/);
  const env: Record<string, string> = {};
  for (
    let match = ASSIGNMENT.exec(words[0] ?? "");
    match;
    match = ASSIGNMENT.exec(words[0] ?? "")
  ) {
    env[match[1]!] = match[2]!;
    words.shift();
  }
  const [command, ...args] = words;
  if (command !== "node") throw new Error(`The start script runs ${command}, not node.`);
  return { env, args: args.map((arg) => (arg.startsWith("-") ? arg : join(ROOT, arg))) };
}
