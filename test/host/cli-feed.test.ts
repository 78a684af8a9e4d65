import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startCli, until } from "../support/cli.ts";
import { createIdentity, publish } from "../support/publishing.ts";
import {
  call,
  login,
  startRegistry,
  type TestRegistry,
  temporaryDir,
} from "../support/registry.ts";

let registry: TestRegistry;
let token: string;
beforeAll(async () => {
  registry = await startRegistry();
  token = await login(registry, "alice@example.com");
  await createIdentity(registry, token, "acme");
  await publish(registry, token, "acme/one", "1.0.0");
  await publish(registry, token, "acme/two", "1.0.0");
});
afterAll(async () => {
  await registry.close();
});

describe("the CLI's feed command", () => {
  it("prints the changes after --since", async () => {
    const all = await runCli(["--registry", registry.url, "feed"], { home: temporaryDir() });
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(
      /^\s+1 {2}\S+Z {2}published {2}acme\/one 1\.0\.0\n\s+2 .*acme\/two 1\.0\.0\n$/,
    );
    const later = await runCli(["--registry", registry.url, "feed", "--since", "1"], {
      home: temporaryDir(),
    });
    expect(later.stdout.trim().split("\n")).toHaveLength(1);
  });

  it("follows the live stream with --follow", async () => {
    const { child, done } = startCli(
      ["--registry", registry.url, "feed", "--since", "2", "--follow"],
      { home: temporaryDir() },
    );
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await call(registry, "DELETE", "/packages/acme/one/1.0.0", { token, json: { reason: "Gone" } });
    await until(() => (output.includes("revoked") ? true : undefined), "the live event");
    expect(output).toMatch(/revoked\s+acme\/one 1\.0\.0/);
    child.kill("SIGINT");
    expect((await done).code).toBe(0);
  });

  it("reconnects from the last change it printed when the registry goes away, and goes on", async () => {
    const dir = temporaryDir("registry-restart-");
    let first = await startRegistry({}, { dir });
    const port = Number(new URL(first.url).port);
    const owner = await login(first, "owner@example.com");
    await call(first, "POST", "/publishing-identity", { token: owner, json: { name: "acme" } });
    await publish(first, owner, "acme/before", "1.0.0");

    const { child, done } = startCli(["--registry", first.url, "feed", "--follow", "--json"], {
      home: temporaryDir(),
    });
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    let errors = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      errors += chunk.toString();
    });
    await until(() => (output.includes("acme/before") ? true : undefined), "the first event");

    await first.close();
    await until(() => (errors.includes("trying again") ? true : undefined), "the reconnection");
    first = await startRegistry({}, { dir, port });
    const again = await login(first, "owner@example.com");
    await publish(first, again, "acme/after", "1.0.0");
    await until(() => (output.includes("acme/after") ? true : undefined), "the event after");

    const events = output
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { seq: number; name: string });
    expect(events.map((event) => [event.seq, event.name])).toEqual([
      [1, "acme/before"],
      [2, "acme/after"],
    ]);
    child.kill("SIGINT");
    expect((await done).code).toBe(0);
    await first.close();
  });
});
