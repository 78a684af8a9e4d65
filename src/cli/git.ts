// Running git for `import`: a package's history lives in its repository, one
// tag per published version, as the compiler 0.6 fetches packages from GitHub.

import { spawn } from "node:child_process";
import { parseVersion, type Version } from "../gren/semver.ts";
import { CliError } from "./cliError.ts";

/** git's standard output; a failure becomes an error naming the command, with git's own words. */
export function git(args: readonly string[], cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, {
      ...(cwd === undefined ? {} : { cwd }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", (error) => {
      reject(
        new CliError(
          (error as NodeJS.ErrnoException).code === "ENOENT"
            ? "git is not installed, or not on the PATH; import needs it to read a repository"
            : `cannot run git (${error.message})`,
        ),
      );
    });
    child.on("close", (code) => {
      if (code === 0) resolve(stdout);
      else {
        const said = stderr.trim().split("\n").filter(Boolean);
        reject(new CliError(`git ${args[0]} failed (exit ${code})`, undefined, said));
      }
    });
  });
}

/** A tag that names a version, as the compiler reads tags: `1.2.3`, or `v1.2.3` as many repositories write them. */
export interface VersionTag {
  tag: string;
  version: Version;
}

/** The version a tag names, or undefined for any other tag. */
export function versionOfTag(tag: string): Version | undefined {
  return parseVersion(tag.startsWith("v") ? tag.slice(1) : tag);
}
