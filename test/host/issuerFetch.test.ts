import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchJson } from "../../src/host/idTokens/boundedFetch.ts";

// An issuer's documents are fetched within a time and a size, whatever the
// issuer does: a slow one, a huge one or a redirecting one is given up on
// with a sentence saying why, and the registry goes on.

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    switch (request.url) {
      case "/slow":
        // Never answers within the test's limit.
        setTimeout(() => response.end("{}"), 2000);
        return;
      case "/dribble":
        response.setHeader("content-type", "application/json");
        response.write('{"keys": [');
        // The rest never comes.
        return;
      case "/huge":
        response.setHeader("content-type", "application/json");
        response.end(JSON.stringify({ keys: [{ padding: "x".repeat(10_000) }] }));
        return;
      case "/redirect":
        response.statusCode = 302;
        response.setHeader("location", "/keys");
        response.end();
        return;
      case "/keys":
        response.setHeader("cache-control", "public, max-age=120");
        response.end(JSON.stringify({ keys: [] }));
        return;
      default:
        response.statusCode = 404;
        response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const limits = { timeoutMs: 300, maxBytes: 1000 };

describe("fetching an issuer's document", () => {
  it("reads a small document and how long it may be kept", async () => {
    expect(await fetchJson(`${base}/keys`, limits)).toEqual({
      body: { keys: [] },
      maxAgeSeconds: 120,
    });
  });

  it("gives up on an issuer that does not answer in time", async () => {
    const started = Date.now();
    await expect(fetchJson(`${base}/slow`, limits)).rejects.toThrow(/did not answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it("gives up on a body that stops arriving", async () => {
    await expect(fetchJson(`${base}/dribble`, limits)).rejects.toThrow(
      /did not answer within 300 ms/,
    );
  });

  it("refuses a document larger than the limit", async () => {
    await expect(fetchJson(`${base}/huge`, limits)).rejects.toThrow(/larger than 1000 bytes/);
  });

  it("follows no redirect", async () => {
    await expect(fetchJson(`${base}/redirect`, limits)).rejects.toThrow(/could not be reached/);
  });

  it("says what an issuer answered when it failed", async () => {
    await expect(fetchJson(`${base}/missing`, limits)).rejects.toThrow(/answered 404/);
  });
});
