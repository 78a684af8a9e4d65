import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/cliError.ts";
import { runCli, startCli, until } from "../support/cli.ts";
import {
  latestCode,
  sentMail,
  startRegistry,
  type TestRegistry,
  temporaryDir,
} from "../support/registry.ts";

let registry: TestRegistry;
let home: string;
beforeEach(async () => {
  registry = await startRegistry();
  home = temporaryDir("registry-home-");
});
afterEach(async () => {
  await registry.close();
});

const cli = (args: string[], input?: string) =>
  runCli(["--registry", registry.url, ...args], {
    home,
    ...(input === undefined ? {} : { input }),
  });

const userFile = () => join(home, ".gren", "user");

describe("the CLI's login, whoami and logout", () => {
  it("logs in with the code typed at the prompt, keeps the token in a 0600 file, and logs out", async () => {
    const { child, done } = startCli(["--registry", registry.url, "login", "Pat@Example.com"], {
      home,
    });
    const code = await until(
      () => latestCode(registry.outbox, "pat@example.com"),
      "the login mail",
    );
    child.stdin!.end(`${code}\n`);
    const loggedIn = await done;
    // The question's line ends before anything else is said, though no terminal echoed the code.
    expect(loggedIn.stderr).toBe(
      "A link and a code were sent to pat@example.com.\nOpen the link in the mail, or type the code from it: \n",
    );
    expect(loggedIn.stdout).toContain("Logged in");
    expect(loggedIn.code).toBe(0);

    expect(statSync(userFile()).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(userFile(), "utf8"));
    const token = saved.registries[registry.url].sessionToken;
    expect(token).toMatch(/^[0-9a-f-]{36}$/);

    const whoami = await cli(["whoami"]);
    expect(whoami.code).toBe(0);
    expect(whoami.stdout).toContain("pat@example.com");

    const logout = await cli(["logout"]);
    expect(logout.code).toBe(0);
    expect(readFileSync(userFile(), "utf8")).not.toContain(token);
    // The token is dead on the server too, not only forgotten locally.
    const user = await fetch(`${registry.url}/user`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(user.status).toBe(401);

    const after = await cli(["whoami"]);
    expect(after.code).not.toBe(0);
    expect(after.stderr.trim().split("\n")).toHaveLength(1);
    expect(after.stderr).toMatch(/not logged in/);
  });

  it("logs in as soon as the link in the mail is confirmed, with no code typed", async () => {
    const { child, done } = startCli(["--registry", registry.url, "login", "lou@example.com"], {
      home,
    });
    const mail = await until(
      () => sentMail(registry.outbox).find((m) => m.to === "lou@example.com"),
      "the login mail",
    );
    const token = /\/login\/confirm\?token=(\S+)/.exec(mail.textBody)![1]!;
    const pressed = await fetch(`${registry.url}/login/confirm`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html" },
      body: new URLSearchParams({ token }),
    });
    expect(pressed.status).toBe(200);
    const run = await done;
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Logged in to");
    expect(JSON.parse(readFileSync(userFile(), "utf8")).registries[registry.url].email).toBe(
      "lou@example.com",
    );
    child.kill();
  });

  it("asks for the address when it is not given", async () => {
    const { child, done } = startCli(["--registry", registry.url, "login"], { home });
    child.stdin!.write("quinn@example.com\n");
    const code = await until(
      () => latestCode(registry.outbox, "quinn@example.com"),
      "the login mail",
    );
    child.stdin!.end(`${code}\n`);
    const run = await done;
    expect(run.stderr).toContain("Email address:");
    expect(run.code).toBe(0);
  });

  it("lets a script finish a login later with --code", async () => {
    const started = await cli(["login", "--email", "ray@example.com"]);
    expect(started.code).toBe(0);
    expect(started.stderr).toContain("login --code");
    const code = latestCode(registry.outbox, "ray@example.com");
    const finished = await cli(["login", "--code", code]);
    expect(finished.code).toBe(0);
    expect((await cli(["whoami"])).stdout).toContain("ray@example.com");
  });

  it("without a terminal, ends the question's line and gives a hint that works as it stands", async () => {
    const started = await cli(["login", "vic@example.com"]);
    expect(started.code).toBe(0);
    const lines = started.stderr.split("\n");
    expect(lines).toEqual([
      "A link and a code were sent to vic@example.com.",
      "Open the link in the mail, or type the code from it: ",
      `When the mail arrives, finish with: gren-registry --registry ${registry.url} login --code CODE`,
      "",
    ]);
    // Followed word for word, with only the code filled in: no --registry added by hand.
    const hint = lines[2]!.slice(lines[2]!.indexOf("gren-registry ") + "gren-registry ".length);
    const code = latestCode(registry.outbox, "vic@example.com");
    const finished = await runCli(
      hint.split(" ").map((word) => (word === "CODE" ? code : word)),
      { home },
    );
    expect(finished.code, finished.stderr).toBe(0);
    expect(finished.stdout).toBe(`Logged in to ${registry.url} as vic@example.com.\n`);
  });

  it("says in one line that a wrong code is wrong, and exits non-zero", async () => {
    await cli(["login", "sam@example.com"]);
    const run = await cli(["login", "--code", "WRONGCDE"]);
    expect(run.code).toBe(EXIT.denied);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(/^error: /);
    expect(run.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it("reports an unreachable registry in one line", async () => {
    const run = await runCli(["--registry", "http://127.0.0.1:9", "login", "tom@example.com"], {
      home,
    });
    expect(run.code).toBe(EXIT.unavailable);
    expect(run.stderr.trim()).toMatch(
      /^error: cannot reach the registry at http:\/\/127\.0\.0\.1:9/,
    );
    expect(sentMail(registry.outbox)).toHaveLength(0);
  });

  it("takes the registry from GREN_REGISTRY_URL", async () => {
    const run = await runCli(["login", "uma@example.com"], {
      home,
      env: { GREN_REGISTRY_URL: registry.url },
    });
    expect(run.code).toBe(0);
    expect(sentMail(registry.outbox).map((m) => m.to)).toEqual(["uma@example.com"]);
  });

  it("has --help for every command", async () => {
    for (const command of [[], ["login"], ["logout"], ["whoami"]]) {
      const run = await cli([...command, "--help"]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Usage: gren-registry/);
    }
  });
});
