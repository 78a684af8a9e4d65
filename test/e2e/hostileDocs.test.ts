import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bracketsBundle, healthLatencies, median } from "../support/hostileBundles.ts";
import { createIdentity, putBundle } from "../support/publishing.ts";
import { login, startRegistry, type TestRegistry } from "../support/registry.ts";

// A bundle made to make its documentation expensive: 8 KB that unpack to a doc
// comment of 8 MiB of `[`. Its docs are refused in the bundle reader, within
// the reader's limits, and nothing else waits meanwhile.

let registry: TestRegistry;
let token: string;

beforeAll(async () => {
  registry = await startRegistry();
  token = await login(registry, "author@example.com");
  await createIdentity(registry, token, "acme");
});
afterAll(async () => {
  await registry.close();
});

describe("a doc comment of 8 MiB of [", () => {
  it("is refused in the reader with a sentence saying why, and /health never waits for it", async () => {
    const bytes = bracketsBundle("acme/brackets", "1.0.0");
    // The connection and the route are warmed first, so that what is measured is waiting for the bundle.
    await healthLatencies(registry.url, new Promise((resolve) => setTimeout(resolve, 200)));
    expect(bytes.byteLength).toBeLessThan(16 * 1024);
    const publishing = putBundle(registry, token, "/packages/acme/brackets/1.0.0", bytes);
    const latencies = await healthLatencies(registry.url, publishing);
    const answer = await publishing;
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe("invalid_bundle");
    expect(answer.body.problems).toEqual([
      "The doc comment of the module Brackets is 8193 KiB; the registry documents comments of at most 32 KiB.",
    ]);
    // Had the bundle been read on the thread that answers requests, every answer meanwhile
    // would have waited for it; the median leaves out the odd pause of a busy machine.
    expect(latencies.length).toBeGreaterThan(2);
    expect(median(latencies)).toBeLessThan(100);
  });
});
