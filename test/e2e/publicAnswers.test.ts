import { request } from "node:http";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publish } from "../support/publishing.ts";
import { call, login, startRegistry, type TestRegistry } from "../support/registry.ts";

// Anonymous reads of packages are answered from memory until the next change,
// so each test reads first, changes something, and reads again: a kept answer
// that outlived its change would show here.

/** A GET with exactly these headers (fetch would add its own Accept-Encoding and unpack). */
function rawGet(registry: TestRegistry, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
    (resolve, reject) => {
      const sent = request(`${registry.url}${path}`, { headers }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("end", () =>
          resolve({
            status: answer.statusCode!,
            headers: answer.headers,
            body: Buffer.concat(chunks),
          }),
        );
      });
      sent.on("error", reject);
      sent.end();
    },
  );
}

let registry: TestRegistry;
let owner: string;

beforeAll(async () => {
  registry = await startRegistry();
  owner = await login(registry, "owner@example.com");
  await call(registry, "POST", "/publishing-identity", { token: owner, json: { name: "acme" } });
  await publish(registry, owner, "acme/widgets", "1.0.0");
});
afterAll(async () => {
  await registry.close();
});

describe("anonymous reads kept in memory", () => {
  it("show a publication and a revocation at once", async () => {
    const latest = () => call(registry, "GET", "/packages/acme/widgets/latest?gren=0.6.3");
    const versions = async () =>
      (
        await call<{ versions: { version: string }[] }>(registry, "GET", "/packages/acme/widgets")
      ).body.versions.map((v) => v.version);
    expect((await latest()).body).toEqual({ version: "1.0.0" });
    expect((await latest()).body).toEqual({ version: "1.0.0" });
    expect(await versions()).toEqual(["1.0.0"]);

    // The identity's name is read whatever its case: that address is the same package.
    const shouted = () => call(registry, "GET", "/packages/ACME/widgets/latest?gren=0.6.3");
    expect((await shouted()).body).toEqual({ version: "1.0.0" });

    await publish(registry, owner, "acme/widgets", "1.1.0");
    expect((await latest()).body).toEqual({ version: "1.1.0" });
    expect((await shouted()).body).toEqual({ version: "1.1.0" });
    expect(await versions()).toEqual(["1.0.0", "1.1.0"]);

    const revoked = await call(registry, "DELETE", "/packages/acme/widgets/1.1.0", {
      token: owner,
      json: { reason: "It loses data." },
    });
    expect(revoked.status).toBe(200);
    expect((await latest()).body).toEqual({ version: "1.0.0" });
    const index = await call<{ versions: { version: string; revoked: unknown }[] }>(
      registry,
      "GET",
      "/packages/acme/widgets/index",
    );
    expect(index.body.versions.at(-1)).toMatchObject({
      version: "1.1.0",
      revoked: expect.anything(),
    });
  });

  it("go out gzipped to a client that accepts it, with a tag of their own", async () => {
    for (let n = 0; n < 40; n++) await publish(registry, owner, "acme/gears", `1.0.${n}`);
    const plain = await rawGet(registry, "/packages/acme/gears/index");
    expect(plain.status).toBe(200);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(String(plain.headers.vary)).toMatch(/Accept-Encoding/);
    const etag = String(plain.headers.etag);

    const gzipped = await rawGet(registry, "/packages/acme/gears/index", {
      "accept-encoding": "gzip, deflate, br",
    });
    expect(gzipped.status).toBe(200);
    expect(gzipped.headers["content-encoding"]).toBe("gzip");
    expect(gzipped.body.length).toBeLessThan(plain.body.length / 3);
    expect(gunzipSync(gzipped.body).equals(plain.body)).toBe(true);
    expect(gzipped.headers.etag).not.toBe(etag);
    expect(gzipped.headers["cache-control"]).toBe(plain.headers["cache-control"]);

    for (const held of [etag, String(gzipped.headers.etag)]) {
      const again = await rawGet(registry, "/packages/acme/gears/index", {
        "accept-encoding": "gzip",
        "if-none-match": held,
      });
      expect(again.status).toBe(304);
      expect(again.body.length).toBe(0);
    }
    const refused = await rawGet(registry, "/packages/acme/gears/index", {
      "accept-encoding": "gzip;q=0",
    });
    expect(refused.headers["content-encoding"]).toBeUndefined();
  });

  it("read any Accept-Encoding at once, however the client spaces it out", async () => {
    // A regular expression with runs of optional spaces took half a second over this.
    const spaced = `gzip${" ".repeat(15_000)}x`;
    await rawGet(registry, "/packages/acme/widgets"); // kept from here on
    const started = performance.now();
    const answer = await rawGet(registry, "/packages/acme/widgets", { "accept-encoding": spaced });
    expect(answer.status).toBe(200);
    expect(answer.headers["content-encoding"]).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(150);
  });

  it("keep pages apart from JSON, and show a logged-in reader their own page", async () => {
    const html = { accept: "text/html" };
    const page = (headers: Record<string, string> = {}) =>
      rawGet(registry, "/packages/acme/pages", { ...html, ...headers });
    await publish(registry, owner, "acme/pages", "1.0.0");
    for (let round = 0; round < 2; round++) {
      const shown = await page();
      expect(shown.headers["content-type"]).toMatch(/^text\/html/);
      expect(shown.body.toString()).toContain("1.0.0");
      expect(shown.body.toString()).not.toContain("owner@example.com");
      const json = await rawGet(registry, "/packages/acme/pages");
      expect(json.headers["content-type"]).toMatch(/^application\/json/);
    }
    const mine = await page({ cookie: `gren_session=${owner}` });
    expect(mine.body.toString()).toContain("owner@example.com");

    await publish(registry, owner, "acme/pages", "1.1.0");
    const after = (await page()).body.toString();
    expect(after).toContain("1.1.0");
    expect(after).not.toContain("owner@example.com");
  });

  it("are never answers a member was given about a private package", async () => {
    const secret = { private: true };
    await publish(registry, owner, "acme/secret", "1.0.0", secret);
    for (let round = 0; round < 2; round++) {
      for (const path of [
        "/packages/acme/secret",
        "/packages/acme/secret/latest",
        "/packages/acme/secret/index",
      ]) {
        expect((await call(registry, "GET", path, { token: owner })).status).toBe(200);
        expect((await call(registry, "GET", path)).status).toBe(404);
      }
    }
  });
});
