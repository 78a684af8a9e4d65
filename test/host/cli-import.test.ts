import { execFileSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/cliError.ts";
import { packageOutline } from "../support/bundles.ts";
import { loginCli, runCli } from "../support/cli.ts";
import { createIdentity, download } from "../support/publishing.ts";
import { call, startRegistry, type TestRegistry } from "../support/registry.ts";
import { scratchDirectories } from "../support/scratch.ts";

const scratch = scratchDirectories();

let registry: TestRegistry;
let aliceToken: string;
const homes = {} as Record<"alice" | "bob" | "nobody", string>;

beforeAll(async () => {
  registry = await startRegistry();
  homes.alice = scratch("home-alice-");
  homes.bob = scratch("home-bob-");
  homes.nobody = scratch("home-nobody-");
  aliceToken = await loginCli(registry, "alice@example.com", homes.alice);
  await loginCli(registry, "bob@example.com", homes.bob);
  await createIdentity(registry, aliceToken, "acme");
});

afterAll(async () => {
  await registry.close();
});

const as = (who: keyof typeof homes, args: string[]) =>
  runCli(["--registry", registry.url, ...args], { home: homes[who] });

/** git as a person runs it, without their own configuration. */
function git(repository: string, ...args: string[]): string {
  return execFileSync("git", args, {
    cwd: repository,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH ?? "",
      HOME: repository,
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_AUTHOR_NAME: "Alice",
      GIT_AUTHOR_EMAIL: "alice@example.com",
      GIT_COMMITTER_NAME: "Alice",
      GIT_COMMITTER_EMAIL: "alice@example.com",
    },
  });
}

/** Replaces the files of the working copy (all but .git) with these, and commits them. */
function commit(repository: string, files: Record<string, string>, message: string): void {
  git(repository, "rm", "-r", "-q", "--ignore-unmatch", ".");
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(repository, path)), { recursive: true });
    writeFileSync(join(repository, path), text);
  }
  git(repository, "add", "-A");
  git(repository, "commit", "-q", "-m", message);
}

const moduleSource = (name: string) => `module ${name} exposing (..)\n\nwidget : Int\nwidget = 1\n`;

/** A package at a version: gren.json and a source for each module it exposes. */
function packageFiles(name: string, version: string, overrides: Record<string, unknown> = {}) {
  const outline = packageOutline({ name, version, ...overrides });
  const exposed = outline["exposed-modules"] as string[];
  return {
    "gren.json": `${JSON.stringify(outline, null, 4)}\n`,
    "README.md": `# ${name} ${version}\n`,
    ...Object.fromEntries(
      exposed.map((module) => [`src/${module.replaceAll(".", "/")}.gren`, moduleSource(module)]),
    ),
  };
}

/**
 * A package's history: 1.0.0 (also tagged v1.0.0), v1.1.0 (an annotated
 * tag), 1.2.0 whose package is invalid, 2.0.0 with a module fewer, 2.1.0 on
 * the same commit (so its gren.json says 2.0.0), and a tag naming no version.
 * The working copy is left with a change not committed.
 */
function packageRepository(name: string): string {
  const repository = scratch("repository-");
  git(repository, "init", "-q", "-b", "main");
  commit(repository, packageFiles(name, "1.0.0"), "First");
  git(repository, "tag", "1.0.0");
  git(repository, "tag", "v1.0.0");
  commit(repository, packageFiles(name, "1.1.0"), "More");
  git(repository, "tag", "-a", "v1.1.0", "-m", "Version 1.1.0");
  commit(
    repository,
    packageFiles(name, "1.2.0", { license: "Not-A-License", summary: "" }),
    "Oops",
  );
  git(repository, "tag", "1.2.0");
  commit(
    repository,
    packageFiles(name, "2.0.0", { "exposed-modules": ["Widgets"] }),
    "Fewer modules",
  );
  git(repository, "tag", "2.0.0");
  git(repository, "tag", "2.1.0");
  git(repository, "tag", "nightly");
  writeFileSync(join(repository, "README.md"), "work in progress\n");
  return repository;
}

interface ImportJson {
  repository: string;
  tags: {
    tag: string;
    version: string;
    outcome: string;
    name: string | null;
    reason: string | null;
    problems: string[];
    sha256: string | null;
  }[];
  otherTags: string[];
}

describe("import", () => {
  let repository: string;

  beforeAll(() => {
    repository = packageRepository("acme/imported");
  });

  it("publishes every version tag oldest first, reporting the invalid ones and going on", async () => {
    const head = git(repository, "rev-parse", "HEAD");
    const status = git(repository, "status", "--porcelain");

    const run = await as("alice", ["import", repository]);
    expect(run.stdout.trimEnd().split("\n")).toEqual([
      "1.0.0: published acme/imported 1.0.0",
      "v1.0.0: skipped: tag 1.0.0 is the same version",
      // History comes in as it was, its numbers marked where its API called for another.
      "v1.1.0: published acme/imported 1.1.0 (its API called for 1.0.1, a patch change since 1.0.0)",
      "1.2.0: refused: the package in tag 1.2.0 cannot be published: 2 problems to fix",
      expect.stringMatching(/^ {2}- .*"summary"/),
      expect.stringMatching(/^ {2}- .*"license"/),
      "2.0.0: published acme/imported 2.0.0",
      "2.1.0: refused: the tag is version 2.1.0, but gren.json at it says 2.0.0",
      `From ${repository}: 3 published, 2 refused, 1 skipped. (1 other tag names no version)`,
    ]);
    expect(run.stderr).toBe(
      "error: 2 of 6 version tags were not published; the first was 1.2.0: the package in tag 1.2.0 cannot be published: 2 problems to fix\n",
    );
    expect(run.code).toBe(EXIT.invalidBundle);

    const listed = await call<{ versions: { version: string }[] }>(
      registry,
      "GET",
      "/packages/acme/imported",
    );
    expect(listed.body.versions.map((v) => v.version)).toEqual(["1.0.0", "1.1.0", "2.0.0"]);
    // Each version holds the files of its own tag, and nothing of the others.
    const second = await download(registry, "/packages/acme/imported/2.0.0/bundle");
    const bundle = JSON.parse(gunzipSync(second.bytes).toString("utf8"));
    expect(Object.keys(bundle.sources)).toEqual(["Widgets"]);
    expect(bundle.outline.version).toBe("2.0.0");

    // Each version's README is its tag's, sent beside its bundle.
    for (const version of ["1.0.0", "1.1.0", "2.0.0"]) {
      const readme = await fetch(`${registry.url}/packages/acme/imported/${version}/readme`);
      expect(await readme.text()).toBe(`# acme/imported ${version}\n`);
    }

    // The repository is as it was: same commit, same uncommitted change, no worktrees.
    expect(git(repository, "rev-parse", "HEAD")).toBe(head);
    expect(git(repository, "status", "--porcelain")).toBe(status);
    expect(git(repository, "worktree", "list").trim().split("\n")).toHaveLength(1);
  });

  it("publishes nothing again, saying what is already there, revoked versions too", async () => {
    const revoked = await call(registry, "DELETE", "/packages/acme/imported/1.1.0", {
      token: aliceToken,
      json: { reason: "Broken on Windows." },
    });
    expect(revoked.status).toBe(200);

    const run = await as("alice", ["import", `file://${repository}`, "--json"]);
    expect(run.code).toBe(EXIT.invalidBundle);
    const result = JSON.parse(run.stdout) as ImportJson;
    expect(result.repository).toBe(`file://${repository}`);
    expect(result.otherTags).toEqual(["nightly"]);
    expect(result.tags.map((t) => [t.tag, t.version, t.outcome, t.name])).toEqual([
      ["1.0.0", "1.0.0", "already-there", "acme/imported"],
      ["v1.0.0", "1.0.0", "skipped", null],
      ["v1.1.0", "1.1.0", "already-there", "acme/imported"],
      ["1.2.0", "1.2.0", "refused", null],
      ["2.0.0", "2.0.0", "already-there", "acme/imported"],
      ["2.1.0", "2.1.0", "refused", "acme/imported"],
    ]);
    expect(result.tags[2]!.reason).toBe("revoked on 2026-11-24: Broken on Windows.");
    expect(result.tags[3]!.problems).toHaveLength(2);
    expect(result.tags.every((t) => t.sha256 === null)).toBe(true);
  });

  it("reports a published tag's sha256 in JSON, and exits 0 when every tag went in", async () => {
    const fresh = scratch("repository-");
    git(fresh, "init", "-q", "-b", "main");
    commit(fresh, packageFiles("acme/fresh", "0.1.0"), "First");
    git(fresh, "tag", "v0.1.0");
    const run = await as("alice", ["import", fresh, "--json"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const [tag] = (JSON.parse(run.stdout) as ImportJson).tags;
    const served = await call<{ sha256: string }>(registry, "GET", "/packages/acme/fresh/0.1.0");
    expect(tag).toMatchObject({ tag: "v0.1.0", outcome: "published", sha256: served.body.sha256 });
  });

  it("logs one entry per version it publishes, in the order it publishes them", async () => {
    const many = scratch("repository-");
    git(many, "init", "-q", "-b", "main");
    const versions = Array.from({ length: 30 }, (_, i) => `1.${Math.floor(i / 10)}.${i % 10}`);
    for (const version of versions) {
      commit(many, packageFiles("acme/many", version), `Version ${version}`);
      git(many, "tag", version);
    }
    const size = async () => {
      const note = await (await fetch(`${registry.url}/log/checkpoint`)).text();
      return Number(note.split("\n")[1]);
    };
    const before = await size();
    const run = await as("alice", ["import", many]);
    expect(run.code, run.stderr).toBe(0);
    expect(await size()).toBe(before + versions.length);
    const entries = await call<{ index: number; entry: string }[]>(
      registry,
      "GET",
      `/log/entries?start=${before}&end=${before + versions.length}`,
    );
    const logged = entries.body.map(({ entry }) =>
      JSON.parse(Buffer.from(entry, "base64").toString()),
    );
    expect(logged.map((entry) => [entry.kind, entry.package, entry.version])).toEqual(
      versions.map((version) => ["publish", "acme/many", version]),
    );
    const served = await call<{ versions: { version: string; sha256: string }[] }>(
      registry,
      "GET",
      "/packages/acme/many",
    );
    expect(logged.map((entry) => entry.sha256)).toEqual(served.body.versions.map((v) => v.sha256));

    // And anyone can check the whole log, these entries with it.
    const audit = await as("nobody", ["log", "verify", "--json"]);
    expect(audit.code, audit.stderr).toBe(0);
    expect(JSON.parse(audit.stdout)).toMatchObject({ entries: before + versions.length });
  });

  it("needs a login, and the publish role in the package's identity", async () => {
    const nobody = await as("nobody", ["import", repository]);
    expect(nobody.code).toBe(EXIT.denied);
    expect(nobody.stdout).toBe("");

    const other = scratch("repository-");
    git(other, "init", "-q", "-b", "main");
    commit(other, packageFiles("acme/bobs", "1.0.0"), "First");
    git(other, "tag", "1.0.0");
    const bob = await as("bob", ["import", other]);
    expect(bob.code).toBe(EXIT.denied);
    expect(bob.stdout).toMatch(/^1\.0\.0: refused: \S/);
    expect((await call(registry, "GET", "/packages/acme/bobs")).status).toBe(404);
  });

  it("says so when there is no repository, or no version tag in it", async () => {
    const missing = await as("alice", ["import", join(scratch("nothing-"), "nowhere")]);
    expect(missing.code).toBe(EXIT.notFound);
    expect(missing.stderr).toMatch(
      /^error: cannot clone \S+nowhere: is it a git repository's path or URL\?/,
    );

    const untagged = scratch("repository-");
    git(untagged, "init", "-q", "-b", "main");
    commit(untagged, packageFiles("acme/untagged", "1.0.0"), "First");
    git(untagged, "tag", "latest");
    const run = await as("alice", ["import", untagged]);
    expect(run.code).toBe(EXIT.notFound);
    expect(run.stderr).toBe(
      `error: ${untagged} has no tag that names a version, like 1.2.3 or v1.2.3\n`,
    );
  });
});

describe("links in a repository", () => {
  /**
   * A package whose src/Env.gren links to the environment of whoever reads it,
   * and src/Secret.gren to a file of theirs: tag 1.0.0. At tag 1.1.0, src
   * itself links to a folder of theirs. Left checked out at 1.0.0.
   */
  function repositoryWithLinks(): { repository: string; secret: string } {
    const theirs = scratch("theirs-");
    const secret = "the-secret-in-a-file-of-theirs";
    writeFileSync(join(theirs, "secret.txt"), `${secret}\n`);
    mkdirSync(join(theirs, "src"));
    writeFileSync(join(theirs, "src", "Widgets.gren"), `-- ${secret}\n${moduleSource("Widgets")}`);

    const repository = scratch("repository-");
    git(repository, "init", "-q", "-b", "main");
    const files = packageFiles("acme/linked", "1.0.0", { "exposed-modules": ["Widgets"] });
    commit(repository, files, "First");
    symlinkSync("/proc/self/environ", join(repository, "src", "Env.gren"));
    symlinkSync(join(theirs, "secret.txt"), join(repository, "src", "Secret.gren"));
    git(repository, "add", "-A");
    git(repository, "commit", "-q", "-m", "Links");
    git(repository, "tag", "1.0.0");

    git(repository, "rm", "-r", "-q", "src");
    writeFileSync(
      join(repository, "gren.json"),
      JSON.stringify(
        packageOutline({ name: "acme/linked", version: "1.1.0", "exposed-modules": ["Widgets"] }),
      ),
    );
    symlinkSync(join(theirs, "src"), join(repository, "src"));
    git(repository, "add", "-A");
    git(repository, "commit", "-q", "-m", "A linked src");
    git(repository, "tag", "1.1.0");
    git(repository, "checkout", "-q", "1.0.0");
    return { repository, secret };
  }

  it("refuses every tag with a link, naming each, and publishes nothing", async () => {
    const { repository, secret } = repositoryWithLinks();
    // The token is in the environment of the command, where /proc/self/environ would show it.
    const run = await runCli(["--registry", registry.url, "import", repository, "--json"], {
      home: homes.nobody,
      env: { GREN_REGISTRY_TOKEN: aliceToken },
    });
    expect(run.code, run.stderr).toBe(EXIT.invalidBundle);
    const result = JSON.parse(run.stdout) as ImportJson;
    expect(result.tags.map((t) => [t.tag, t.outcome])).toEqual([
      ["1.0.0", "refused"],
      ["1.1.0", "refused"],
    ]);
    expect(result.tags[0]!.reason).toBe(
      "the package in tag 1.0.0 cannot be published: 2 problems to fix",
    );
    expect(result.tags[0]!.problems).toEqual([
      expect.stringMatching(/^src\/Env\.gren is a symbolic link \(to \/proc\/self\/environ\)/),
      expect.stringMatching(/^src\/Secret\.gren is a symbolic link \(to \S+secret\.txt\)/),
    ]);
    expect(result.tags[1]!.problems).toEqual([
      expect.stringMatching(/^src is a symbolic link \(to \S+src\)/),
      "gren.json exposes Widgets, but there is no src/Widgets.gren.",
    ]);
    for (const said of [run.stdout, run.stderr]) {
      expect(said).not.toContain(secret);
      expect(said).not.toContain(aliceToken);
    }
    expect((await call(registry, "GET", "/packages/acme/linked")).status).toBe(404);
  });

  it("refuses them in `publish DIR` too, reading nothing through them", async () => {
    const { repository, secret } = repositoryWithLinks();
    const run = await runCli(["--registry", registry.url, "publish", repository], {
      home: homes.nobody,
      env: { GREN_REGISTRY_TOKEN: aliceToken },
    });
    expect(run.code).toBe(EXIT.invalidBundle);
    expect(run.stderr.split("\n")).toEqual([
      `error: the package in ${repository} cannot be published: 2 problems to fix`,
      expect.stringMatching(
        /^ {2}- src\/Env\.gren is a symbolic link \(to \/proc\/self\/environ\), which is never followed/,
      ),
      expect.stringMatching(
        /^ {2}- src\/Secret\.gren is a symbolic link \(to \S+secret\.txt\), which is never followed/,
      ),
      "",
    ]);
    expect(run.stderr).not.toContain(secret);
    expect(run.stderr).not.toContain(aliceToken);

    git(repository, "checkout", "-q", "1.1.0");
    const linkedSource = await runCli(["--registry", registry.url, "publish", repository], {
      home: homes.nobody,
      env: { GREN_REGISTRY_TOKEN: aliceToken },
    });
    expect(linkedSource.code).toBe(EXIT.invalidBundle);
    expect(linkedSource.stderr).toMatch(/^ {2}- src is a symbolic link \(to \S+src\)/m);
    expect(linkedSource.stderr).not.toContain(secret);
    expect((await call(registry, "GET", "/packages/acme/linked")).status).toBe(404);
  });
});
