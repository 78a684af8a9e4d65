import { rmSync } from "node:fs";
import { afterAll } from "vitest";
import { temporaryDir } from "./registry.ts";

/**
 * Makes temporary directories for one test file and removes them after its
 * last test. Called at the top level of the file.
 */
export function scratchDirectories(): (prefix: string) => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  return (prefix) => {
    const dir = temporaryDir(prefix);
    dirs.push(dir);
    return dir;
  };
}
