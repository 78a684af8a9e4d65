import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/cliError.ts";
import { makeBundle, packageBundle, packageOutline } from "../support/bundles.ts";
import { loginCli, runCli } from "../support/cli.ts";
import { download, publish, publishHistory, sha256 } from "../support/publishing.ts";
import { call, startRegistry, type TestRegistry } from "../support/registry.ts";
import { scratchDirectories } from "../support/scratch.ts";

const scratch = scratchDirectories();

let registry: TestRegistry;
const tokens = {} as Record<"alice" | "bob", string>;
const homes = {} as Record<"alice" | "bob" | "nobody", string>;

beforeAll(async () => {
  // alice creates gren-lang, which is reserved for operators.
  registry = await startRegistry({ REGISTRY_OPERATOR_EMAILS: "alice@example.com" });
  for (const who of ["alice", "bob"] as const) {
    homes[who] = scratch(`home-${who}-`);
    tokens[who] = await loginCli(registry, `${who}@example.com`, homes[who]);
  }
  homes.nobody = scratch("home-nobody-");
  for (const name of ["acme", "gren-lang"]) {
    await call(registry, "POST", "/publishing-identity", {
      token: tokens.alice,
      json: { name },
    });
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

/** Writes files, creating their folders, under a fresh directory. */
function writeTree(files: Record<string, string>): string {
  const root = scratch("package-");
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** What a served bundle unpacks to. */
const unpack = (bytes: Uint8Array) =>
  JSON.parse(gunzipSync(bytes).toString("utf8")) as {
    outline: unknown;
    sources: Record<string, string>;
  };

/** A stand-in for a registry, answering as `answer` says, to see the CLI cope with bad answers. */
async function startFakeRegistry(
  answer: (request: IncomingMessage, response: ServerResponse) => void,
) {
  const server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const KERNEL_SOURCE =
  "/*\n\nimport Gren.Kernel.List exposing (fromArray)\n\n*/\n\nvar _Widgets_one = 1;\n";

describe("publish", () => {
  it("builds the bundle from a package directory as the compiler does, kernel code included", async () => {
    const outline = packageOutline({ name: "gren-lang/widgets", version: "1.0.0" });
    const sources = {
      Widgets: "module Widgets exposing (..)\n\nimport Gren.Kernel.Widgets\n\none : Int\none = 1\n",
      "Widgets.Extra": "module Widgets.Extra exposing (..)\n\ntwo : Int\ntwo = 2\n",
      "Gren.Kernel.Widgets": KERNEL_SOURCE,
    };
    const directory = writeTree({
      "gren.json": `${JSON.stringify(outline, null, 4)}\n`,
      "src/Widgets.gren": sources.Widgets,
      "src/Widgets/Extra.gren": sources["Widgets.Extra"],
      "src/Gren/Kernel/Widgets.js": sources["Gren.Kernel.Widgets"],
      "src/Widgets/notes.md": "not a module",
      "README.md": `# Widgets\n\n${"Widgets, explained. ".repeat(20)}\n`,
      "tests/src/Test.gren": "module Test exposing (..)\n",
    });

    const run = await as("alice", ["publish", directory]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);

    const served = await download(registry, "/packages/gren-lang/widgets/1.0.0/bundle");
    expect(served.status).toBe(200);
    const bundle = unpack(served.bytes);
    expect(bundle.outline).toEqual(outline);
    expect(Object.keys(bundle.sources).sort()).toEqual([
      "Gren.Kernel.Widgets",
      "Widgets",
      "Widgets.Extra",
    ]);
    expect(bundle.sources).toEqual(sources);
    // Compact JSON, as the compiler writes it.
    expect(gunzipSync(served.bytes).toString("utf8")).toBe(JSON.stringify(bundle));

    expect(run.stdout).toContain(`Published gren-lang/widgets 1.0.0 to ${registry.url}.`);
    expect(run.stdout).toMatch(new RegExp(`size:\\s+${served.bytes.byteLength} bytes`));
    expect(run.stdout).toMatch(new RegExp(`sha256:\\s+${sha256(served.bytes)}`));
  });

  it("publishes the package in the current directory when given no path", async () => {
    const outline = packageOutline({ name: "acme/here", version: "1.0.0" });
    const directory = writeTree({
      "gren.json": JSON.stringify(outline),
      "src/Widgets.gren": "module Widgets exposing (..)\n",
      "src/Widgets/Extra.gren": "module Widgets.Extra exposing (..)\n",
    });
    const run = await as("alice", ["publish"], directory);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Published acme/here 1.0.0");
  });

  it("sends the directory's README.md beside the bundle, warning when it is missing or short", async () => {
    const outline = packageOutline({ name: "acme/readme", version: "1.0.0" });
    const files = {
      "gren.json": JSON.stringify(outline),
      "src/Widgets.gren": "module Widgets exposing (..)\n",
      "src/Widgets/Extra.gren": "module Widgets.Extra exposing (..)\n",
    };
    const long = `# acme/readme\n\n${"Widgets, explained at length. ".repeat(12)}\n`;
    const withReadme = await as("alice", ["publish", writeTree({ ...files, "README.md": long })]);
    expect(withReadme.code).toBe(0);
    expect(withReadme.stderr).toBe("");
    const served = await fetch(`${registry.url}/packages/acme/readme/1.0.0/readme`);
    expect(await served.text()).toBe(long);

    const short = await as("alice", [
      "publish",
      writeTree({
        ...files,
        "gren.json": JSON.stringify({ ...outline, version: "1.0.1" }),
        "README.md": "# hi\n",
      }),
    ]);
    expect(short.code).toBe(0);
    expect(short.stderr).toBe(
      "Warning: README.md is 5 bytes; the Gren compiler's own check wants at least 300, so say a little more of what the package is for.\n",
    );
    expect(await (await fetch(`${registry.url}/packages/acme/readme/1.0.1/readme`)).text()).toBe(
      "# hi\n",
    );

    const none = await as("alice", [
      "publish",
      writeTree({ ...files, "gren.json": JSON.stringify({ ...outline, version: "1.0.2" }) }),
    ]);
    expect(none.code).toBe(0);
    expect(none.stderr).toMatch(
      /^Warning: .* has no README\.md: the package's page will show none/,
    );
    expect((await fetch(`${registry.url}/packages/acme/readme/1.0.2/readme`)).status).toBe(404);
  });

  it("refuses a README that is not UTF-8 before sending anything", async () => {
    const directory = writeTree({
      "gren.json": JSON.stringify(packageOutline({ name: "acme/badreadme", version: "1.0.0" })),
      "src/Widgets.gren": "module Widgets exposing (..)\n",
      "src/Widgets/Extra.gren": "module Widgets.Extra exposing (..)\n",
    });
    writeFileSync(join(directory, "README.md"), new Uint8Array([0x23, 0x20, 0xff, 0x0a]));
    const run = await as("alice", ["publish", directory]);
    expect(run.code).toBe(EXIT.invalidBundle);
    expect(run.stderr).toContain("README.md is not UTF-8 text; save it as UTF-8.");
    expect((await call(registry, "GET", "/packages/acme/badreadme")).status).toBe(404);
  });

  it("uploads a .pkg.gz file exactly as it is", async () => {
    const bytes = packageBundle({ name: "acme/widgets", version: "1.0.0" });
    const file = join(scratch("bundle-"), "acme_widgets__1_0_0.pkg.gz");
    writeFileSync(file, bytes);

    const run = await as("alice", ["publish", file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Published acme/widgets 1.0.0");
    expect(run.stdout).toContain(sha256(bytes));
    expect(run.stdout).toContain(`${bytes.byteLength} bytes`);
    expect((await download(registry, "/packages/acme/widgets/1.0.0/bundle")).bytes).toEqual(bytes);
  });

  it("lists every problem of a package directory, and publishes nothing", async () => {
    const directory = writeTree({
      "gren.json": JSON.stringify(
        packageOutline({
          name: "acme/broken",
          summary: "",
          license: "Not-A-License",
          "exposed-modules": ["Widgets", "Widgets.Missing"],
        }),
      ),
      "src/Widgets.gren": "module Widgets exposing (..)\n",
      "src/lower/helper.gren": "module Helper exposing (..)\n",
    });
    const run = await as("alice", ["publish", directory]);
    expect(run.code).toBe(EXIT.invalidBundle);
    expect(run.stdout).toBe("");
    const lines = run.stderr.trim().split("\n");
    expect(lines[0]).toBe(
      `error: the package in ${directory} cannot be published: 4 problems to fix`,
    );
    const problems = lines.slice(1);
    expect(problems).toHaveLength(4);
    for (const problem of problems) expect(problem).toMatch(/^ {2}- \S.*\.$/);
    const all = problems.join("\n");
    expect(all).toContain('"summary"');
    expect(all).toContain('"license"');
    expect(all).toContain("src/Widgets/Missing.gren");
    expect(all).toContain("src/lower/helper.gren");
    expect((await call(registry, "GET", "/packages/acme/broken")).status).toBe(404);
  });

  it("says so in one line when gren.json is an application's, or missing", async () => {
    const application = writeTree({
      "gren.json": JSON.stringify({
        type: "application",
        platform: "browser",
        "source-directories": ["src"],
        "gren-version": "0.6.3",
        dependencies: { direct: {}, indirect: {} },
      }),
    });
    const run = await as("alice", ["publish", application]);
    expect(run.code).toBe(EXIT.invalidBundle);
    expect(run.stderr.trim()).toMatch(
      /^error: \S+gren\.json describes an application, and only packages can be published/,
    );
    expect(run.stderr.trim().split("\n")).toHaveLength(1);

    const empty = await as("alice", ["publish", scratch("empty-")]);
    expect(empty.code).toBe(EXIT.usage);
    expect(empty.stderr).toMatch(/^error: there is no \S+gren\.json; give a package's directory/);
  });

  it("shows every problem the registry finds in a bundle, one a line", async () => {
    const outline = packageOutline({
      name: "acme/refused",
      license: "Not-A-License",
      "exposed-modules": ["Widgets", "Widgets.Extra"],
    });
    const file = join(scratch("bundle-"), "refused.pkg.gz");
    writeFileSync(
      file,
      makeBundle({
        outline,
        sources: { Widgets: "module Widgets exposing (..)\n", "Gren.Kernel.Sneaky": "var x;" },
      }),
    );
    const run = await as("alice", ["publish", file]);
    expect(run.code).toBe(EXIT.invalidBundle);
    const lines = run.stderr.trim().split("\n");
    expect(lines[0]).toBe("error: The bundle was refused: 3 problems to fix.");
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^ {2}- The outline's "license" must be/),
      expect.stringMatching(/^ {2}- The outline exposes "Widgets.Extra", but the bundle has no/),
      expect.stringMatching(/^ {2}- The bundle has kernel code \("Gren.Kernel.Sneaky"\)/),
    ]);
  });

  it("needs a login, and says why a version cannot be published twice", async () => {
    const file = join(scratch("bundle-"), "again.pkg.gz");
    writeFileSync(file, packageBundle({ name: "acme/widgets", version: "1.0.0" }));
    const anonymous = await as("nobody", ["publish", file]);
    expect(anonymous.code).toBe(EXIT.denied);
    expect(anonymous.stderr).toMatch(/^error: you are not logged in/);
    const again = await as("alice", ["publish", file]);
    expect(again.code).toBe(EXIT.conflict);
    expect(again.stderr).toMatch(/^error: acme\/widgets 1\.0\.0 is already published/);
  });

  it("refuses a file that is not a bundle before uploading it", async () => {
    const file = join(scratch("bundle-"), "text.pkg.gz");
    writeFileSync(file, "just text");
    const run = await as("alice", ["publish", file]);
    expect(run.code).toBe(EXIT.invalidBundle);
    expect(run.stderr.trim()).toBe(
      `error: ${file} is not a package bundle: it is not gzip of the compiler's JSON`,
    );
  });
});

describe("versions, latest and previous", () => {
  beforeAll(async () => {
    for (const [version, grenVersion] of [
      ["0.9.0", "0.5.0 <= v < 0.7.0"],
      ["0.11.0", "0.8.0 <= v < 0.9.0"],
      ["0.10.0", "0.6.0 <= v < 0.7.0"],
      ["0.2.0", "0.1.0 <= v < 0.2.0"],
    ] as const) {
      // History, out of order and with 0.x numbers, brought in by acme's admin as it was.
      await publishHistory(registry, tokens.alice, "acme/ordering", version, {
        "gren-version": grenVersion,
        summary: "Things in order",
      });
    }
    registry.clock.advance(24 * 60 * 60 * 1000);
    const revoked = await call(registry, "DELETE", "/packages/acme/ordering/0.11.0", {
      token: tokens.alice,
      json: { reason: "Breaks the sort of negative numbers" },
    });
    expect(revoked.status).toBe(200);
  });

  it("versions lists every version in numeric order, with its revocation", async () => {
    const run = await as("nobody", ["versions", "acme/ordering"]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("acme/ordering: Things in order");
    expect(lines[1]).toBe("BSD-3-Clause, public");
    expect(lines[3]).toMatch(/^VERSION\s+PUBLISHED\s+GREN\s+SIZE\s+REVOKED$/);
    const rows = lines.slice(4);
    expect(rows.map((row) => row.split(/\s+/)[0])).toEqual(["0.2.0", "0.9.0", "0.10.0", "0.11.0"]);
    expect(rows[0]).toMatch(/^0\.2\.0\s+2026-11-24\s+0\.1\.0 <= v < 0\.2\.0\s+\d+ B$/);
    expect(rows[3]).toMatch(/Breaks the sort of negative numbers \(2026-11-25\)$/);
  });

  it("latest picks the highest version for a compiler, skipping revoked ones", async () => {
    const latest = async (...args: string[]) => {
      const run = await as("nobody", ["latest", "acme/ordering", ...args]);
      return run.code === 0 ? run.stdout : run.stderr;
    };
    expect(await latest()).toBe("0.10.0\n");
    expect(await latest("--gren", "0.6.3")).toBe("0.10.0\n");
    expect(await latest("--gren", "0.5.1")).toBe("0.9.0\n");
    // Why none fits comes from the registry: here, the one version that would is revoked.
    expect(await latest("--gren", "0.8.0")).toBe(
      "error: acme/ordering has no version that fits: none of its versions that are not revoked works with Gren 0.8.0, only with 0.1.0 <= v < 0.2.0, 0.5.0 <= v < 0.7.0, 0.6.0 <= v < 0.7.0; 0.11.0 would, but it is revoked.\n",
    );
    expect(await latest("--gren", "0.6")).toBe(
      'error: "0.6" is not a version: use MAJOR.MINOR.PATCH, like 1.0.0\n',
    );
  });

  it("previous is the highest version below the one given", async () => {
    const previous = async (version: string) => {
      const run = await as("nobody", ["previous", "acme/ordering", version]);
      return run.code === 0 ? run.stdout : run.stderr;
    };
    expect(await previous("0.10.0")).toBe("0.9.0\n");
    expect(await previous("0.10.5")).toBe("0.10.0\n");
    expect(await previous("9.0.0")).toBe("0.10.0\n");
    expect(await previous("0.2.0")).toBe(
      "error: acme/ordering has no version that fits: it has no version below 0.2.0, its lowest being 0.2.0.\n",
    );
  });

  it("refuses what is not a package name, and names a package that does not exist", async () => {
    const bad = await as("nobody", ["versions", "ordering"]);
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.stderr).toBe(
      'error: "ordering" is not a package name: it is author/project, one slash between them, like gren-lang/core\n',
    );
    const missing = await as("nobody", ["versions", "acme/nothing"]);
    expect(missing.code).toBe(EXIT.notFound);
    expect(missing.stderr).toBe("error: There is no package acme/nothing.\n");
  });
});

describe("private packages", () => {
  beforeAll(async () => {
    await call(registry, "PUT", "/publishing-identity/acme/members/bob@example.com", {
      token: tokens.alice,
      json: { role: "download" },
    });
    await publish(registry, tokens.alice, "acme/secret", "1.0.0", {
      private: true,
      summary: "Hush hush",
    });
  });

  it("are shown and downloaded for members logged in, and not found for others", async () => {
    const shown = await as("bob", ["versions", "acme/secret"]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain("BSD-3-Clause, private (only members of acme see it)");
    expect((await as("bob", ["latest", "acme/secret"])).stdout).toBe("1.0.0\n");
    expect((await as("bob", ["search", "hush"])).stdout).toContain("acme/secret");

    const directory = scratch("downloads-");
    const fetched = await as("bob", ["download", "acme/secret", "1.0.0"], directory);
    expect(fetched.code).toBe(0);
    expect(readdirSync(directory)).toEqual(["acme_secret__1_0_0.pkg.gz"]);

    const hidden = await as("nobody", ["versions", "acme/secret"]);
    expect(hidden.stderr).toBe("error: There is no package acme/secret.\n");
    expect((await as("nobody", ["search", "hush"])).stdout).toBe('No packages match "hush".\n');
  });
});

describe("download", () => {
  it("writes the bundle under the compiler's file name, its sha256 checked", async () => {
    const directory = scratch("downloads-");
    const run = await as("nobody", ["download", "gren-lang/widgets", "1.0.0"], directory);
    expect(run.code).toBe(0);
    const file = join(directory, "gren_lang_widgets__1_0_0.pkg.gz");
    const bytes = new Uint8Array(readFileSync(file));
    const served = await download(registry, "/packages/gren-lang/widgets/1.0.0/bundle");
    expect(bytes).toEqual(served.bytes);
    expect(readdirSync(directory)).toEqual(["gren_lang_widgets__1_0_0.pkg.gz"]);
    expect(run.stdout).toContain(
      "Downloaded gren-lang/widgets 1.0.0 to gren_lang_widgets__1_0_0.pkg.gz.",
    );
    expect(run.stdout).toContain(`${sha256(bytes)} (checked)`);
  });

  it("writes where -o says, the bytes exactly those published", async () => {
    const bytes = packageBundle({ name: "acme/widgets", version: "1.0.0" });
    const file = join(scratch("downloads-"), "widgets.pkg.gz");
    const run = await as("nobody", ["download", "acme/widgets", "1.0.0", "-o", file]);
    expect(run.code).toBe(0);
    expect(new Uint8Array(readFileSync(file))).toEqual(bytes);
  });

  it("says why a revoked version cannot be downloaded, and writes nothing", async () => {
    const directory = scratch("downloads-");
    const run = await as("nobody", ["download", "acme/ordering", "0.11.0"], directory);
    expect(run.code).toBe(EXIT.notFound);
    expect(run.stderr).toBe(
      "error: acme/ordering 0.11.0 was revoked on 2026-11-25T12:00:00.000Z: Breaks the sort of negative numbers\n",
    );
    expect(readdirSync(directory)).toEqual([]);
  });

  describe("from a registry that serves the wrong bytes", () => {
    const published = packageBundle({ name: "acme/widgets", version: "1.0.0" });
    const tampered = packageBundle({ name: "acme/widgets", version: "1.0.0", summary: "Evil" });
    let fake: { url: string; close: () => Promise<void> };
    let answer: { status: number; etag: string; bytes: Uint8Array };

    beforeAll(async () => {
      fake = await startFakeRegistry((request, response) => {
        if (request.url === "/packages/acme/widgets/1.0.0") {
          response.writeHead(200, { "content-type": "application/json" });
          response.end(
            JSON.stringify({
              name: "acme/widgets",
              version: "1.0.0",
              publishedAt: "2026-11-24T12:00:00.000Z",
              sha256: sha256(published),
              size: published.byteLength,
              outline: packageOutline(),
              revoked: null,
            }),
          );
        } else if (request.url === "/packages/acme/widgets/1.0.0/bundle" && answer.status === 200) {
          response.writeHead(200, { "content-type": "application/gzip", etag: answer.etag });
          response.end(answer.bytes);
        } else if (request.url === "/packages/acme/widgets/1.0.0/bundle") {
          response.writeHead(answer.status, { "content-type": "application/json" });
          response.end(
            JSON.stringify({
              code: "gone",
              message: "acme/widgets 1.0.0 was revoked on 2026-11-25T00:00:00.000Z: Leaked a key",
            }),
          );
        } else if (request.url === "/health") {
          // A registry, only one that keeps no transparency log.
          response.writeHead(200, { "content-type": "application/json" });
          response.end('{"status":"ok"}');
        } else {
          response.writeHead(404).end();
        }
      });
    });
    afterAll(async () => {
      await fake.close();
    });

    const fromFake = (directory: string) =>
      runCli(["--registry", fake.url, "download", "acme/widgets", "1.0.0"], {
        home: homes.nobody,
        cwd: directory,
      });

    it("refuses bytes whose sha256 is not the published one, writing nothing", async () => {
      answer = { status: 200, etag: `"${sha256(tampered)}"`, bytes: tampered };
      const directory = scratch("downloads-");
      const run = await fromFake(directory);
      expect(run.code).toBe(EXIT.unavailable);
      expect(run.stderr).toBe(
        `error: refusing acme/widgets 1.0.0: the bytes received have sha256 ${sha256(tampered)}, but the version was published with sha256 ${sha256(published)}\n`,
      );
      expect(readdirSync(directory)).toEqual([]);
    });

    it("refuses bytes whose ETag names other bytes", async () => {
      answer = { status: 200, etag: `"${sha256(tampered)}"`, bytes: published };
      const directory = scratch("downloads-");
      const run = await fromFake(directory);
      expect(run.code).toBe(EXIT.unavailable);
      expect(run.stderr).toMatch(
        /^error: refusing acme\/widgets 1\.0\.0: .* but the download was tagged/,
      );
      expect(readdirSync(directory)).toEqual([]);
    });

    it("refuses even the right bytes from a registry that keeps no transparency log, and prints the reason of a 410", async () => {
      answer = { status: 200, etag: `"${sha256(published)}"`, bytes: published };
      const directory = scratch("downloads-");
      const unproven = await fromFake(directory);
      expect(unproven.code).toBe(EXIT.unproven);
      expect(unproven.stderr).toBe(
        `error: ${fake.url} keeps no transparency log (GET /log/key answers 404), so nothing proves that what it serves is what it serves everyone\n`,
      );
      expect(readdirSync(directory)).toEqual([]);

      answer = { status: 410, etag: "", bytes: published };
      const gone = await fromFake(scratch("downloads-"));
      expect(gone.code).toBe(EXIT.notFound);
      expect(gone.stderr).toBe(
        "error: acme/widgets 1.0.0 was revoked on 2026-11-25T00:00:00.000Z: Leaked a key\n",
      );
    });
  });
});

describe("search", () => {
  beforeAll(async () => {
    for (const name of ["acme/json-tools", "acme/json-extra", "acme/json-more"]) {
      await publish(registry, tokens.alice, name, "1.0.0", {
        summary: `Encoding JSON, ${name.slice(10)}`,
      });
    }
  });

  it("shows the matching packages as a table", async () => {
    const run = await as("nobody", ["search", "json"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^NAME\s+LATEST\s+SUMMARY\nacme\/json-extra\s+1\.0\.0\s+Encoding JSON, extra\nacme\/json-more\s+1\.0\.0\s+Encoding JSON, more\nacme\/json-tools\s+1\.0\.0\s+Encoding JSON, tools\n$/,
    );
  });

  it("follows the registry's pages up to --limit, and says when there are more", async () => {
    const two = await as("nobody", ["search", "json", "--limit", "2"]);
    expect(
      two.stdout
        .split("\n")
        .slice(1, 3)
        .map((row) => row.split(/\s+/)[0]),
    ).toEqual(["acme/json-extra", "acme/json-more"]);
    expect(two.stdout).toContain("There are more; see them with --limit 4.");
    const everything = await as("nobody", ["search", "acme", "--limit", "150"]);
    expect(everything.stdout).not.toContain("There are more");
    expect(everything.stdout).toContain("acme/widgets");
    expect((await as("nobody", ["search", "json", "--limit", "0"])).stderr).toMatch(
      /^error: --limit must be/,
    );
  });

  it("follows the next cursor through pages smaller than asked for", async () => {
    const names = ["acme/a", "acme/b", "acme/c", "acme/d", "acme/e"];
    const asked: string[] = [];
    const fake = await startFakeRegistry((request, response) => {
      const url = new URL(request.url ?? "/", "http://localhost");
      asked.push(`${url.searchParams.get("limit")} ${url.searchParams.get("cursor") ?? "-"}`);
      // One package a page, whatever the limit, as a registry is free to answer.
      const cursor = url.searchParams.get("cursor");
      const index = cursor === null ? 0 : names.indexOf(cursor) + 1;
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          packages: [{ name: names[index], summary: "A letter", latest: "1.0.0" }],
          next: index + 1 < names.length ? names[index] : null,
        }),
      );
    });
    try {
      const run = await runCli(["--registry", fake.url, "search", "letter", "--limit", "3"], {
        home: homes.nobody,
      });
      expect(
        run.stdout
          .split("\n")
          .slice(1, 4)
          .map((row) => row.split(/\s+/)[0]),
      ).toEqual(["acme/a", "acme/b", "acme/c"]);
      expect(run.stdout).toContain("There are more");
      expect(asked).toEqual(["3 -", "2 acme/a", "1 acme/b"]);
    } finally {
      await fake.close();
    }
  });

  it("says when nothing matches", async () => {
    expect((await as("nobody", ["search", "zz-nothing-zz"])).stdout).toBe(
      'No packages match "zz-nothing-zz".\n',
    );
  });
});

describe("help", () => {
  it("has --help for every package command", async () => {
    for (const command of ["publish", "versions", "latest", "previous", "download", "search"]) {
      const run = await as("nobody", [command, "--help"]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^Usage: gren-registry ${command}`));
    }
  });
});
