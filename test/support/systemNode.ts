import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** The project's root folder. */
export const PROJECT = resolve(import.meta.dirname, "../..");

/**
 * PATH without the project's node_modules/.bin folders, which npm puts first
 * while it runs the tests: what a user's shell has, so `node` and `npm` are
 * the machine's own (Node.js 20 on a fresh machine), not the project's 24.
 */
export function systemPath(): string {
  return (process.env.PATH ?? "")
    .split(":")
    .filter((folder) => !folder.includes("node_modules"))
    .join(":");
}

/** The machine's own Node.js version, e.g. "v20.20.2". */
export const systemNodeVersion = (): string =>
  execFileSync("node", ["--version"], { env: { PATH: systemPath() } })
    .toString()
    .trim();

/**
 * A copy of the project's files as a fresh clone would have them: everything
 * git tracks (and new files it does not ignore), as they are in the working
 * tree, and nothing else (no node_modules, no database).
 */
export function freshCopy(into: string): string {
  const files = execFileSync(
    "git",
    ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    { cwd: PROJECT },
  )
    .toString()
    .split("\0")
    .filter((file) => file !== "");
  for (const file of files) {
    const target = join(into, file);
    mkdirSync(dirname(target), { recursive: true });
    try {
      cpSync(join(PROJECT, file), target);
    } catch {
      // A file deleted in the working tree but still tracked is not in a fresh clone either.
    }
  }
  return into;
}
