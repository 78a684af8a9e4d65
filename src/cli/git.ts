// Running git for `import`: a package's history lives in its repository, one
// tag per published version, as the compiler 0.6 fetches packages from GitHub.

import { spawn } from "node:child_process";
import { SOURCE_DIRECTORY, sourceFileAt } from "../gren/packageLayout.ts";
import { parseVersion, type Version } from "../gren/semver.ts";
import { CliError, EXIT, usageError } from "./cliError.ts";
import {
  byCodeUnit,
  MAX_FILE_BYTES,
  OUTLINE_FILE,
  type PackageEntry,
  type PackageFiles,
  README_FILE,
} from "./packageDirectory.ts";

/** git's standard output; a failure becomes an error naming the command, with git's own words. */
export async function git(args: readonly string[], cwd?: string): Promise<string> {
  return (await gitBytes(args, cwd)).toString("utf8");
}

/** git's standard output as bytes, after writing `input` to its standard input. */
function gitBytes(args: readonly string[], cwd?: string, input?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, {
      ...(cwd === undefined ? {} : { cwd }),
      stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    let stderr = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout.push(chunk);
    });
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.stdin?.on("error", () => {});
    child.stdin?.end(input);
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
      if (code === 0) resolve(Buffer.concat(stdout));
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

/** What a tree entry's mode says it is; git keeps nothing else of a file's kind. */
const MODES: Record<string, "file" | "link" | "submodule"> = {
  "100644": "file",
  "100755": "file",
  "100664": "file",
  "120000": "link",
  "160000": "submodule",
};

/** One entry of a tag's tree that a package is made of. */
interface TreeEntry {
  path: string;
  mode: string;
  id: string;
  size: number;
}

/**
 * The package files of a tag, read from the clone's objects. Nothing is
 * checked out, so nothing the tag holds (a link, an attribute asking for a
 * filter) can make git, or this command, read or write outside the clone.
 */
export async function tagFiles(clone: string, tag: string): Promise<PackageFiles> {
  const listing = await gitBytes(["ls-tree", "-r", "-z", "--long", `refs/tags/${tag}`], clone);
  const tree: TreeEntry[] = [];
  for (const record of listing.toString("utf8").split("\0")) {
    const match = /^(\d{6}) \w+ ([0-9a-f]+) +(\S+)\t(.+)$/s.exec(record);
    if (!match) continue;
    const [, mode = "", id = "", size = "", path = ""] = match;
    const inPackage =
      path === OUTLINE_FILE ||
      path === README_FILE ||
      path === SOURCE_DIRECTORY ||
      path.startsWith(`${SOURCE_DIRECTORY}/`);
    if (inPackage && !path.split("/").some((part) => part.startsWith("."))) {
      tree.push({ path, mode, id, size: Number(size) });
    }
  }
  tree.sort((a, b) => byCodeUnit(a.path, b.path));
  // What bundling reads: gren.json, the modules, and each link's target (the text of its blob).
  const needed = tree.filter((entry) => {
    const kind = MODES[entry.mode];
    if (kind === "link") return true;
    if (kind !== "file") return false;
    return (
      entry.path === OUTLINE_FILE ||
      entry.path === README_FILE ||
      sourceFileAt(entry.path.slice(SOURCE_DIRECTORY.length + 1)).kind === "module"
    );
  });
  for (const entry of needed) {
    if (entry.size > MAX_FILE_BYTES) {
      throw new CliError(
        `${entry.path} at tag ${tag} is ${entry.size} bytes, more than any registry takes in a whole bundle`,
        EXIT.invalidBundle,
      );
    }
  }
  const blobs = await readBlobs(
    clone,
    needed.map((entry) => entry.id),
  );
  const idOf = new Map(tree.map((entry) => [entry.path, entry.id]));
  const readBytes = (path: string): Uint8Array =>
    new Uint8Array(blobs.get(idOf.get(path) ?? "") ?? Buffer.alloc(0));
  const read = (path: string): string =>
    (blobs.get(idOf.get(path) ?? "") ?? Buffer.alloc(0)).toString("utf8");

  const kindOf = (entry: TreeEntry): PackageEntry => {
    const kind = MODES[entry.mode];
    if (kind === "file") return { kind: "file" };
    if (kind === "link") return { kind: "link", target: read(entry.path) };
    return {
      kind: "other",
      what: kind === "submodule" ? "a git submodule" : `a git entry of mode ${entry.mode}`,
    };
  };
  const outline = tree.find((entry) => entry.path === OUTLINE_FILE);
  if (!outline) throw usageError(`there is no ${OUTLINE_FILE} at tag ${tag}`);
  const readme = tree.find((entry) => entry.path === README_FILE);
  return {
    where: `tag ${tag}`,
    show: (path) => `${path} at tag ${tag}`,
    outline: kindOf(outline),
    sources: new Map(
      tree
        .filter((entry) => entry !== outline && entry !== readme)
        .map((entry) => [entry.path, kindOf(entry)]),
    ),
    read,
    readme: readme && kindOf(readme),
    readBytes,
  };
}

/** The bytes of each blob, by its id, read by one `git cat-file --batch`. */
async function readBlobs(clone: string, ids: string[]): Promise<Map<string, Buffer>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const output = await gitBytes(["cat-file", "--batch"], clone, `${unique.join("\n")}\n`);
  const blobs = new Map<string, Buffer>();
  let at = 0;
  for (const id of unique) {
    const headerEnd = output.indexOf(0x0a, at);
    const header = output.toString("utf8", at, headerEnd).split(" ");
    if (header[0] !== id || header[1] !== "blob") {
      throw new CliError(`git cat-file could not read the object ${id} (${header.join(" ")})`);
    }
    const size = Number(header[2]);
    blobs.set(id, output.subarray(headerEnd + 1, headerEnd + 1 + size));
    at = headerEnd + 1 + size + 1;
  }
  return blobs;
}
