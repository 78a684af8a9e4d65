import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/cliError.ts";
import { makeBundle, packageOutline } from "../support/bundles.ts";
import { loginCli, runCli } from "../support/cli.ts";
import { createIdentity, putBundle } from "../support/publishing.ts";
import { call, startRegistry, type TestRegistry } from "../support/registry.ts";
import { scratchDirectories } from "../support/scratch.ts";

// `diff` and `bump`: what changed in a package's API, as the registry
// computes it, and the version that calls for, written into gren.json.

const scratch = scratchDirectories();

let registry: TestRegistry;
let aliceToken: string;
const homes = {} as Record<"alice" | "nobody", string>;

const WIDGETS_1 = "module Widgets exposing (..)\n\nsize : Int\nsize = 1\n";
const WIDGETS_ADDED = `${WIDGETS_1}\ncolour : String\ncolour = "red"\n`;
const WIDGETS_REMOVED = 'module Widgets exposing (..)\n\ncolour : String\ncolour = "red"\n';

beforeAll(async () => {
  registry = await startRegistry();
  homes.alice = scratch("home-alice-");
  homes.nobody = scratch("home-nobody-");
  aliceToken = await loginCli(registry, "alice@example.com", homes.alice);
  await createIdentity(registry, aliceToken, "acme");
  for (const [version, source] of [
    ["1.0.0", WIDGETS_1],
    ["1.1.0", WIDGETS_ADDED],
  ] as const) {
    const outline = packageOutline({
      name: "acme/widgets",
      version,
      "exposed-modules": ["Widgets"],
    });
    const answer = await putBundle(
      registry,
      aliceToken,
      `/packages/acme/widgets/${version}`,
      makeBundle({ outline, sources: { Widgets: source } }),
    );
    expect(answer.status).toBe(201);
  }
});
afterAll(async () => {
  await registry.close();
});

const as = (who: keyof typeof homes, args: string[], cwd?: string) =>
  runCli(["--registry", registry.url, ...args], {
    home: homes[who],
    ...(cwd === undefined ? {} : { cwd }),
  });

/** The outline exactly as the compiler writes it when it bumps: four spaces, a newline at the end. */
const compilerWritten = (outline: Record<string, unknown>): string =>
  `${JSON.stringify(outline, null, 4)}\n`;

/** A package directory of acme/widgets at `version`, with Widgets' source. */
function packageDirectory(version: string, source: string): string {
  const root = scratch("package-");
  const files = {
    "gren.json": compilerWritten(
      packageOutline({ name: "acme/widgets", version, "exposed-modules": ["Widgets"] }),
    ),
    "src/Widgets.gren": source,
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe("diff", () => {
  it("says what changed between two versions, and the bump that calls for", async () => {
    const run = await as("nobody", ["diff", "acme/widgets", "1.0.0", "1.1.0"]);
    expect(run.code, run.stderr).toBe(EXIT.ok);
    expect(run.stdout).toBe(
      [
        "acme/widgets 1.0.0 -> 1.1.0: a minor change",
        "  - `Widgets.colour` added, with the type `String.String`",
        "",
      ].join("\n"),
    );
    const json = await as("nobody", ["diff", "acme/widgets", "1.1.0", "1.0.0", "--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      from: "1.1.0",
      to: "1.0.0",
      magnitude: "major",
      modules: { changed: [{ name: "Widgets", values: { removed: [{ name: "colour" }] } }] },
    });
  });

  it("compares a package's directory with its latest version, through the registry", async () => {
    const directory = packageDirectory("1.1.0", WIDGETS_REMOVED);
    const run = await as("alice", ["diff"], directory);
    expect(run.code, run.stderr).toBe(EXIT.ok);
    expect(run.stdout).toBe(
      [
        "acme/widgets 1.1.0 -> this directory: a major change, so the version is 2.0.0",
        "  - `Widgets.size` removed",
        "",
      ].join("\n"),
    );
  });

  it("asks for two versions with a package, and needs the publish role for a directory", async () => {
    expect((await as("nobody", ["diff", "acme/widgets", "1.0.0"])).code).toBe(EXIT.usage);
    const directory = packageDirectory("1.1.0", WIDGETS_1);
    expect((await as("nobody", ["diff"], directory)).code).toBe(EXIT.denied);
  });
});

describe("bump", () => {
  it("writes the version the API calls for into gren.json, as the compiler writes it", async () => {
    const directory = packageDirectory("1.1.0", `${WIDGETS_ADDED}\nweight : Int\nweight = 3\n`);
    const before = readFileSync(join(directory, "gren.json"), "utf8");
    const run = await as("alice", ["bump"], directory);
    expect(run.code, run.stderr).toBe(EXIT.ok);
    expect(run.stdout).toContain("a minor change, so the version is 1.2.0");
    expect(run.stdout).toContain("Version changed from 1.1.0 to 1.2.0");
    expect(readFileSync(join(directory, "gren.json"), "utf8")).toBe(
      before.replace('"version": "1.1.0"', '"version": "1.2.0"'),
    );
    // Bumped once, gren.json holds the number the API calls for: nothing more to do.
    const again = await as("alice", ["bump", "--json"], directory);
    expect(again.code, again.stderr).toBe(EXIT.ok);
    expect(JSON.parse(again.stdout)).toMatchObject({ calledFor: "1.2.0", written: false });
    const versions = await call<{ versions: unknown[] }>(registry, "GET", "/packages/acme/widgets");
    expect(versions.body.versions).toHaveLength(2);
  });

  it("leaves gren.json alone when its number is one the API does not call for, saying why", async () => {
    const directory = packageDirectory("1.2.0", WIDGETS_REMOVED);
    const before = readFileSync(join(directory, "gren.json"), "utf8");
    const run = await as("alice", ["bump"], directory);
    expect(run.code).toBe(EXIT.invalidBundle);
    expect(run.stderr).toContain("so this version must be 2.0.0");
    expect(run.stderr).toContain("`Widgets.size` removed.");
    expect(readFileSync(join(directory, "gren.json"), "utf8")).toBe(before);
  });
});

describe("publish", () => {
  it("refuses a number the API does not call for with the registry's explanation", async () => {
    const directory = packageDirectory("1.1.1", WIDGETS_REMOVED);
    const run = await as("alice", ["publish"], directory);
    expect(run.code).toBe(EXIT.invalidBundle);
    expect(run.stderr).toContain(
      "Version 1.1.1 would be a patch change from 1.1.0, but the API changes since 1.1.0 are major, so this version must be 2.0.0:",
    );
    expect(run.stderr).toContain("`Widgets.size` removed.");
  });
});
