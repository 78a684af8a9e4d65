import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIdentity, publish, publishHistory, sha256 } from "../support/publishing.ts";
import { call, login, startRegistry, type TestRegistry } from "../support/registry.ts";

// GET /packages/{author}/{project}/index: everything a resolver needs of a
// package's versions in one answer, cached by ETag.

let registry: TestRegistry;
const tokens = {} as Record<"alice" | "bob" | "olga", string>;

beforeAll(async () => {
  registry = await startRegistry();
  for (const who of ["alice", "bob", "olga"] as const)
    tokens[who] = await login(registry, `${who}@example.com`);
  await createIdentity(registry, tokens.alice, "acme", { "bob@example.com": "download" });
});
afterAll(async () => {
  await registry.close();
});

const indexOf = (name: string, options: Parameters<typeof call>[3] = {}) =>
  call<{
    name: string;
    private: boolean;
    versions: Record<string, unknown>[];
  }>(registry, "GET", `/packages/${name}/index`, options);

describe("a package's index", () => {
  it("lists every version in ascending numeric order with what resolving needs, and where the log holds it", async () => {
    await publish(registry, tokens.alice, "acme/base", "1.0.0");
    const published = new Map<string, Uint8Array>();
    // Brought in as history, out of order, so that the index is seen to sort them.
    for (const version of ["1.10.0", "1.2.0", "1.9.3"]) {
      published.set(
        version,
        await publishHistory(registry, tokens.alice, "acme/shapes", version, {
          platform: version === "1.10.0" ? "node" : "common",
          "gren-version": "0.6.0 <= v < 0.7.0",
          dependencies: { "acme/base": "1.0.0 <= v < 2.0.0" },
        }),
      );
    }

    const answer = await indexOf("acme/shapes");
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      name: "acme/shapes",
      private: false,
      versions: ["1.2.0", "1.9.3", "1.10.0"].map((version) => ({
        version,
        grenVersion: "0.6.0 <= v < 0.7.0",
        platform: version === "1.10.0" ? "node" : "common",
        dependencies: { "acme/base": "1.0.0 <= v < 2.0.0" },
        sha256: sha256(published.get(version)!),
        size: published.get(version)!.byteLength,
        // The log's entries in the order of publication: acme/base first, then 1.10.0, 1.2.0, 1.9.3.
        logIndex: { "1.10.0": 1, "1.2.0": 2, "1.9.3": 3 }[version],
        revoked: null,
        misnumbered: null,
      })),
    });
    for (const version of ["1.2.0", "1.10.0"]) {
      const proof = await call<{ index: number }>(
        registry,
        "GET",
        `/log/proof/inclusion?package=acme/shapes&version=${version}`,
      );
      expect(proof.body.index).toBe(
        answer.body.versions.find((v) => v.version === version)?.logIndex,
      );
    }
    expect(answer.headers.get("cache-control")).toBe("public, max-age=60");
    expect(answer.headers.get("etag")).toMatch(/^"[0-9a-f]{32}"$/);
  });

  it("keeps revoked versions, with when and why", async () => {
    await publish(registry, tokens.alice, "acme/gears", "1.0.0");
    await publish(registry, tokens.alice, "acme/gears", "1.1.0");
    await call(registry, "DELETE", "/packages/acme/gears/1.0.0", {
      token: tokens.alice,
      json: { reason: "Loses teeth under load" },
    });

    const { body } = await indexOf("acme/gears");
    expect(body.versions.map((v) => [v.version, v.revoked])).toEqual([
      ["1.0.0", { at: expect.any(String), reason: "Loses teeth under load" }],
      ["1.1.0", null],
    ]);
  });

  it("answers 304 to the tag it gave, until a version is published or revoked", async () => {
    await publish(registry, tokens.alice, "acme/levers", "1.0.0");
    const first = await indexOf("acme/levers");
    const tag = first.headers.get("etag")!;

    const unchanged = await indexOf("acme/levers", { headers: { "if-none-match": tag } });
    expect(unchanged.status).toBe(304);
    expect(unchanged.body).toBeUndefined();
    expect(unchanged.headers.get("etag")).toBe(tag);
    expect(unchanged.headers.get("cache-control")).toBe("public, max-age=60");
    const again = await indexOf("acme/levers");
    expect(again.headers.get("etag")).toBe(tag);

    await publish(registry, tokens.alice, "acme/levers", "1.0.1");
    const afterPublish = await indexOf("acme/levers", { headers: { "if-none-match": tag } });
    expect(afterPublish.status).toBe(200);
    expect(afterPublish.body.versions).toHaveLength(2);
    const published = afterPublish.headers.get("etag")!;
    expect(published).not.toBe(tag);

    await call(registry, "DELETE", "/packages/acme/levers/1.0.1", {
      token: tokens.alice,
      json: { reason: "Bent" },
    });
    const afterRevoke = await indexOf("acme/levers", { headers: { "if-none-match": published } });
    expect(afterRevoke.status).toBe(200);
    expect(afterRevoke.body.versions[1]?.revoked).toMatchObject({ reason: "Bent" });
    expect([tag, published]).not.toContain(afterRevoke.headers.get("etag"));
  });

  it("shows a private package only to its identity's members, and keeps it out of shared caches", async () => {
    await publish(registry, tokens.alice, "acme/vault", "1.0.0", { private: true });

    for (const token of [undefined, tokens.olga]) {
      const hidden = await indexOf("acme/vault", { token });
      expect(hidden.status).toBe(404);
      expect(hidden.body).toMatchObject({
        code: "not_found",
        message: "There is no package acme/vault.",
      });
    }
    const seen = await indexOf("acme/vault", { token: tokens.bob });
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ name: "acme/vault", private: true });
    expect(seen.headers.get("cache-control")).toBe("private, no-cache");
    const tag = seen.headers.get("etag")!;
    const unchanged = await indexOf("acme/vault", {
      token: tokens.bob,
      headers: { "if-none-match": tag },
    });
    expect(unchanged.status).toBe(304);
    expect(unchanged.headers.get("cache-control")).toBe("private, no-cache");
    // The tag is no way in for an outsider.
    const guessed = await indexOf("acme/vault", { headers: { "if-none-match": tag } });
    expect(guessed.status).toBe(404);
  });

  it("is 404 for a package that does not exist and 400 for a name that cannot", async () => {
    expect((await indexOf("acme/nothing")).status).toBe(404);
    const invalid = await indexOf("acme/Not-Valid");
    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe("invalid_request");
  });

  it("leaves the version routes as they were: no version is called index", async () => {
    const version = await call(registry, "GET", "/packages/acme/base/1.0.0");
    expect(version.status).toBe(200);
    expect(version.body).toMatchObject({ name: "acme/base", version: "1.0.0" });
  });
});
