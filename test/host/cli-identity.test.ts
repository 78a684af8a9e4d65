import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/cliError.ts";
import { loginCli, runCli } from "../support/cli.ts";
import { startRegistry, type TestRegistry, temporaryDir } from "../support/registry.ts";

let registry: TestRegistry;
let aliceHome: string;
let bobHome: string;
beforeAll(async () => {
  registry = await startRegistry();
  aliceHome = temporaryDir("home-alice-");
  bobHome = temporaryDir("home-bob-");
  await loginCli(registry, "alice@example.com", aliceHome);
  await loginCli(registry, "bob@example.com", bobHome);
});
afterAll(async () => {
  await registry.close();
});

const as = (home: string, args: string[]) =>
  runCli(["--registry", registry.url, ...args], { home });

describe("the CLI's identity commands", () => {
  it("create an identity, add and change members, show it, and remove members", async () => {
    const created = await as(aliceHome, ["identity", "create", "acme"]);
    expect(created).toMatchObject({ code: 0 });
    expect(created.stdout).toContain("Created publishing identity acme; you are its admin.");

    expect(
      (await as(aliceHome, ["identity", "add", "acme", "bob@example.com", "--role", "download"]))
        .stdout,
    ).toContain("bob@example.com is now download in acme.");
    expect(
      (await as(aliceHome, ["identity", "add", "acme", "bob@example.com", "--role", "publish"]))
        .code,
    ).toBe(0);

    const shown = await as(bobHome, ["identity", "show", "acme"]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(
      /MEMBER\s+ROLE\nalice@example.com\s+admin\nbob@example.com\s+publish/,
    );

    const forbidden = await as(bobHome, [
      "identity",
      "add",
      "acme",
      "carol@example.com",
      "--role",
      "admin",
    ]);
    expect(forbidden.code).toBe(EXIT.denied);
    expect(forbidden.stderr).toMatch(
      /^error: Managing its members needs the admin role in "acme", and yours is publish/,
    );

    expect(
      (await as(aliceHome, ["identity", "remove", "acme", "bob@example.com"])).stdout,
    ).toContain("bob@example.com is no longer a member of acme.");
    const outsider = await as(bobHome, ["identity", "show", "acme"]);
    expect(outsider.stdout).not.toContain("MEMBER");
  });

  it("refuses an unknown role before asking the registry", async () => {
    const run = await as(aliceHome, [
      "identity",
      "add",
      "acme",
      "x@example.com",
      "--role",
      "owner",
    ]);
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr.trim()).toBe('error: "owner" is not a role; use download, publish, admin');
  });

  it("has --help for each identity command", async () => {
    for (const command of ["create", "show", "add", "remove"]) {
      const run = await as(aliceHome, ["identity", command, "--help"]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^Usage: gren-registry identity ${command}`));
    }
  });
});
