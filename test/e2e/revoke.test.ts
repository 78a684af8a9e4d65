import { randomUUID } from "node:crypto";
import { DatabaseSync } from "node:sqlite";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageOutline, sourcesFor } from "../support/bundles.ts";
import { until } from "../support/cli.ts";
import { download, publish, publishHistory, putBundle, sha256 } from "../support/publishing.ts";
import { call, login, startRegistry, type TestRegistry } from "../support/registry.ts";
import { databaseFileText } from "../support/snapshot.ts";

let registry: TestRegistry;
const tokens = {} as Record<"admin" | "publisher" | "downloader" | "outsider", string>;

beforeAll(async () => {
  registry = await startRegistry();
  for (const who of ["admin", "publisher", "downloader", "outsider"] as const) {
    tokens[who] = await login(registry, `${who}@example.com`);
  }
  await call(registry, "POST", "/publishing-identity", {
    token: tokens.admin,
    json: { name: "acme" },
  });
  for (const [who, role] of [
    ["publisher", "publish"],
    ["downloader", "download"],
  ]) {
    await call(registry, "PUT", `/publishing-identity/acme/members/${who}@example.com`, {
      token: tokens.admin,
      json: { role },
    });
  }
});
afterAll(async () => {
  await registry.close();
});

const revoke = (path: string, token: string | undefined, reason?: string) =>
  call(registry, "DELETE", path, { token, json: reason === undefined ? {} : { reason } });

/** A bundle stored without compression, so a marker in its source is visible in the file's bytes. */
function bundleWithMarker(name: string, version: string, marker: string): Uint8Array {
  const outline = packageOutline({ name, version });
  const sources = sourcesFor(outline);
  sources.Widgets = `${sources.Widgets}\n-- ${marker}\n`;
  return new Uint8Array(gzipSync(JSON.stringify({ outline, sources }), { level: 0 }));
}

/** The database file and its WAL as they are on disk, while the server runs. */
const storedBytes = () => databaseFileText(registry.dbPath);

describe("revoking a version", () => {
  const marker = `REVOKED-CONTENT-${randomUUID()}`;

  beforeAll(async () => {
    await publish(registry, tokens.publisher, "acme/tools", "1.0.0");
    const path = "/packages/acme/tools/1.1.0";
    expect(
      (
        await putBundle(
          registry,
          tokens.publisher,
          path,
          bundleWithMarker("acme/tools", "1.1.0", marker),
        )
      ).status,
    ).toBe(201);
    // For a compiler 1.1.0 does not work with, under a minor number: brought in as history.
    await publishHistory(registry, tokens.admin, "acme/tools", "1.2.0", {
      "gren-version": "0.7.0 <= v < 0.8.0",
    });
  });

  it("keeps the number and its metadata, with the reason, and answers 410 for the bundle", async () => {
    expect(storedBytes()).toContain(marker);
    const answer = await revoke(
      "/packages/acme/tools/1.1.0",
      tokens.publisher,
      "Leaked an API key",
    );
    expect(answer).toMatchObject({
      status: 200,
      body: {
        name: "acme/tools",
        version: "1.1.0",
        revoked: { at: expect.stringMatching(/Z$/), reason: "Leaked an API key" },
      },
    });

    const bundle = await call(registry, "GET", "/packages/acme/tools/1.1.0/bundle");
    expect(bundle).toMatchObject({ status: 410, body: { code: "gone" } });
    expect(bundle.body.message).toContain("Leaked an API key");

    const metadata = await call(registry, "GET", "/packages/acme/tools/1.1.0");
    expect(metadata).toMatchObject({
      status: 200,
      body: { revoked: { reason: "Leaked an API key" } },
    });
    const listed = await call<{ versions: { version: string; revoked: unknown }[] }>(
      registry,
      "GET",
      "/packages/acme/tools",
    );
    expect(listed.body.versions.map((v) => [v.version, v.revoked !== null])).toEqual([
      ["1.0.0", false],
      ["1.1.0", true],
      ["1.2.0", false],
    ]);
  });

  it("deletes the bundle's bytes from the database file and its WAL, promptly, while the server runs", async () => {
    await until(
      () => (storedBytes().includes(marker) ? undefined : true),
      "the revoked bytes to leave the database's files",
      30_000,
    );
  });

  it("is skipped by latest and previous", async () => {
    expect((await call(registry, "GET", "/packages/acme/tools/latest?gren=0.6.1")).body).toEqual({
      version: "1.0.0",
    });
    expect((await call(registry, "GET", "/packages/acme/tools/previous/1.2.0")).body).toEqual({
      version: "1.0.0",
    });
    expect((await call(registry, "GET", "/packages/acme/tools/latest")).body).toEqual({
      version: "1.2.0",
    });
  });

  it("can never be published again", async () => {
    const again = await putBundle(
      registry,
      tokens.publisher,
      "/packages/acme/tools/1.1.0",
      bundleWithMarker("acme/tools", "1.1.0", "other"),
    );
    expect(again).toMatchObject({ status: 409, body: { code: "conflict" } });
  });

  it("is final: revoking again is a conflict that carries the revocation standing", async () => {
    const first = await call(registry, "GET", "/packages/acme/tools/1.1.0");
    const standing = first.body.revoked as { at: string; reason: string };
    const again = await revoke("/packages/acme/tools/1.1.0", tokens.admin, "A different reason");
    expect(again.status).toBe(409);
    expect(again.body).toEqual({
      code: "conflict",
      message: `acme/tools 1.1.0 was revoked already, on ${standing.at}, with the reason "${standing.reason}"; a revocation is final, and keeps its reason.`,
      revoked: standing,
    });
    // The new reason went nowhere: not into the version, not into the audit log.
    expect((await call(registry, "GET", "/packages/acme/tools/1.1.0")).body.revoked).toEqual(
      standing,
    );
    const audit = await call<{ entries: { detail: unknown }[] }>(
      registry,
      "GET",
      "/publishing-identity/acme/audit",
      { token: tokens.admin },
    );
    expect(JSON.stringify(audit.body.entries)).not.toContain("A different reason");
  });

  it("is recorded in the audit log with who, when and why", async () => {
    const audit = await call<{
      entries: { actor: string; action: string; subject: string; detail: unknown; at: string }[];
    }>(registry, "GET", "/publishing-identity/acme/audit", { token: tokens.admin });
    const revocations = audit.body.entries.filter((e) => e.action === "version.revoke");
    expect(revocations).toEqual([
      {
        actor: "publisher@example.com",
        action: "version.revoke",
        subject: "acme/tools 1.1.0",
        detail: { reason: "Leaked an API key" },
        at: expect.any(String),
      },
    ]);
  });

  it("needs a reason", async () => {
    for (const reason of [undefined, "", "   "]) {
      expect(await revoke("/packages/acme/tools/1.0.0", tokens.publisher, reason)).toMatchObject({
        status: 400,
        body: { code: "invalid_request" },
      });
    }
    expect((await call(registry, "GET", "/packages/acme/tools/1.0.0")).body.revoked).toBeNull();
  });

  it("answers 404 for a version that does not exist", async () => {
    expect(await revoke("/packages/acme/tools/7.0.0", tokens.publisher, "x")).toMatchObject({
      status: 404,
    });
  });
});

describe("who may revoke", () => {
  beforeAll(async () => {
    await publish(registry, tokens.publisher, "acme/roles", "1.0.0");
    await publish(registry, tokens.publisher, "acme/hidden", "1.0.0", { private: true });
  });

  it("a version: publish or admin; download members are refused, outsiders too", async () => {
    expect(await revoke("/packages/acme/roles/1.0.0", undefined, "r")).toMatchObject({
      status: 401,
      body: { code: "unauthenticated" },
    });
    expect(await revoke("/packages/acme/roles/1.0.0", tokens.downloader, "r")).toMatchObject({
      status: 403,
      body: { code: "forbidden" },
    });
    expect(await revoke("/packages/acme/roles/1.0.0", tokens.outsider, "r")).toMatchObject({
      status: 403,
      body: { code: "forbidden" },
    });
    expect((await call(registry, "GET", "/packages/acme/roles/1.0.0")).body.revoked).toBeNull();
  });

  it("a private package is not found by outsiders", async () => {
    expect(await revoke("/packages/acme/hidden/1.0.0", tokens.outsider, "r")).toMatchObject({
      status: 404,
      body: { code: "not_found" },
    });
    expect(await revoke("/packages/acme/hidden", tokens.outsider, "r")).toMatchObject({
      status: 404,
      body: { code: "not_found" },
    });
    expect(await revoke("/packages/acme/hidden/1.0.0", tokens.downloader, "r")).toMatchObject({
      status: 403,
    });
  });

  it("a whole package: admins only", async () => {
    expect(await revoke("/packages/acme/roles", tokens.publisher, "r")).toMatchObject({
      status: 403,
      body: { code: "forbidden" },
    });
    expect(await revoke("/packages/acme/roles", tokens.downloader, "r")).toMatchObject({
      status: 403,
    });
    expect(await revoke("/packages/acme/roles", undefined, "r")).toMatchObject({ status: 401 });
  });
});

describe("revoking a whole package", () => {
  it("revokes every version, keeps them listed, and leaves no latest", async () => {
    await publish(registry, tokens.publisher, "acme/doomed", "1.0.0");
    await publish(registry, tokens.publisher, "acme/doomed", "2.0.0");
    const answer = await call<{
      versions: { version: string; revoked: { reason: string } | null }[];
    }>(registry, "DELETE", "/packages/acme/doomed", {
      token: tokens.admin,
      json: { reason: "Licence mistake" },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.versions.map((v) => [v.version, v.revoked?.reason])).toEqual([
      ["1.0.0", "Licence mistake"],
      ["2.0.0", "Licence mistake"],
    ]);
    expect(await call(registry, "GET", "/packages/acme/doomed/latest")).toMatchObject({
      status: 404,
    });
    for (const version of ["1.0.0", "2.0.0"]) {
      expect((await call(registry, "GET", `/packages/acme/doomed/${version}/bundle`)).status).toBe(
        410,
      );
    }
    const again = await call(registry, "DELETE", "/packages/acme/doomed", {
      token: tokens.admin,
      json: { reason: "Again" },
    });
    expect(again).toMatchObject({
      status: 409,
      body: {
        code: "conflict",
        message:
          "Every version of acme/doomed is revoked already; each keeps the reason it was revoked with.",
      },
    });
    expect((await call(registry, "GET", "/packages/acme/doomed")).body).toEqual(answer.body);
    const events = new DatabaseSync(registry.dbPath, { readOnly: true });
    const types = events
      .prepare(
        "SELECT type FROM events JOIN packages ON packages.id = events.package_id WHERE packages.project = 'doomed' ORDER BY seq",
      )
      .all()
      .map((row) => row.type);
    events.close();
    expect(types).toEqual(["published", "published", "revoked", "revoked"]);
  });
});

describe("a bundle shared by two versions", () => {
  it("stays while a live version still uses it, and goes with the last one", async () => {
    const bytes = await publish(registry, tokens.publisher, "acme/shared", "1.0.0");
    // Identical bytes can only come from the same name and version, so a second
    // version sharing them is made by hand, as a copy of the first row.
    const db = new DatabaseSync(registry.dbPath);
    db.exec(`INSERT INTO versions (package_id, version_key, gren_lower, gren_upper, outline, sha256, size, published_at, publisher_id)
             SELECT package_id, version_key + 1, gren_lower, gren_upper, outline, sha256, size, published_at, publisher_id
             FROM versions WHERE sha256 = '${sha256(bytes)}'`);
    db.close();

    await revoke("/packages/acme/shared/1.0.0", tokens.publisher, "Broken");
    const copy = await download(registry, "/packages/acme/shared/1.0.1/bundle");
    expect(copy.status).toBe(200);
    expect(copy.bytes).toEqual(bytes);

    await revoke("/packages/acme/shared/1.0.1", tokens.publisher, "Broken too");
    const check = new DatabaseSync(registry.dbPath, { readOnly: true });
    expect(
      check.prepare("SELECT count(*) AS n FROM blobs WHERE sha256 = ?").get(sha256(bytes)),
    ).toEqual({ n: 0 });
    check.close();
  });
});
