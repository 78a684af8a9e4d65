import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startCli, until } from "../support/cli.ts";
import { publish } from "../support/publishing.ts";
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
  await call(registry, "POST", "/publishing-identity", { token, json: { name: "acme" } });
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
});
