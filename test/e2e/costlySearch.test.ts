import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeBundle, moduleSource, packageOutline } from "../support/bundles.ts";
import { createIdentity, putBundle } from "../support/publishing.ts";
import { call, login, temporaryDir } from "../support/registry.ts";
import { type ServerProcess, startServerProcess } from "../support/serverProcess.ts";

// Search looks for text inside the names, summaries and module names of every
// package, and what that costs depends on the text and on what is published.
// Any user can publish packages whose thousand module names are all "a"s, and
// then ask for two hundred "a"s: a search that takes seconds. It must cost its
// asker a refusal, and nobody else anything.

let server: ServerProcess;
let registry: { url: string; outbox: string };
const SEARCH_TIMEOUT_MS = 200;
const PACKAGES = 30;
const MODULES = 1500;

/** A module name made of "a"s, told apart by letters at its end. */
const moduleName = (index: number) =>
  `A${"a".repeat(24)}${String(index)
    .padStart(4, "0")
    .replace(/\d/g, (digit) => "bcdefghijk"[Number(digit)]!)}`;

beforeAll(async () => {
  const dir = temporaryDir();
  const outbox = join(dir, "outbox.jsonl");
  server = await startServerProcess({
    REGISTRY_DB_PATH: join(dir, "registry.db"),
    REGISTRY_MAIL_OUTBOX: outbox,
    REGISTRY_SEARCH_TIMEOUT_MS: String(SEARCH_TIMEOUT_MS),
  });
  registry = { url: server.url, outbox };
  const token = await login(registry, "mallory@example.com");
  await createIdentity(registry, token, "heaps");
  const modules = Array.from({ length: MODULES }, (_, i) => moduleName(i));
  for (let i = 0; i < PACKAGES; i++) {
    const name = `heaps/of-a${i}`;
    const outline = packageOutline({ name, version: "1.0.0", "exposed-modules": modules });
    const sources = Object.fromEntries(modules.map((module) => [module, moduleSource(module)]));
    const answer = await putBundle(
      registry,
      token,
      `/packages/${name}/1.0.0`,
      makeBundle({ outline, sources }),
    );
    expect(answer.status).toBe(201);
  }
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

describe("a search that would take too long", () => {
  it("is refused once it has had its time, while the server goes on answering everyone else", async () => {
    let settled = false;
    const costly = call(registry, "GET", `/packages?q=${"a".repeat(200)}`).finally(() => {
      settled = true;
    });
    const waits: number[] = [];
    while (!settled) {
      const asked = performance.now();
      expect((await fetch(`${registry.url}/health`)).status).toBe(200);
      waits.push(performance.now() - asked);
    }
    const answer = await costly;
    expect(answer).toMatchObject({
      status: 400,
      body: {
        code: "invalid_request",
        message: `That search would take longer than the ${SEARCH_TIMEOUT_MS / 1000} s the registry gives one; search for something more particular.`,
      },
    });
    expect(Math.max(...waits)).toBeLessThan(SEARCH_TIMEOUT_MS * 5);

    // The same search on the site gets a page saying so.
    const page = await fetch(`${registry.url}/search?q=${"a".repeat(200)}`, {
      headers: { accept: "text/html" },
    });
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("search for something more particular");
  });

  it("leaves the searches that are quick to answer as they were", async () => {
    const answer = await call<{ packages: { name: string }[] }>(
      registry,
      "GET",
      "/packages?q=of-a1&limit=100",
    );
    expect(answer.status).toBe(200);
    expect(answer.body.packages.map((found) => found.name)).toEqual([
      "heaps/of-a1",
      ...Array.from({ length: 10 }, (_, i) => `heaps/of-a1${i}`),
    ]);
  });
});
