import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeBundle, packageBundle, packageOutline } from "../support/bundles.ts";
import { putBundle } from "../support/publishing.ts";
import { call, login, startRegistry, type TestRegistry } from "../support/registry.ts";

// Bundles are read in worker threads. A bundle that holds up its worker past
// the limit is refused for that request alone: the worker is replaced, the
// other one goes on, and so does the registry.

const MIB = 1024 * 1024;

/** A valid bundle whose one module's source is `megabytes` long once unpacked. */
function largeBundle(version: string, megabytes: number): Uint8Array {
  const outline = packageOutline({ name: "acme/large", version });
  const filler = `-- ${"gren ".repeat(20)}\n`;
  const source = `module Widgets exposing (..)\n${filler.repeat(Math.ceil((megabytes * MIB) / filler.length))}`;
  return makeBundle({
    outline,
    sources: { Widgets: source, "Widgets.Extra": "module Widgets.Extra exposing (..)\n" },
  });
}

/** Made once: compressing 400 MB takes a while. */
let slowBundle: Uint8Array | undefined;
const slowToRead = () => {
  slowBundle ??= largeBundle("1.0.0", 400);
  return slowBundle;
};

let registry: TestRegistry;
let token: string;

beforeAll(async () => {
  registry = await startRegistry({
    REGISTRY_BUNDLE_READERS: "2",
    REGISTRY_BUNDLE_READ_TIMEOUT_MS: "300",
    REGISTRY_MAX_UNPACKED_BYTES: String(512 * MIB),
  });
  token = await login(registry, "owner@example.com");
  await call(registry, "POST", "/publishing-identity", { token, json: { name: "acme" } });
});
afterAll(async () => {
  await registry.close();
});

describe("reading bundles in workers", () => {
  it("refuses a bundle that holds its worker past the limit, and goes on with the next", async () => {
    const slow = await putBundle(registry, token, "/packages/acme/large/1.0.0", slowToRead());
    expect(slow.status).toBe(400);
    expect(slow.body).toMatchObject({
      code: "invalid_bundle",
      problems: [expect.stringContaining("took longer than 0.3 seconds")],
    });
    const next = await putBundle(
      registry,
      token,
      "/packages/acme/widgets/1.0.0",
      packageBundle({ name: "acme/widgets", version: "1.0.0" }),
    );
    expect(next.status).toBe(201);
    expect((await call(registry, "GET", "/health")).status).toBe(200);
  });

  it("refuses, before building anything, a bundle of more keys than any package has", async () => {
    const outline = packageOutline({ name: "acme/many", version: "1.0.0" });
    const sources: Record<string, string> = { Widgets: "module Widgets exposing (..)\n" };
    for (let i = 0; i < 50_000; i++) sources[`M${i}`] = "m";
    const answer = await putBundle(
      registry,
      token,
      "/packages/acme/many/1.0.0",
      makeBundle({ outline, sources }),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.problems).toEqual([expect.stringContaining("more than 20000 keys")]);
  });
});

describe("a bundle waiting for a busy reader", () => {
  let single: TestRegistry;
  beforeAll(async () => {
    single = await startRegistry({
      REGISTRY_BUNDLE_READERS: "1",
      REGISTRY_BUNDLE_READ_TIMEOUT_MS: "300",
      REGISTRY_MAX_UNPACKED_BYTES: String(512 * MIB),
    });
  });
  afterAll(async () => {
    await single.close();
  });

  it("is read in its own time: the wait behind a slow bundle does not count against it", async () => {
    const owner = await login(single, "owner@example.com");
    await call(single, "POST", "/publishing-identity", { token: owner, json: { name: "acme" } });
    const held = putBundle(single, owner, "/packages/acme/large/1.0.0", slowToRead());
    // Sent once the slow bundle holds the only reader, so this one waits its whole time.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const waiting = putBundle(
      single,
      owner,
      "/packages/acme/widgets/1.0.0",
      packageBundle({ name: "acme/widgets", version: "1.0.0" }),
    );
    expect((await held).status).toBe(400);
    expect((await waiting).status).toBe(201);
  });
});
