import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  gzipBomb,
  makeBundle,
  moduleSource,
  packageBundle,
  packageOutline,
  sourcesFor,
} from "../support/bundles.ts";
import { download, publish, publishHistory, putBundle, sha256 } from "../support/publishing.ts";
import { call, login, startRegistry, type TestRegistry } from "../support/registry.ts";
import { databaseSnapshot } from "../support/snapshot.ts";

let registry: TestRegistry;
const tokens = {} as Record<"alice" | "pat" | "bob" | "olga", string>;

beforeAll(async () => {
  registry = await startRegistry({
    REGISTRY_MAX_BUNDLE_BYTES: String(512 * 1024),
    REGISTRY_MAX_UNPACKED_BYTES: String(4 * 1024 * 1024),
    // alice creates gren-lang, which is reserved for operators.
    REGISTRY_OPERATOR_EMAILS: "alice@example.com",
  });
  for (const who of ["alice", "pat", "bob", "olga"] as const)
    tokens[who] = await login(registry, `${who}@example.com`);
  for (const identity of ["acme", "gren-lang"]) {
    await call(registry, "POST", "/publishing-identity", {
      token: tokens.alice,
      json: { name: identity },
    });
  }
  const member = (email: string) => `/publishing-identity/acme/members/${email}`;
  await call(registry, "PUT", member("pat@example.com"), {
    token: tokens.alice,
    json: { role: "publish" },
  });
  await call(registry, "PUT", member("bob@example.com"), {
    token: tokens.alice,
    json: { role: "download" },
  });
});
afterAll(async () => {
  await registry.close();
});

describe("publishing a version", () => {
  it("stores the exact bytes, which come back with their sha256 as ETag", async () => {
    const bytes = packageBundle({ name: "acme/widgets", version: "1.0.0" });
    const answer = await putBundle(registry, tokens.pat, "/packages/acme/widgets/1.0.0", bytes);
    expect(answer).toMatchObject({
      status: 201,
      body: {
        name: "acme/widgets",
        version: "1.0.0",
        sha256: sha256(bytes),
        size: bytes.byteLength,
      },
    });

    const fetched = await download(registry, "/packages/acme/widgets/1.0.0/bundle");
    expect(fetched.status).toBe(200);
    expect(fetched.bytes).toEqual(bytes);
    expect(sha256(fetched.bytes)).toBe(sha256(bytes));
    expect(fetched.headers.get("etag")).toBe(`"${sha256(bytes)}"`);
    expect(fetched.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(fetched.headers.get("content-type")).toBe("application/gzip");

    const again = await download(registry, "/packages/acme/widgets/1.0.0/bundle", {
      "if-none-match": `"${sha256(bytes)}"`,
    });
    expect(again.status).toBe(304);
    expect(again.bytes.byteLength).toBe(0);

    // HEAD says how large it is, and sends none of it.
    const head = await fetch(`${registry.url}/packages/acme/widgets/1.0.0/bundle`, {
      method: "HEAD",
    });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(bytes.byteLength));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it("sends a bundle of many chunks whole, with its length announced", async () => {
    // Over 64 KiB, the size of the pieces it is stored and sent in, and not a multiple of it.
    const outline = packageOutline({ name: "acme/chunky", version: "1.0.0" });
    const large = makeBundle({
      outline,
      sources: {
        ...sourcesFor(outline),
        Widgets: `module Widgets exposing (..)\n{- ${randomBytes(150_000).toString("base64")} -}\n`,
      },
    });
    expect(large.byteLength).toBeGreaterThan(2 * 65536);
    expect(
      (await putBundle(registry, tokens.pat, "/packages/acme/chunky/1.0.0", large)).status,
    ).toBe(201);
    const fetched = await download(registry, "/packages/acme/chunky/1.0.0/bundle");
    expect(fetched.headers.get("content-length")).toBe(String(large.byteLength));
    expect(sha256(fetched.bytes)).toBe(sha256(large));
  });

  it("never publishes the same version twice", async () => {
    const answer = await putBundle(
      registry,
      tokens.pat,
      "/packages/acme/widgets/1.0.0",
      packageBundle({ name: "acme/widgets", version: "1.0.0", summary: "Other bytes" }),
    );
    expect(answer).toMatchObject({ status: 409, body: { code: "conflict" } });
  });

  it("needs a session, and the publish role in the identity", async () => {
    const bytes = packageBundle({ name: "acme/widgets", version: "2.0.0" });
    const path = "/packages/acme/widgets/2.0.0";
    expect(await putBundle(registry, undefined, path, bytes)).toMatchObject({
      status: 401,
      body: { code: "unauthenticated" },
    });
    expect(await putBundle(registry, tokens.bob, path, bytes)).toMatchObject({
      status: 403,
      body: { code: "forbidden" },
    });
    expect(await putBundle(registry, tokens.olga, path, bytes)).toMatchObject({
      status: 403,
      body: { code: "forbidden" },
    });
    expect((await call(registry, "GET", "/packages/acme/widgets")).body.versions).toHaveLength(1);
  });

  it("answers 404 for an identity that does not exist", async () => {
    const bytes = packageBundle({ name: "nobody/widgets", version: "1.0.0" });
    expect(
      await putBundle(registry, tokens.alice, "/packages/nobody/widgets/1.0.0", bytes),
    ).toMatchObject({
      status: 404,
      body: { code: "not_found" },
    });
  });

  it("accepts kernel modules and grouped exposed-modules from an allowed identity", async () => {
    const outline = packageOutline({
      name: "gren-lang/url",
      version: "6.0.0",
      "exposed-modules": { Primitives: ["Url"], Parsing: ["Url.Parser", "Url.Parser.Query"] },
    });
    const bytes = makeBundle({
      outline,
      sources: {
        ...sourcesFor(outline),
        "Gren.Kernel.Url":
          "/*\n\nimport Gren.Kernel.List exposing (fromArray)\n\n*/\n\nvar _Url_percentEncode = encodeURIComponent;\n",
      },
    });
    // Its first version here is 6.0.0: brought in as history, by an admin of gren-lang.
    const answer = await putBundle(
      registry,
      tokens.alice,
      "/packages/gren-lang/url/6.0.0?history=true",
      bytes,
    );
    expect(answer.status).toBe(201);
    expect((await download(registry, "/packages/gren-lang/url/6.0.0/bundle")).bytes).toEqual(bytes);
    const version = await call(registry, "GET", "/packages/gren-lang/url/6.0.0");
    expect(version.body).toMatchObject({
      name: "gren-lang/url",
      version: "6.0.0",
      sha256: sha256(bytes),
      outline,
      revoked: null,
    });
  });

  it("refuses kernel modules from other identities", async () => {
    const outline = packageOutline({ name: "acme/sneaky", version: "1.0.0" });
    const bytes = makeBundle({
      outline,
      sources: { ...sourcesFor(outline), "Gren.Kernel.Sneaky": "var x = 1;" },
    });
    const answer = await putBundle(registry, tokens.pat, "/packages/acme/sneaky/1.0.0", bytes);
    expect(answer).toMatchObject({ status: 400, body: { code: "invalid_bundle" } });
    expect(answer.body.problems!.join(" ")).toMatch(/kernel/i);
  });

  it("lists every problem of a bundle that breaks many rules, and stores nothing", async () => {
    const before = databaseSnapshot(registry.dbPath);
    const outline = {
      type: "application",
      platform: "desktop",
      name: "acme/Other",
      summary: "",
      license: "Not-A-License",
      version: "1.0",
      "exposed-modules": ["Widgets", "lower.case"],
      "gren-version": "0.7.0 <= v < 0.6.0",
      dependencies: { "gren-lang/core": "local:../core" },
    };
    const answer = await putBundle(
      registry,
      tokens.pat,
      "/packages/acme/widgets/1.0.1",
      makeBundle({ outline, sources: {} }),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe("invalid_bundle");
    const problems = answer.body.problems!;
    expect(problems.length).toBeGreaterThanOrEqual(9);
    for (const problem of problems) expect(problem).toMatch(/^\S.*[.]$/);
    const all = problems.join("\n");
    for (const word of [
      "type",
      "platform",
      "name",
      "summary",
      "license",
      "version",
      "gren-version",
      "local",
      "Widgets",
    ]) {
      expect(all).toContain(word);
    }
    expect(databaseSnapshot(registry.dbPath)).toEqual(before);
  });

  it("refuses a bundle whose name or version differs from the URL", async () => {
    const bytes = packageBundle({ name: "acme/gadgets", version: "1.2.3" });
    const answer = await putBundle(registry, tokens.pat, "/packages/acme/widgets/1.0.1", bytes);
    expect(answer).toMatchObject({ status: 400, body: { code: "invalid_bundle" } });
    expect(answer.body.problems!.join("\n")).toMatch(
      /acme\/gadgets[\s\S]*1\.2\.3|1\.2\.3[\s\S]*acme\/gadgets/,
    );
  });

  it("refuses what is not gzip, a truncated gzip, and a bundle over the upload limit", async () => {
    const path = "/packages/acme/widgets/1.0.1";
    const notGzip = await putBundle(
      registry,
      tokens.pat,
      path,
      new TextEncoder().encode('{"outline":{}}'),
    );
    expect(notGzip).toMatchObject({ status: 400, body: { code: "invalid_bundle" } });
    const whole = packageBundle({ name: "acme/widgets", version: "1.0.1" });
    const truncated = await putBundle(
      registry,
      tokens.pat,
      path,
      whole.subarray(0, whole.byteLength - 12),
    );
    expect(truncated).toMatchObject({ status: 400, body: { code: "invalid_bundle" } });
    const huge = new Uint8Array(600 * 1024).map((_, i) => (i * 7919) % 251);
    expect(await putBundle(registry, tokens.pat, path, huge)).toMatchObject({
      status: 413,
      body: { code: "payload_too_large" },
    });
  });

  it("stops unpacking a gzip bomb at the limit, without the server's memory jumping", async () => {
    const bomb = await gzipBomb(400 * 1024 * 1024);
    expect(bomb.byteLength).toBeLessThan(512 * 1024);
    const before = process.memoryUsage();
    const answer = await putBundle(registry, tokens.pat, "/packages/acme/widgets/1.0.1", bomb);
    const after = process.memoryUsage();
    expect(answer).toMatchObject({ status: 413, body: { code: "payload_too_large" } });
    // 400 MiB unpacked would show; the cap is 4 MiB.
    expect(after.rss - before.rss).toBeLessThan(100 * 1024 * 1024);
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(100 * 1024 * 1024);
  });
});

describe("the dependencies of a new version", () => {
  // Gren 0.6 builds a package with the lower bound of each range, so that
  // version must be there for the package's own author to build it.
  beforeAll(async () => {
    // Brought in as history: a package whose first version here is 1.2.0.
    for (const version of ["1.2.0", "1.3.0", "2.0.0"]) {
      await publishHistory(registry, tokens.alice, "acme/base", version);
    }
    for (const version of ["1.0.0", "1.0.1", "1.1.0"]) {
      await publish(registry, tokens.pat, "acme/ledger", version);
    }
    const revoked = await call(registry, "DELETE", "/packages/acme/ledger/1.0.0", {
      token: tokens.pat,
      json: { reason: "Rounds every amount down." },
    });
    expect(revoked.status).toBe(200);
  });

  const publishReport = (version: string, dependencies: Record<string, string>) =>
    putBundle(
      registry,
      tokens.pat,
      `/packages/acme/report/${version}`,
      packageBundle({ name: "acme/report", version, dependencies }),
    );

  it("refuses a range whose lower bound was never published, naming the versions it could rise to", async () => {
    const before = databaseSnapshot(registry.dbPath);
    const answer = await publishReport("1.0.0", {
      "acme/base": "1.0.0 <= v < 2.0.0",
      "acme/ledger": "1.1.0 <= v < 2.0.0",
    });
    expect(answer).toMatchObject({ status: 400, body: { code: "invalid_bundle" } });
    expect(answer.body.problems).toEqual([
      'acme/base 1.0.0, the lower bound of the range "1.0.0 <= v < 2.0.0", is not published: Gren 0.6 builds a package with the lowest version each range allows, so raise the lower bound to a published version (acme/base has 1.2.0, 1.3.0 in that range).',
    ]);
    expect(databaseSnapshot(registry.dbPath)).toEqual(before);
  });

  it("refuses a range whose lower bound was revoked, naming the nearest version that is not", async () => {
    const before = databaseSnapshot(registry.dbPath);
    const answer = await publishReport("1.0.0", { "acme/ledger": "1.0.0 <= v < 2.0.0" });
    expect(answer).toMatchObject({ status: 400, body: { code: "invalid_bundle" } });
    expect(answer.body.problems).toEqual([
      'acme/ledger 1.0.0, the lower bound of the range "1.0.0 <= v < 2.0.0", was revoked: Gren 0.6 builds a package with the lowest version each range allows, so raise the lower bound to a version that is not revoked (the nearest in that range is 1.0.1).',
    ]);
    expect(databaseSnapshot(registry.dbPath)).toEqual(before);
  });

  it("are checked with the bundle's own rules, so one answer lists every problem of every kind", async () => {
    const before = databaseSnapshot(registry.dbPath);
    // Kernel code from an identity that may not publish it, and a misspelled dependency.
    const outline = packageOutline({
      name: "acme/mixed",
      dependencies: { "acme/bsae": "1.0.0 <= v < 2.0.0", "acme/base": "1.0.0 <= v < 2.0.0" },
    });
    const bytes = makeBundle({
      outline,
      sources: { ...sourcesFor(outline), "Gren.Kernel.Mixed": "var x = 1;" },
    });
    const answer = await putBundle(registry, tokens.pat, "/packages/acme/mixed/1.0.0", bytes);
    expect(answer).toMatchObject({
      status: 400,
      body: { code: "invalid_bundle", message: "The bundle was refused: 3 problems to fix." },
    });
    expect(answer.body.problems).toEqual([
      `The bundle has kernel code ("Gren.Kernel.Mixed"), which the registry accepts only from identities the operator allows, and "acme" is not one of them.`,
      "acme/mixed depends on acme/bsae 1.0.0 <= v < 2.0.0, but the registry has no package acme/bsae: publish it first.",
      expect.stringMatching(
        /^acme\/base 1\.0\.0, the lower bound of the range "1\.0\.0 <= v < 2\.0\.0", is not published/,
      ),
    ]);

    // A version that would make a public package private, with a module missing too.
    const turningOutline = packageOutline({
      name: "acme/widgets",
      version: "1.1.0",
      private: true,
      dependencies: { "acme/nowhere": "1.0.0 <= v < 2.0.0" },
    });
    const turning = await putBundle(
      registry,
      tokens.pat,
      "/packages/acme/widgets/1.1.0",
      makeBundle({ outline: turningOutline, sources: { Widgets: moduleSource("Widgets") } }),
    );
    expect(turning).toMatchObject({ status: 400, body: { code: "invalid_bundle" } });
    expect(turning.body.problems).toEqual([
      'The outline exposes "Widgets.Extra", but the bundle has no source for it.',
      'acme/widgets is public, so no version may have "private": true; a version cannot make it private.',
      "acme/widgets depends on acme/nowhere 1.0.0 <= v < 2.0.0, but the registry has no package acme/nowhere: publish it first.",
    ]);
    expect(databaseSnapshot(registry.dbPath)).toEqual(before);
  });

  it("name a clash of installed files among a refused bundle's problems", async () => {
    await call(registry, "POST", "/publishing-identity", {
      token: tokens.alice,
      json: { name: "acme-tools" },
    });
    await publish(registry, tokens.alice, "acme-tools/kit", "1.0.0");
    const before = databaseSnapshot(registry.dbPath);
    const outline = packageOutline({ name: "acme/tools-kit" });
    const answer = await putBundle(
      registry,
      tokens.pat,
      "/packages/acme/tools-kit/1.0.0",
      makeBundle({ outline, sources: { ...sourcesFor(outline), "Gren.Kernel.Kit": "var x;" } }),
    );
    expect(answer).toMatchObject({ status: 400, body: { code: "invalid_bundle" } });
    expect(answer.body.problems).toEqual([
      expect.stringMatching(/^The bundle has kernel code/),
      'acme/tools-kit would be installed as acme_tools_kit__1_0_0.pkg.gz, the same file as acme-tools/kit (the compiler turns "/", "-" and "." into "_"), so no project could use both; choose another name.',
    ]);
    // Alone, the clash is the conflict it always was.
    const alone = await putBundle(
      registry,
      tokens.pat,
      "/packages/acme/tools-kit/1.0.0",
      packageBundle({ name: "acme/tools-kit" }),
    );
    expect(alone).toMatchObject({ status: 409, body: { code: "conflict" } });
    expect(databaseSnapshot(registry.dbPath)).toEqual(before);
  });

  it("accepts a range whose lower bound is published, though newer versions are too", async () => {
    const answer = await publishReport("1.0.0", {
      "acme/base": "1.2.0 <= v < 2.0.0",
      "acme/ledger": "1.0.1 <= v < 2.0.0",
    });
    expect(answer).toMatchObject({ status: 201, body: { name: "acme/report", version: "1.0.0" } });
    const metadata = await call(registry, "GET", "/packages/acme/report/1.0.0");
    expect(metadata.body.outline).toMatchObject({
      dependencies: { "acme/base": "1.2.0 <= v < 2.0.0", "acme/ledger": "1.0.1 <= v < 2.0.0" },
    });
  });
});

describe("latest and previous", () => {
  beforeAll(async () => {
    // History, out of order and with 0.x numbers: versions brought in by an admin as they were.
    await publishHistory(registry, tokens.alice, "acme/ordering", "0.9.0", {
      "gren-version": "0.5.0 <= v < 0.7.0",
    });
    await publishHistory(registry, tokens.alice, "acme/ordering", "0.11.0", {
      "gren-version": "0.8.0 <= v < 0.9.0",
    });
    await publishHistory(registry, tokens.alice, "acme/ordering", "0.10.0", {
      "gren-version": "0.6.0 <= v < 0.7.0",
    });
    await publishHistory(registry, tokens.alice, "acme/ordering", "0.2.0", {
      "gren-version": "0.1.0 <= v < 0.2.0",
    });
  });

  const latest = (query: string) => call(registry, "GET", `/packages/acme/ordering/latest${query}`);
  const previous = (version: string) =>
    call(registry, "GET", `/packages/acme/ordering/previous/${version}`);

  it("picks the highest version whose range holds the compiler version, numerically", async () => {
    expect((await latest("?gren=0.6.3")).body).toEqual({ version: "0.10.0" });
    expect((await latest("?gren=0.5.1")).body).toEqual({ version: "0.9.0" });
    expect((await latest("?gren=0.8.0")).body).toEqual({ version: "0.11.0" });
    expect((await latest("?gren=0.1.9")).body).toEqual({ version: "0.2.0" });
  });

  it("finds nothing for a compiler between or outside the ranges", async () => {
    for (const gren of ["0.7.5", "0.9.0", "0.4.0", "2.0.0", "0.0.1"]) {
      expect(await latest(`?gren=${gren}`)).toMatchObject({
        status: 404,
        body: { code: "not_found" },
      });
    }
  });

  it("without a compiler version, is the highest version", async () => {
    expect((await latest("")).body).toEqual({ version: "0.11.0" });
  });

  it("refuses a compiler version that is not one", async () => {
    expect(await latest("?gren=0.6")).toMatchObject({
      status: 400,
      body: { code: "invalid_request" },
    });
  });

  it("previous is the highest version below the given one, which need not exist", async () => {
    expect((await previous("0.10.0")).body).toEqual({ version: "0.9.0" });
    expect((await previous("0.11.0")).body).toEqual({ version: "0.10.0" });
    expect((await previous("0.10.5")).body).toEqual({ version: "0.10.0" });
    expect((await previous("9.0.0")).body).toEqual({ version: "0.11.0" });
    expect(await previous("0.2.0")).toMatchObject({ status: 404, body: { code: "not_found" } });
    expect(await previous("0.x")).toMatchObject({ status: 400, body: { code: "invalid_request" } });
  });

  it("says why no version fits: none for that compiler, none below, or all revoked", async () => {
    const why = async (path: string) => {
      const answer = await call(registry, "GET", path);
      expect(answer.status, path).toBe(404);
      return answer.body.message;
    };
    expect(await why("/packages/acme/ordering/latest?gren=0.7.5")).toBe(
      "acme/ordering has no version that fits: none of its versions that are not revoked works with Gren 0.7.5, only with 0.1.0 <= v < 0.2.0, 0.5.0 <= v < 0.7.0, 0.6.0 <= v < 0.7.0, 0.8.0 <= v < 0.9.0.",
    );
    expect(await why("/packages/acme/ordering/previous/0.2.0")).toBe(
      "acme/ordering has no version that fits: it has no version below 0.2.0, its lowest being 0.2.0.",
    );

    await publish(registry, tokens.pat, "acme/partly", "1.0.0", {
      "gren-version": "0.6.0 <= v < 0.7.0",
    });
    await publish(registry, tokens.pat, "acme/partly", "2.0.0", {
      "gren-version": "0.7.0 <= v < 0.8.0",
    });
    await call(registry, "DELETE", "/packages/acme/partly/1.0.0", {
      token: tokens.pat,
      json: { reason: "Loses data." },
    });
    expect(await why("/packages/acme/partly/latest?gren=0.6.3")).toBe(
      "acme/partly has no version that fits: none of its versions that are not revoked works with Gren 0.6.3, only with 0.7.0 <= v < 0.8.0; 1.0.0 would, but it is revoked.",
    );
    expect(await why("/packages/acme/partly/previous/2.0.0")).toBe(
      "acme/partly has no version that fits: every version below 2.0.0 is revoked (1.0.0).",
    );
    await call(registry, "DELETE", "/packages/acme/partly/2.0.0", {
      token: tokens.pat,
      json: { reason: "Loses more data." },
    });
    expect(await why("/packages/acme/partly/latest")).toBe(
      'acme/partly has no version that fits: every one of its 2 versions is revoked, the newest, 2.0.0, with the reason "Loses more data.".',
    );
  });

  it("the version list is in ascending numeric order", async () => {
    const pkg = await call<{ versions: { version: string; grenVersion: string }[] }>(
      registry,
      "GET",
      "/packages/acme/ordering",
    );
    expect(pkg.body.versions.map((v) => v.version)).toEqual(["0.2.0", "0.9.0", "0.10.0", "0.11.0"]);
    expect(pkg.body.versions[1]!.grenVersion).toBe("0.5.0 <= v < 0.7.0");
    expect(pkg.body).toMatchObject({
      name: "acme/ordering",
      license: "BSD-3-Clause",
      private: false,
    });
  });
});

describe("private packages", () => {
  beforeAll(async () => {
    await publish(registry, tokens.pat, "acme/secret", "1.0.0", {
      private: true,
      summary: "Hush hush",
    });
  });

  it("are not found by anyone outside the identity, on every read route", async () => {
    for (const token of [undefined, tokens.olga]) {
      for (const path of [
        "/packages/acme/secret",
        "/packages/acme/secret/1.0.0",
        "/packages/acme/secret/1.0.0/bundle",
        "/packages/acme/secret/latest",
        "/packages/acme/secret/previous/2.0.0",
      ]) {
        expect(await call(registry, "GET", path, { token })).toMatchObject({
          status: 404,
          body: { code: "not_found" },
        });
      }
      const identity = await call<{ packages: string[] }>(
        registry,
        "GET",
        "/publishing-identity/acme",
        { token },
      );
      expect(identity.body.packages).not.toContain("acme/secret");
      const search = await call<{ packages: { name: string }[] }>(
        registry,
        "GET",
        "/packages?q=hush",
        { token },
      );
      expect(search.body.packages).toEqual([]);
      const listing = await call<{ packages: { name: string }[] }>(
        registry,
        "GET",
        "/packages?limit=100",
        { token },
      );
      expect(listing.body.packages.map((p) => p.name)).not.toContain("acme/secret");
    }
  });

  it("are offered as close names only to members, never to anyone else", async () => {
    const close = async (token: string | undefined) => {
      const answer = await call(registry, "GET", "/packages/acme/secrets", { token });
      expect(answer.status).toBe(404);
      return [answer.body.message, answer.body.suggestions];
    };
    for (const outsider of [undefined, tokens.olga]) {
      expect(await close(outsider)).toEqual(["There is no package acme/secrets.", []]);
    }
    expect(await close(tokens.bob)).toEqual([
      "There is no package acme/secrets; did you mean acme/secret?",
      ["acme/secret"],
    ]);
    // A public package is offered to all.
    const widget = await call(registry, "GET", "/packages/acme/widget/latest");
    expect(widget.body).toEqual({
      code: "not_found",
      message: "There is no package acme/widget; did you mean acme/widgets?",
      suggestions: ["acme/widgets"],
    });
  });

  it("are visible and downloadable to members in any role, and kept out of shared caches", async () => {
    const pkg = await call(registry, "GET", "/packages/acme/secret", { token: tokens.bob });
    expect(pkg).toMatchObject({ status: 200, body: { private: true } });
    const bundle = await download(registry, "/packages/acme/secret/1.0.0/bundle", {
      authorization: `Bearer ${tokens.bob}`,
    });
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get("cache-control")).toBe("private, no-cache");
    const identity = await call<{ packages: string[] }>(
      registry,
      "GET",
      "/publishing-identity/acme",
      { token: tokens.bob },
    );
    expect(identity.body.packages).toContain("acme/secret");
    const search = await call<{ packages: { name: string }[] }>(
      registry,
      "GET",
      "/packages?q=hush",
      { token: tokens.bob },
    );
    expect(search.body.packages.map((p) => p.name)).toEqual(["acme/secret"]);
  });

  it("keep the visibility their first version gave them", async () => {
    const toPublic = await putBundle(
      registry,
      tokens.pat,
      "/packages/acme/secret/1.1.0",
      packageBundle({ name: "acme/secret", version: "1.1.0" }),
    );
    expect(toPublic).toMatchObject({ status: 400, body: { code: "invalid_bundle" } });
    expect(toPublic.body.problems!.join(" ")).toMatch(/private/);
    const toPrivate = await putBundle(
      registry,
      tokens.pat,
      "/packages/acme/widgets/1.1.0",
      packageBundle({ name: "acme/widgets", version: "1.1.0", private: true }),
    );
    expect(toPrivate).toMatchObject({ status: 400, body: { code: "invalid_bundle" } });
    expect(toPrivate.body.problems!.join(" ")).toMatch(/public/);
  });
});

describe("listing and search", () => {
  beforeAll(async () => {
    await publish(registry, tokens.pat, "acme/json-tools", "1.0.0", {
      summary: "Encode and decode",
      "exposed-modules": ["Json.Pretty"],
    });
    await publish(registry, tokens.pat, "acme/parsers", "1.0.0", {
      summary: "Combinators for JSON and more",
    });
  });

  it("searches names, summaries and module names", async () => {
    const names = async (q: string) =>
      (
        await call<{ packages: { name: string }[] }>(
          registry,
          "GET",
          `/packages?q=${encodeURIComponent(q)}`,
        )
      ).body.packages.map((p) => p.name);
    expect(await names("json")).toEqual(["acme/json-tools", "acme/parsers"]);
    expect(await names("Pretty")).toEqual(["acme/json-tools"]);
    expect(await names("combinators")).toEqual(["acme/parsers"]);
    expect(await names("ordering")).toEqual(["acme/ordering"]);
    expect(await names("zz-nothing-zz")).toEqual([]);
  });

  it("pages through every public package with a cursor, each once, in name order", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: {
        body: { packages: { name: string; latest: string | null }[]; next: string | null };
      } = await call(
        registry,
        "GET",
        `/packages?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      expect(page.body.packages.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.packages.map((p) => p.name));
      cursor = page.body.next;
    } while (cursor);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(
      expect.arrayContaining(["acme/ordering", "acme/widgets", "gren-lang/url"]),
    );
    const listing = await call<{ packages: { name: string; latest: string; summary: string }[] }>(
      registry,
      "GET",
      "/packages?q=ordering",
    );
    expect(listing.body.packages[0]).toEqual({
      name: "acme/ordering",
      summary: "Widgets for every occasion",
      latest: "0.11.0",
    });
  });

  it("refuses a limit out of range", async () => {
    expect(await call(registry, "GET", "/packages?limit=0")).toMatchObject({
      status: 400,
      body: { code: "invalid_request" },
    });
    expect(await call(registry, "GET", "/packages?limit=101")).toMatchObject({ status: 400 });
  });
});
