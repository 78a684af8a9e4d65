import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/cliError.ts";
import { generateSignerKey, parseSignerKey } from "../../src/log/note.ts";
import { packageBundle } from "../support/bundles.ts";
import { loginCli, runCli } from "../support/cli.ts";
import { createIdentity, publish, sha256 } from "../support/publishing.ts";
import {
  call,
  login,
  startRegistry,
  type TestRegistry,
  temporaryDir,
} from "../support/registry.ts";

// The CLI in scripts and CI: one JSON document on standard output with --json,
// an exit code per kind of failure, and a session token from the environment.

let registry: TestRegistry;
let token: string;
/** A user with no role in acme. */
let otherToken: string;
let home: string;

beforeAll(async () => {
  registry = await startRegistry();
  home = temporaryDir("registry-home-");
  token = await loginCli(registry, "ci@example.com", home);
  otherToken = await login(registry, "stranger@example.com");
  await createIdentity(registry, token, "acme");
  await publish(registry, token, "acme/widgets", "1.0.0");
  await publish(registry, token, "acme/widgets", "1.1.0");
  await call(registry, "DELETE", "/packages/acme/widgets/1.1.0", {
    token,
    json: { reason: "Broken" },
  });
});
afterAll(async () => {
  await registry.close();
});

const cli = (
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; as?: string } = {},
) =>
  runCli(["--registry", registry.url, ...args], {
    home: options.as ?? home,
    ...(options.env ? { env: options.env } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });

/** Runs a command with --json and parses its standard output, which must be JSON alone. */
async function json(args: string[], cwd?: string): Promise<Record<string, unknown>> {
  const run = await cli([...args, "--json"], cwd ? { cwd } : {});
  expect(run.code, run.stderr).toBe(EXIT.ok);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

/** A log key of some other registry's. */
function anotherLogKey(): string {
  const signer = parseSignerKey(generateSignerKey("elsewhere.example.org"));
  if (!signer.ok) throw new Error(signer.error);
  return signer.value.text;
}

describe("--json", () => {
  it("prints one JSON document for every command that prints data", async () => {
    expect(await json(["whoami"])).toMatchObject({ email: "ci@example.com" });
    expect(await json(["sessions"])).toMatchObject({
      sessions: [expect.objectContaining({ current: true })],
    });
    expect(await json(["versions", "acme/widgets"])).toMatchObject({
      name: "acme/widgets",
      versions: [{ version: "1.0.0" }, { version: "1.1.0", revoked: { reason: "Broken" } }],
    });
    expect(await json(["latest", "acme/widgets"])).toEqual({ version: "1.0.0" });
    expect(await json(["previous", "acme/widgets", "1.1.0"])).toEqual({ version: "1.0.0" });
    expect(await json(["search", "widgets"])).toMatchObject({
      packages: [{ name: "acme/widgets", latest: "1.0.0" }],
      more: false,
    });
    expect(await json(["feed"])).toMatchObject({ events: expect.any(Array), next: 3 });
    expect(await json(["identity", "show", "acme"])).toMatchObject({ packages: ["acme/widgets"] });
    expect(await json(["identity", "create", "acme-tools"])).toEqual({
      name: "acme-tools",
      role: "admin",
    });
    expect(await json(["identity", "add", "acme", "pat@example.com", "--role", "publish"])).toEqual(
      {
        email: "pat@example.com",
        role: "publish",
      },
    );

    const folder = temporaryDir();
    const file = join(folder, "gadgets.pkg.gz");
    const bytes = packageBundle({ name: "acme/gadgets", version: "1.0.0" });
    writeFileSync(file, bytes);
    expect(await json(["publish", file])).toEqual({
      name: "acme/gadgets",
      version: "1.0.0",
      sha256: sha256(bytes),
      size: bytes.byteLength,
      misnumbered: null,
    });
    expect(await json(["download", "acme/gadgets", "1.0.0"], folder)).toEqual({
      name: "acme/gadgets",
      version: "1.0.0",
      file: "acme_gadgets__1_0_0.pkg.gz",
      sha256: sha256(bytes),
      size: bytes.byteLength,
    });
    expect(
      await json(["revoke", "acme/gadgets", "1.0.0", "--reason", "Mistake", "--yes"]),
    ).toMatchObject({ name: "acme/gadgets", revoked: { reason: "Mistake" } });
  });
});

describe("a session token in GREN_REGISTRY_TOKEN", () => {
  it("is used without any login, and before the token file", async () => {
    const nobody = temporaryDir("registry-home-");
    await loginCli(registry, "other@example.com", nobody);
    const run = await cli(["whoami"], { as: nobody, env: { GREN_REGISTRY_TOKEN: token } });
    expect(run.stdout).toContain("ci@example.com");
  });
});

describe("exit codes", () => {
  /** The README's exit-code table: each code with its meaning. */
  const table = new Map(
    [
      ...readFileSync(join(import.meta.dirname, "../../README.md"), "utf8").matchAll(
        /^\| (\d) \| (.+) \|$/gm,
      ),
    ].map((row) => [Number(row[1]), row[2]!]),
  );

  it("are the README's table, one code for each kind of failure", () => {
    expect([...table.keys()]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Object.values(EXIT).sort()).toEqual([...table.keys()]);
  });

  it("match the README's table, row by row, against a real registry", async () => {
    const outsider = temporaryDir("registry-home-");
    const folder = temporaryDir();
    const bad = join(folder, "bad.pkg.gz");
    writeFileSync(bad, packageBundle({ name: "acme/bad", version: "1.0.0", license: "Mine" }));
    const misspelled = join(folder, "misspelled.pkg.gz");
    writeFileSync(misspelled, packageBundle({ name: "ACME/spelled", version: "1.0.0" }));
    // Five login mails to one address in a quarter of an hour are all it gets.
    for (let sent = 0; sent < 5; sent++) {
      expect((await cli(["login", "often@example.com"], { as: outsider })).code).toBe(EXIT.ok);
    }

    type Case = [
      what: string,
      args: string[],
      options?: { as?: string; env?: Record<string, string> },
    ];
    const rows: Record<number, Case[]> = {
      [EXIT.ok]: [["it worked", ["latest", "acme/widgets"]]],
      [EXIT.failed]: [
        ["a request the registry found invalid", ["publish", misspelled]],
        [
          "a file that cannot be written",
          ["download", "acme/widgets", "1.0.0", "-o", join(folder, "no-such-folder", "x.pkg.gz")],
        ],
      ],
      [EXIT.usage]: [
        ["a malformed package name", ["latest", "widgets"]],
        ["an unknown option", ["latest", "acme/widgets", "--nope"]],
        ["a missing argument", ["versions"]],
        ["a malformed identity name", ["identity", "create", "gren_lang"]],
        ["a malformed email address", ["login", "not-an-email"], { as: outsider }],
        [
          "a --registry URL with a wrong path",
          ["--registry", `${registry.url}/api`, "versions", "acme/widgets"],
        ],
      ],
      [EXIT.denied]: [
        ["not logged in", ["whoami"], { as: outsider }],
        [
          "a token the registry does not know",
          ["whoami"],
          { env: { GREN_REGISTRY_TOKEN: "nope" } },
        ],
        [
          "not allowed",
          ["revoke", "acme/widgets", "1.0.0", "--reason", "No", "--yes"],
          { as: outsider, env: { GREN_REGISTRY_TOKEN: otherToken } },
        ],
      ],
      [EXIT.notFound]: [
        ["no such package", ["versions", "acme/nothing"]],
        ["a revoked version", ["download", "acme/widgets", "1.1.0"]],
      ],
      [EXIT.conflict]: [
        ["a name taken", ["identity", "create", "acme"]],
        [
          "a version revoked already",
          ["revoke", "acme/widgets", "1.1.0", "--reason", "Again", "--yes"],
        ],
      ],
      [EXIT.invalidBundle]: [["a bundle refused", ["publish", bad]]],
      [EXIT.unavailable]: [
        [
          "a registry that cannot be reached",
          ["--registry", "http://127.0.0.1:9", "latest", "acme/widgets"],
        ],
        ["a registry too busy to answer (429)", ["login", "often@example.com"], { as: outsider }],
      ],
      [EXIT.unproven]: [
        [
          "a registry whose log is not signed by the key given",
          ["--log-key", anotherLogKey(), "download", "acme/widgets", "1.0.0"],
          { as: temporaryDir("registry-home-") },
        ],
      ],
    };
    for (const [code, meaning] of table) {
      const cases = rows[code] ?? [];
      expect(cases.length, `a case for exit ${code}: ${meaning}`).toBeGreaterThan(0);
      for (const [what, args, options = {}] of cases) {
        const run = await cli(args, options);
        expect(run.code, `${what} (${meaning}): ${run.stderr}`).toBe(code);
        if (code !== EXIT.ok) {
          expect(run.stderr, what).toMatch(/^error: \S/);
          expect(run.stdout, what).toBe("");
        }
      }
    }
  });

  it("say what is wrong with a malformed argument, or with a --registry URL", async () => {
    const said = async (args: string[]) =>
      (await cli(args, { as: temporaryDir("registry-home-") })).stderr;
    expect(await said(["identity", "create", "gren_lang"])).toBe(
      'error: "gren_lang" is not an identity name: an identity name is ASCII letters, digits and single dashes, not starting or ending with a dash, like gren-lang\n',
    );
    expect(await said(["login", "not-an-email"])).toBe(
      'error: "not-an-email" is not an email address that mail can be sent to, like me@example.com\n',
    );
    expect(await said(["versions", "gren-lang/Node"])).toBe(
      'error: "gren-lang/Node" is not a package name: its project is written in lower case; did you mean gren-lang/node?\n',
    );
    expect(await said(["--registry", `${registry.url}/api`, "versions", "acme/widgets"])).toBe(
      `error: no Gren registry answers at ${registry.url}/api: it answered GET /packages/acme/widgets with 404, and ${registry.url}/api/health is not a registry's health check; check the URL given with --registry (or GREN_REGISTRY_URL)\n`,
    );
  });
});

describe("download", () => {
  it("keeps a file holding the same bytes, and refuses one holding others unless --force", async () => {
    const folder = temporaryDir();
    const file = join(folder, "acme_widgets__1_0_0.pkg.gz");
    expect((await cli(["download", "acme/widgets", "1.0.0"], { cwd: folder })).code).toBe(EXIT.ok);
    const published = readFileSync(file);
    expect((await cli(["download", "acme/widgets", "1.0.0"], { cwd: folder })).code).toBe(EXIT.ok);

    writeFileSync(file, "my own work");
    const refused = await cli(["download", "acme/widgets", "1.0.0"], { cwd: folder });
    expect(refused.code).toBe(EXIT.failed);
    expect(refused.stderr).toMatch(/holds other bytes .* add --force to overwrite it/);
    expect(readFileSync(file, "utf8")).toBe("my own work");

    const forced = await cli(["download", "acme/widgets", "1.0.0", "--force"], { cwd: folder });
    expect(forced.code).toBe(EXIT.ok);
    expect(readFileSync(file)).toEqual(published);
  });
});

describe("sessions and logout --all", () => {
  it("lists the user's sessions, and ends every one of them", async () => {
    const mine = temporaryDir("registry-home-");
    const first = await login(registry, "many@example.com");
    const second = await loginCli(registry, "many@example.com", mine);
    const listed = await cli(["sessions"], { as: mine });
    expect(listed.stdout.trim().split("\n")).toHaveLength(3);
    expect(listed.stdout).toContain("(this one)");

    const out = await cli(["logout", "--all"], { as: mine });
    expect(out.code).toBe(EXIT.ok);
    for (const ended of [first, second]) {
      expect((await call(registry, "GET", "/user", { token: ended })).status).toBe(401);
    }
    expect((await cli(["whoami"], { as: mine })).code).toBe(EXIT.denied);
  });
});
