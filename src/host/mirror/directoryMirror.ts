import { randomBytes } from "node:crypto";
import { chmod, mkdir, open, readdir, readFile, rename, rm, rmdir } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import type { Mirror, MirrorFile } from "../../ports/mirror.ts";
import { err, ok, type Result } from "../../result.ts";

/** Files being written start so, beside where they go, and are no part of the mirror. */
const PARTIAL_PREFIX = ".partial-";
const READABLE_FILE = 0o644;
const READABLE_FOLDER = 0o755;

/** Makes the folder and any above it that are missing, each readable by everyone. */
async function makeFolders(folder: string): Promise<void> {
  const first = await mkdir(folder, { recursive: true });
  if (first === undefined) return;
  for (let made = folder; ; made = dirname(made)) {
    await chmod(made, READABLE_FOLDER);
    if (made === first || dirname(made) === made) break;
  }
}

/**
 * The mirror as a directory, for a static server (nginx, Caddy) to serve as
 * it is. A file is written beside its place under a name of its own, synced,
 * then renamed over the old one, so a reader always gets one whole version.
 * Files are readable by everyone, since the static server usually runs as
 * another user.
 */
export class DirectoryMirror implements Mirror {
  readonly #root: string;
  readonly location: string;

  constructor(root: string) {
    this.#root = root;
    this.location = `file://${root}`;
  }

  async write(file: MirrorFile): Promise<Result<void, string>> {
    return this.#attempt(`write ${file.path}`, async () => {
      const target = this.#pathOf(file.path);
      await makeFolders(dirname(target));
      const partial = join(dirname(target), PARTIAL_PREFIX + randomBytes(8).toString("hex"));
      try {
        const handle = await open(partial, "wx");
        try {
          // Set outright: the process's umask may be stricter than a static server can read.
          await handle.chmod(READABLE_FILE);
          await handle.writeFile(file.bytes);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(partial, target);
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
    });
  }

  async delete(path: string): Promise<Result<void, string>> {
    return this.#attempt(`delete ${path}`, async () => {
      const target = this.#pathOf(path);
      await rm(target, { force: true });
      // A revoked version's folder is left empty: it goes too, if nothing else is in it.
      await rmdir(dirname(target)).catch(() => {});
    });
  }

  async list(folder?: string): Promise<Result<string[], string>> {
    return this.#attempt(`list the files${folder ? ` in ${folder}` : ""}`, async () => {
      const under = folder === undefined ? this.#root : this.#pathOf(folder);
      const entries = await readdir(under, { recursive: true, withFileTypes: true }).catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code === "ENOENT") return [];
          throw error;
        },
      );
      return entries
        .filter((entry) => entry.isFile() && !entry.name.startsWith(PARTIAL_PREFIX))
        .map((entry) =>
          relative(this.#root, join(entry.parentPath, entry.name)).split(sep).join("/"),
        )
        .sort();
    });
  }

  async read(path: string): Promise<Result<Uint8Array | undefined, string>> {
    return this.#attempt(`read ${path}`, async () => {
      try {
        return new Uint8Array(await readFile(this.#pathOf(path)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
      }
    });
  }

  async close(): Promise<void> {}

  /** Where a mirror path is on disk; paths come from names the registry checked, never from `..`. */
  #pathOf(path: string): string {
    const parts = path.split("/");
    if (parts.some((part) => part === "" || part === "." || part === "..")) {
      throw new Error(`${path} is not a path in the mirror`);
    }
    return join(this.#root, ...parts);
  }

  async #attempt<T>(what: string, work: () => Promise<T>): Promise<Result<T, string>> {
    try {
      return ok(await work());
    } catch (error) {
      return err(`Could not ${what} in ${this.location}: ${(error as Error).message}`);
    }
  }
}
