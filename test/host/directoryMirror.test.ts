import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DirectoryMirror } from "../../src/host/mirror/directoryMirror.ts";
import type { MirrorFile } from "../../src/ports/mirror.ts";
import { temporaryDir } from "../support/registry.ts";
import { filesUnder } from "../support/staticServers.ts";

// The mirror in a folder, as a static server sees it: whole files, readable by
// the server's own user, and nothing half-written among them.

let dir: string;
let root: string;
let mirror: DirectoryMirror;

const file = (path: string, text: string): MirrorFile => ({
  path,
  bytes: new TextEncoder().encode(text),
  type: "json",
  caching: "short-lived",
});

const text = async (path: string) => {
  const read = await mirror.read(path);
  return read.ok ? read.value && new TextDecoder().decode(read.value) : read;
};

beforeEach(() => {
  dir = temporaryDir("mirror-folder-");
  root = join(dir, "mirror");
  mirror = new DirectoryMirror(root);
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("the mirror in a folder", () => {
  it("writes files and the folders they need, and reads them back", async () => {
    expect(await mirror.write(file("packages/acme/widgets/index", "[1]"))).toEqual({
      ok: true,
      value: undefined,
    });
    expect(await text("packages/acme/widgets/index")).toBe("[1]");
    expect(await text("packages/acme/gadgets/index")).toBeUndefined();
    expect(mirror.location).toBe(`file://${root}`);
  });

  it("replaces a file whole, leaving nothing of the write behind", async () => {
    await mirror.write(file("packages/index", "old"));
    await mirror.write(file("packages/index", "new and longer"));
    expect(await text("packages/index")).toBe("new and longer");
    expect(filesUnder(root)).toEqual(["packages/index"]);
  });

  it("makes files and folders readable by everyone, whatever the process's umask", async () => {
    const umask = process.umask(0o077);
    try {
      await mirror.write(file("packages/acme/widgets/1.0.0/bundle", "gz"));
    } finally {
      process.umask(umask);
    }
    const mode = (path: string) => statSync(join(root, path)).mode & 0o777;
    expect(mode("packages/acme/widgets/1.0.0/bundle")).toBe(0o644);
    for (const folder of ["", "packages", "packages/acme", "packages/acme/widgets/1.0.0"]) {
      expect(mode(folder), folder || "the root").toBe(0o755);
    }
  });

  it("lists every file, and not those being written", async () => {
    await mirror.write(file("packages/index", "[]"));
    await mirror.write(file("packages/acme/widgets/index", "[]"));
    writeFileSync(join(root, "packages/acme/.partial-0123456789abcdef"), "half");
    expect(await mirror.list()).toEqual({
      ok: true,
      value: ["packages/acme/widgets/index", "packages/index"],
    });
    expect(await new DirectoryMirror(join(dir, "none")).list()).toEqual({ ok: true, value: [] });
  });

  it("deletes a file and the version's folder it leaves empty; deleting it again changes nothing", async () => {
    await mirror.write(file("packages/acme/widgets/1.0.0/bundle", "gz"));
    await mirror.write(file("packages/acme/widgets/index", "[]"));
    expect((await mirror.delete("packages/acme/widgets/1.0.0/bundle")).ok).toBe(true);
    expect(existsSync(join(root, "packages/acme/widgets/1.0.0"))).toBe(false);
    expect(existsSync(join(root, "packages/acme/widgets/index"))).toBe(true);
    expect((await mirror.delete("packages/acme/widgets/1.0.0/bundle")).ok).toBe(true);
  });

  it("says what failed, rather than throwing, when the storage refuses", async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "blocked"), "a file where a folder should be");
    const blocked = new DirectoryMirror(join(dir, "blocked"));
    const written = await blocked.write(file("packages/index", "[]"));
    expect(written.ok).toBe(false);
    expect(!written.ok && written.error).toMatch(
      new RegExp(`^Could not write packages/index in file://${dir}/blocked: .*ENOTDIR`),
    );
  });

  it("refuses a path that would leave its folder", async () => {
    const written = await mirror.write(file("packages/../../escaped", "x"));
    expect(written.ok).toBe(false);
    expect(existsSync(join(dir, "escaped"))).toBe(false);
  });
});
