import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIdentity, publish, sha256 } from "../support/publishing.ts";
import { CORE, NODE, publishReal, URL_PACKAGE } from "../support/realBundles.ts";
import { call, login, startRegistry, type TestRegistry } from "../support/registry.ts";

// POST /resolve: every package a project needs, at the newest versions that
// meet every range, the compiler and the platform, from what the caller may see.

let registry: TestRegistry;
const tokens = {} as Record<"alice" | "bob" | "olga", string>;
/** Bytes published, by "name@version". */
const published = new Map<string, Uint8Array>();

async function release(name: string, version: string, overrides: Record<string, unknown> = {}) {
  published.set(
    `${name}@${version}`,
    await publish(registry, tokens.alice, name, version, overrides),
  );
}

/** What the answer says of a version this test published. */
function pinned(name: string, version: string) {
  const bytes = published.get(`${name}@${version}`)!;
  return { version, sha256: sha256(bytes), size: bytes.byteLength };
}

const range = (lower: string, upper: string) => `${lower} <= v < ${upper}`;

beforeAll(async () => {
  registry = await startRegistry();
  await publishReal(registry);
  for (const who of ["alice", "bob", "olga"] as const)
    tokens[who] = await login(registry, `${who}@example.com`);
  await createIdentity(registry, tokens.alice, "acme", { "bob@example.com": "download" });

  // Three levels: top needs mid, mid needs base, and mid 1.1.0 needs a newer base.
  for (const version of ["1.0.0", "1.1.0", "2.0.0"]) await release("acme/base", version);
  await release("acme/mid", "1.0.0", { dependencies: { "acme/base": range("1.0.0", "2.0.0") } });
  await release("acme/mid", "1.1.0", { dependencies: { "acme/base": range("1.1.0", "2.0.0") } });
  await release("acme/top", "1.0.0", { dependencies: { "acme/mid": range("1.0.0", "2.0.0") } });
});
afterAll(async () => {
  await registry.close();
});

function resolve(
  dependencies: Record<string, string>,
  options: { grenVersion?: string; platform?: string; token?: string | undefined } = {},
) {
  return call<{ packages: Record<string, { version: string; sha256: string; size: number }> }>(
    registry,
    "POST",
    "/resolve",
    {
      token: options.token,
      json: {
        grenVersion: options.grenVersion ?? "0.6.3",
        platform: options.platform ?? "node",
        dependencies,
      },
    },
  );
}

describe("resolving dependencies", () => {
  it("gives the real gren-lang/node 6.1.1 with the core and url it needs, with their published sha256", async () => {
    const answer = await resolve({ "gren-lang/node": "6.1.1" });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      packages: Object.fromEntries(
        [CORE, NODE, URL_PACKAGE].map((bundle) => [
          bundle.name,
          { version: bundle.version, sha256: bundle.sha256, size: bundle.bytes.byteLength },
        ]),
      ),
    });
  });

  it("refuses the real gren-lang/node to a browser project, saying why", async () => {
    const answer = await resolve({ "gren-lang/node": "6.1.1" }, { platform: "browser" });
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({
      code: "conflict",
      message:
        "You ask for gren-lang/node 6.1.1, but gren-lang/node 6.1.1 is not for platform browser.",
      problems: [
        "You ask for gren-lang/node 6.1.1, but gren-lang/node 6.1.1 is not for platform browser.",
      ],
    });
  });

  it("chooses the newest version of every package that the others allow, through every level", async () => {
    const answer = await resolve({ "acme/top": range("1.0.0", "2.0.0") });
    expect(answer.status).toBe(200);
    expect(answer.body.packages).toEqual({
      "acme/base": pinned("acme/base", "1.1.0"),
      "acme/mid": pinned("acme/mid", "1.1.0"),
      "acme/top": pinned("acme/top", "1.0.0"),
    });
  });

  it("goes back to an older version when the newest leaves no way on", async () => {
    const answer = await resolve({
      "acme/top": range("1.0.0", "2.0.0"),
      "acme/base": range("1.0.0", "1.1.0"),
    });
    expect(answer.status).toBe(200);
    expect(answer.body.packages).toEqual({
      "acme/base": pinned("acme/base", "1.0.0"),
      "acme/mid": pinned("acme/mid", "1.0.0"),
      "acme/top": pinned("acme/top", "1.0.0"),
    });
  });

  it("keeps exact versions exactly, as an application's gren.json lists them", async () => {
    const answer = await resolve({
      "acme/top": "1.0.0",
      "acme/mid": "1.0.0",
      "acme/base": "1.0.0",
    });
    expect(answer.status).toBe(200);
    expect(answer.body.packages).toEqual({
      "acme/base": pinned("acme/base", "1.0.0"),
      "acme/mid": pinned("acme/mid", "1.0.0"),
      "acme/top": pinned("acme/top", "1.0.0"),
    });
  });

  it("answers 409 naming the packages and ranges that clash when nothing fits", async () => {
    const answer = await resolve({
      "acme/top": range("1.0.0", "2.0.0"),
      "acme/base": range("2.0.0", "3.0.0"),
    });
    expect(answer.status).toBe(409);
    expect(answer.body.code).toBe("conflict");
    expect(answer.body.message).toBe(
      "No combination of versions meets every constraint on acme/base.",
    );
    expect(answer.body.problems).toEqual(
      expect.arrayContaining([
        "acme/mid 1.1.0 needs acme/base 1.1.0 <= v < 2.0.0, but you ask for acme/base 2.0.0 <= v < 3.0.0.",
        "acme/mid 1.0.0 needs acme/base 1.0.0 <= v < 2.0.0, but you ask for acme/base 2.0.0 <= v < 3.0.0.",
      ]),
    );
  });

  it("never chooses a revoked version", async () => {
    await release("acme/flaky", "1.0.0");
    await release("acme/flaky", "1.1.0");
    await call(registry, "DELETE", "/packages/acme/flaky/1.1.0", {
      token: tokens.alice,
      json: { reason: "Crashes on start" },
    });

    const newest = await resolve({ "acme/flaky": range("1.0.0", "2.0.0") });
    expect(newest.body.packages).toEqual({ "acme/flaky": pinned("acme/flaky", "1.0.0") });
    const exact = await resolve({ "acme/flaky": "1.1.0" });
    expect(exact.status).toBe(409);
    expect(exact.body.message).toBe(
      "You ask for acme/flaky 1.1.0, but acme/flaky has no version 1.1.0.",
    );
  });

  it("treats a private package as missing for outsiders and resolves it for members", async () => {
    await release("acme/secret", "1.0.0", {
      private: true,
      dependencies: { "acme/base": range("1.0.0", "2.0.0") },
    });
    const asked = { "acme/secret": range("1.0.0", "2.0.0") };

    const missing = await resolve({ "acme/nothing": range("1.0.0", "2.0.0") });
    for (const token of [undefined, tokens.olga]) {
      const hidden = await resolve(asked, { token });
      expect(hidden.status).toBe(409);
      expect(hidden.body.message).toBe("There is no package acme/secret.");
      expect(hidden.body.message).toBe(missing.body.message?.replace("nothing", "secret"));
    }
    const member = await resolve(asked, { token: tokens.bob });
    expect(member.status).toBe(200);
    expect(member.body.packages).toEqual({
      "acme/base": pinned("acme/base", "1.1.0"),
      "acme/secret": pinned("acme/secret", "1.0.0"),
    });
  });

  it("chooses only versions made for the compiler and the platform asked about", async () => {
    await release("acme/tool", "1.0.0");
    await release("acme/tool", "1.1.0", { platform: "node" });
    await release("acme/tool", "2.0.0", { "gren-version": range("0.7.0", "0.8.0") });
    const asked = { "acme/tool": range("1.0.0", "3.0.0") };
    const chosen = async (grenVersion: string, platform: string) =>
      (await resolve(asked, { grenVersion, platform })).body.packages?.["acme/tool"]?.version;

    expect(await chosen("0.6.3", "node")).toBe("1.1.0");
    expect(await chosen("0.6.3", "browser")).toBe("1.0.0");
    expect(await chosen("0.7.2", "node")).toBe("2.0.0");
    const tooNew = await resolve(asked, { grenVersion: "0.8.0" });
    expect(tooNew.status).toBe(409);
    expect(tooNew.body.message).toBe(
      "You ask for acme/tool 1.0.0 <= v < 3.0.0, but no version of acme/tool fits compiler 0.8.0.",
    );
  });

  it("knows a package by its name whatever the case of its author, and answers with its registered name", async () => {
    const answer = await resolve({ "ACME/base": "1.0.0" });
    expect(answer.status).toBe(200);
    expect(answer.body.packages).toEqual({ "acme/base": pinned("acme/base", "1.0.0") });
  });

  it("answers an empty request with no packages", async () => {
    const answer = await resolve({});
    expect(answer).toMatchObject({ status: 200, body: { packages: {} } });
  });

  it("refuses what is not a version, a range, a package name or a platform, with a sentence", async () => {
    const cases: [Parameters<typeof resolve>, string][] = [
      [[{}, { grenVersion: "0.6" }], '"0.6" is not a version: use MAJOR.MINOR.PATCH, like 1.0.0.'],
      [[{}, { platform: "windows" }], '"windows" is not a platform: use common, browser or node.'],
      [
        [{ "Acme/Base": "1.0.0" }],
        '"Acme/Base" is not a package name: its project is written in lower case; did you mean Acme/base?',
      ],
      [
        [{ "acme/base": "^1.0.0" }],
        '"^1.0.0", asked of acme/base, is neither a version (like 1.2.3) nor a range (like "1.0.0 <= v < 2.0.0", the lower below the upper).',
      ],
      [
        [{ "acme/base": range("2.0.0", "1.0.0") }],
        '"2.0.0 <= v < 1.0.0", asked of acme/base, is neither a version (like 1.2.3) nor a range (like "1.0.0 <= v < 2.0.0", the lower below the upper).',
      ],
      [
        [Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`acme/p${i}`, "1.0.0"]))],
        "501 dependencies are more than one resolution takes (at most 500).",
      ],
    ];
    for (const [[dependencies, options], message] of cases) {
      const answer = await resolve(dependencies, options);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ code: "invalid_request", message });
    }
    const shapeless = await call(registry, "POST", "/resolve", {
      json: { grenVersion: "0.6.3", dependencies: {} },
    });
    expect(shapeless.status).toBe(400);
    expect(shapeless.body.code).toBe("invalid_request");
  });

  it("accepts the platform in any case, as the compiler reads gren.json", async () => {
    const answer = await resolve({ "gren-lang/core": "7.0.0" }, { platform: "Common" });
    expect(answer.status).toBe(200);
    expect(answer.body.packages).toEqual({
      "gren-lang/core": { version: "7.0.0", sha256: CORE.sha256, size: CORE.bytes.byteLength },
    });
  });
});
