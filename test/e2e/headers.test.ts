import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIdentity, publish } from "../support/publishing.ts";
import { login, startRegistry, type TestRegistry } from "../support/registry.ts";

// Headers that tell browsers how to treat what the registry sends: JSON and
// bundles are never to be read as anything else (a page, a script), and a
// page's address is never passed on to another site it links to.

let registry: TestRegistry;
beforeAll(async () => {
  registry = await startRegistry();
  const token = await login(registry, "author@example.com");
  await createIdentity(registry, token, "acme");
  await publish(registry, token, "acme/widgets", "1.0.0");
});
afterAll(async () => {
  await registry.close();
});

const get = (path: string, accept?: string) =>
  fetch(registry.url + path, accept ? { headers: { accept } } : {});

describe("answers for programs", () => {
  it("say that JSON is JSON, whether an answer, a kept answer or an error", async () => {
    for (const path of [
      "/health",
      "/packages/acme/widgets",
      "/packages/acme/widgets",
      "/packages/acme/widgets/latest",
      "/packages/acme/nothing",
      "/openapi.json",
    ]) {
      const answer = await get(path);
      expect(answer.headers.get("content-type"), path).toMatch(/^application\/json/);
      expect(answer.headers.get("x-content-type-options"), path).toBe("nosniff");
    }
  });

  it("say that a bundle is gzip, and nothing else", async () => {
    const answer = await get("/packages/acme/widgets/1.0.0/bundle");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("application/gzip");
    expect(answer.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

describe("pages", () => {
  it("keep their address to the site, rendered or kept, and on errors", async () => {
    for (const path of [
      "/",
      "/login",
      "/packages/acme/widgets",
      "/packages/acme/widgets",
      "/packages/acme/nothing",
    ]) {
      const answer = await get(path, "text/html");
      expect(answer.headers.get("content-type"), path).toMatch(/^text\/html/);
      expect(answer.headers.get("referrer-policy"), path).toBe("same-origin");
      expect(answer.headers.get("x-content-type-options"), path).toBe("nosniff");
    }
  });
});
