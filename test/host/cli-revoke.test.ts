import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/cliError.ts";
import { CLI, loginCli, runCli } from "../support/cli.ts";
import { createIdentity, publish } from "../support/publishing.ts";
import { call, startRegistry, type TestRegistry, temporaryDir } from "../support/registry.ts";

let registry: TestRegistry;
let home: string;
let token: string;
beforeAll(async () => {
  registry = await startRegistry();
  home = temporaryDir("home-");
  token = await loginCli(registry, "alice@example.com", home);
  await createIdentity(registry, token, "acme");
  for (const version of ["1.0.0", "1.1.0", "2.0.0"])
    await publish(registry, token, "acme/tools", version);
  await publish(registry, token, "acme/old", "1.0.0");
});
afterAll(async () => {
  await registry.close();
});

const cli = (args: string[]) => runCli(["--registry", registry.url, ...args], { home });

describe("the CLI's revoke command", () => {
  it("revokes one version with --yes and shows the reason", async () => {
    const run = await cli(["revoke", "acme/tools", "1.1.0", "--reason", "Broken build", "--yes"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Revoked acme\/tools 1\.1\.0 at .*: Broken build/);
    expect((await call(registry, "GET", "/packages/acme/tools/1.1.0")).body.revoked).toMatchObject({
      reason: "Broken build",
    });
  });

  it("refuses to revoke a revoked version again, saying when and why it was, and keeps its reason", async () => {
    const standing = (await call(registry, "GET", "/packages/acme/tools/1.1.0")).body.revoked as {
      at: string;
      reason: string;
    };
    const run = await cli(["revoke", "acme/tools", "1.1.0", "--reason", "Another reason", "--yes"]);
    expect(run.code).toBe(EXIT.conflict);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      `error: acme/tools 1.1.0 was revoked already, on ${standing.at}, with the reason "Broken build"; a revocation is final, and keeps its reason.\n`,
    );
    expect((await call(registry, "GET", "/packages/acme/tools/1.1.0")).body.revoked).toEqual(
      standing,
    );
  });

  it("revokes every version with --all, naming those revoked before, and refuses when all were", async () => {
    await publish(registry, token, "acme/old", "1.1.0");
    await call(registry, "DELETE", "/packages/acme/old/1.1.0", { token, json: { reason: "Bad" } });
    const run = await cli(["revoke", "acme/old", "--all", "--reason", "Superseded", "--yes"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      "Revoked acme/old: 1.0.0. (Revoked before, with their own reasons: 1.1.0.)\n",
    );
    const versions = (
      await call<{ versions: { revoked: { reason: string } }[] }>(
        registry,
        "GET",
        "/packages/acme/old",
      )
    ).body.versions;
    expect(versions.map((v) => v.revoked.reason)).toEqual(["Superseded", "Bad"]);

    const again = await cli(["revoke", "acme/old", "--all", "--reason", "Again", "--yes"]);
    expect(again.code).toBe(EXIT.conflict);
    expect(again.stderr).toBe(
      "error: Every version of acme/old is revoked already; each keeps the reason it was revoked with.\n",
    );
  });

  it("asks for confirmation, and without a terminal refuses unless --yes is given", async () => {
    const run = await cli(["revoke", "acme/tools", "2.0.0", "--reason", "Oops"]);
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr.trim()).toBe("error: revoking cannot be undone; add --yes to confirm it");
    expect((await call(registry, "GET", "/packages/acme/tools/2.0.0")).body.revoked).toBeNull();
  });

  it("on a terminal, revokes only after the user types yes", async () => {
    // script(1) runs the CLI on a pseudo-terminal and passes our input to it.
    const onTerminal = (answer: string) =>
      new Promise<{ stdout: string }>((resolve) => {
        const command = `"${process.execPath}" "${CLI}" --registry ${registry.url} revoke acme/tools 2.0.0 --reason Oops`;
        const child = spawn("script", ["-qec", command, "/dev/null"], {
          env: { ...process.env, HOME: home },
        });
        child.stdin.on("error", () => {});
        let stdout = "";
        let answered = false;
        child.stdout.on("data", (chunk: Buffer) => {
          stdout += chunk.toString();
          if (!answered && stdout.includes("to confirm:")) {
            answered = true;
            child.stdin.write(`${answer}\n`);
          }
        });
        child.on("close", () => resolve({ stdout }));
      });
    const declined = await onTerminal("no");
    expect(declined.stdout).toContain('Type "yes" to confirm');
    expect(declined.stdout).toContain("nothing was revoked");
    expect((await call(registry, "GET", "/packages/acme/tools/2.0.0")).body.revoked).toBeNull();

    const confirmed = await onTerminal("yes");
    expect(confirmed.stdout).toContain("Revoked acme/tools 2.0.0");
    expect((await call(registry, "GET", "/packages/acme/tools/2.0.0")).body.revoked).toMatchObject({
      reason: "Oops",
    });
  });

  it("needs a reason, and either a version or --all", async () => {
    expect((await cli(["revoke", "acme/tools", "2.0.0", "--yes"])).code).not.toBe(0);
    const both = await cli(["revoke", "acme/tools", "2.0.0", "--all", "--reason", "x", "--yes"]);
    expect(both.stderr.trim()).toBe(
      "error: give either a version or --all, not both and not neither",
    );
  });

  it("has --help, whose usage line asks for the reason it requires", async () => {
    const run = await cli(["revoke", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^Usage: gren-registry revoke <package> \[version\] --reason <text> \[options\]\n/,
    );
    expect(run.stdout).toMatch(/--reason <text> +why, always required/);
    const without = await cli(["revoke", "acme/tools", "2.0.0", "--yes"]);
    expect(without.code).toBe(EXIT.usage);
    expect(without.stderr).toContain("error: required option '--reason <text>' not specified");
  });
});
