import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeBundle, packageOutline } from "../support/bundles.ts";
import { createIdentity, putBundle } from "../support/publishing.ts";
import { CORE, publishReal } from "../support/realBundles.ts";
import { call, login, startRegistry, type TestRegistry } from "../support/registry.ts";
import { BROWSER_ACCEPT } from "../support/siteCatalogue.ts";

// The compiler's rules for version numbers, held at publish by the registry:
// each rule with a number just inside it, accepted, and one just outside,
// refused with the changes that decide it and the number the API calls for.

let registry: TestRegistry;
let admin: string;
let publisher: string;

beforeAll(async () => {
  registry = await startRegistry();
  // gren-lang/core, for a package whose types come from a dependency.
  await publishReal(registry, [CORE]);
  admin = await login(registry, "admin@example.com");
  publisher = await login(registry, "publisher@example.com");
  await createIdentity(registry, admin, "acme", { "publisher@example.com": "publish" });
});
afterAll(async () => {
  await registry.close();
});

/** A package version whose modules are these sources, exposing every one of them. */
function bundleOf(
  name: string,
  version: string,
  sources: Record<string, string>,
  outline: Record<string, unknown> = {},
): Uint8Array {
  return makeBundle({
    outline: packageOutline({
      name,
      version,
      "exposed-modules": Object.keys(sources),
      ...outline,
    }),
    sources,
  });
}

const module = (name: string, ...lines: string[]): string =>
  [`module ${name} exposing (..)`, "", ...lines, ""].join("\n");

interface Published {
  status: number;
  problems: string[];
  code: unknown;
  message: unknown;
}

async function put(
  name: string,
  version: string,
  sources: Record<string, string>,
  options: { outline?: Record<string, unknown>; token?: string; history?: boolean } = {},
): Promise<Published> {
  const query = options.history ? "?history=true" : "";
  const answer = await putBundle(
    registry,
    options.token ?? publisher,
    `/packages/${name}/${version}${query}`,
    bundleOf(name, version, sources, options.outline),
  );
  const body = answer.body as { code?: unknown; message?: unknown; problems?: string[] };
  return {
    status: answer.status,
    problems: body.problems ?? [],
    code: body.code,
    message: body.message,
  };
}

async function mustPublish(
  name: string,
  version: string,
  sources: Record<string, string>,
  options: Parameters<typeof put>[3] = {},
): Promise<void> {
  const published = await put(name, version, sources, options);
  expect(published, `${name} ${version}`).toMatchObject({ status: 201 });
}

interface Rule {
  rule: string;
  before: Record<string, string>;
  after: Record<string, string>;
  /** The number the API calls for after 1.0.0, accepted. */
  inside: string;
  /** A number the API does not call for, refused. */
  outside: string;
  /** What the refusal says, after the sentence naming the numbers. */
  deciding: string[];
}

const W = "Widgets";

const RULES: Rule[] = [
  {
    rule: "a value added is a minor change",
    before: { [W]: module(W, "size : Int", "size = 1") },
    after: { [W]: module(W, "size : Int", "size = 1", "", "colour : String", 'colour = "red"') },
    inside: "1.1.0",
    outside: "1.0.1",
    deciding: ["`Widgets.colour` added, with the type `String.String`."],
  },
  {
    rule: "a value removed is a major change",
    before: { [W]: module(W, "size : Int", "size = 1", "", "weight : Int", "weight = 2") },
    after: { [W]: module(W, "size : Int", "size = 1") },
    inside: "2.0.0",
    outside: "1.1.0",
    deciding: ["`Widgets.weight` removed."],
  },
  {
    rule: "a value whose type changed is a major change",
    before: { [W]: module(W, "resize : Int -> Int", "resize n = n") },
    after: { [W]: module(W, "resize : Float -> Float", "resize n = n") },
    inside: "2.0.0",
    outside: "1.1.0",
    deciding: [
      "`Widgets.resize` changed from `Basics.Int -> Basics.Int` to `Basics.Float -> Basics.Float`.",
    ],
  },
  {
    rule: "only a type variable renamed is a patch",
    before: { [W]: module(W, "keep : a -> b -> a", "keep x _ = x") },
    after: { [W]: module(W, "keep : first -> second -> first", "keep x _ = x") },
    inside: "1.0.1",
    outside: "1.1.0",
    deciding: [],
  },
  {
    rule: "a record's fields reordered is a patch",
    before: { [W]: module(W, "origin : { x : Int, y : Int }", "origin = { x = 0, y = 0 }") },
    after: { [W]: module(W, "origin : { y : Int, x : Int }", "origin = { x = 0, y = 0 }") },
    inside: "1.0.1",
    outside: "1.1.0",
    deciding: [],
  },
  {
    rule: "a constructor added to a union is a major change",
    before: { [W]: module(W, "type Shape = Circle | Square") },
    after: { [W]: module(W, "type Shape = Circle | Square | Triangle") },
    inside: "2.0.0",
    outside: "1.1.0",
    deciding: ["`Widgets.Shape` gained the constructor `Triangle`."],
  },
  {
    rule: "an alias whose arguments changed is a major change",
    before: { [W]: module(W, "type alias Pair a = { first : a, second : a }") },
    after: { [W]: module(W, "type alias Pair a b = { first : a, second : b }") },
    inside: "2.0.0",
    outside: "1.1.0",
    deciding: [
      "`Widgets.Pair` changed from `type alias Pair a = { first : a, second : a }` to `type alias Pair a b = { first : a, second : b }`.",
    ],
  },
  {
    rule: "an operator whose precedence changed is a major change",
    before: {
      [W]: module(W, "infix left 5 (|+|) = add", "", "add : Int -> Int -> Int", "add a b = a"),
    },
    after: {
      [W]: module(W, "infix left 6 (|+|) = add", "", "add : Int -> Int -> Int", "add a b = a"),
    },
    inside: "2.0.0",
    outside: "1.1.0",
    deciding: ["`Widgets.(|+|)` changed its precedence from 5 to 6."],
  },
  {
    rule: "a module added is a minor change",
    before: { [W]: module(W, "size : Int", "size = 1") },
    after: {
      [W]: module(W, "size : Int", "size = 1"),
      "Widgets.Extra": module("Widgets.Extra", "more : Int", "more = 2"),
    },
    inside: "1.1.0",
    outside: "1.0.1",
    deciding: ["Module `Widgets.Extra` added."],
  },
  {
    rule: "a module removed is a major change",
    before: {
      [W]: module(W, "size : Int", "size = 1"),
      "Widgets.Extra": module("Widgets.Extra", "more : Int", "more = 2"),
    },
    after: { [W]: module(W, "size : Int", "size = 1") },
    inside: "2.0.0",
    outside: "1.1.0",
    deciding: ["Module `Widgets.Extra` removed."],
  },
  {
    rule: "a type written through an import alias, then qualified, is a patch",
    before: {
      [W]: [
        "module Widgets exposing (..)",
        "",
        "import Dict as D",
        "",
        "counts : D.Dict String Int",
        "counts = D.empty",
        "",
      ].join("\n"),
    },
    after: {
      [W]: [
        "module Widgets exposing (..)",
        "",
        "import Dict",
        "",
        "counts : Dict.Dict String Int",
        "counts = Dict.empty",
        "",
      ].join("\n"),
    },
    inside: "1.0.1",
    outside: "1.1.0",
    deciding: [],
  },
];

const withCore = { dependencies: { "gren-lang/core": "7.0.0 <= v < 8.0.0" } };

describe("a version's number, held to its API at publish", () => {
  RULES.forEach((rule, index) => {
    const name = `acme/rule-${index + 1}`;

    it(`${rule.rule}: ${rule.outside} is refused, saying it must be ${rule.inside}`, async () => {
      await mustPublish(name, "1.0.0", rule.before, { outline: withCore });
      const refused = await put(name, rule.outside, rule.after, { outline: withCore });
      expect(refused.status).toBe(400);
      expect(refused.code).toBe("invalid_bundle");
      expect(refused.problems[0]).toContain(`so this version must be ${rule.inside}`);
      expect(refused.problems.slice(1)).toEqual(rule.deciding);
    });

    it(`${rule.rule}: ${rule.inside} is accepted`, async () => {
      await mustPublish(name, rule.inside, rule.after, { outline: withCore });
      const version = await call<{ changes: { since: string; magnitude: string } }>(
        registry,
        "GET",
        `/packages/${name}/${rule.inside}`,
      );
      const magnitude =
        rule.inside === "2.0.0" ? "major" : rule.inside === "1.1.0" ? "minor" : "patch";
      expect(version.body.changes).toMatchObject({ since: "1.0.0", magnitude });
    });
  });
});

const same = { [W]: module(W, "size : Int", "size = 1") };
const added = { [W]: module(W, "size : Int", "size = 1", "", "colour : Int", "colour = 2") };
const removed = { [W]: module(W, "colour : Int", "colour = 2") };

describe("the numbers a version may have", () => {
  it("makes a package's first version 1.0.0", async () => {
    const below = await put("acme/first", "0.9.0", same);
    expect(below.status).toBe(400);
    expect(below.problems).toEqual(["A package's first version must be 1.0.0, not 0.9.0."]);
    expect((await put("acme/first", "2.0.0", same)).status).toBe(400);
    await mustPublish("acme/first", "1.0.0", same);
  });

  it("refuses a number that skips one, listing those that may come next", async () => {
    await mustPublish("acme/skips", "1.0.0", same);
    const skipping = await put("acme/skips", "1.2.0", added);
    expect(skipping.problems).toEqual([
      "Version 1.2.0 cannot follow the existing versions: the next version may be 1.0.1, 1.1.0 or 2.0.0.",
    ]);
    await mustPublish("acme/skips", "1.1.0", added);
  });

  it("lets an older major line have a minor version, compared with the highest of that line", async () => {
    await mustPublish("acme/lines", "1.0.0", same);
    await mustPublish("acme/lines", "2.0.0", removed);
    // 1.1.0 bumps 1.0.0, whose API it adds to; 2.0.0's is not its business.
    await mustPublish("acme/lines", "1.1.0", added);
    expect((await put("acme/lines", "1.3.0", added)).status).toBe(400);
    const version = await call<{ changes: { since: string } }>(
      registry,
      "GET",
      "/packages/acme/lines/1.1.0",
    );
    expect(version.body.changes.since).toBe("1.0.0");
  });

  it("never gives a revoked version's number again, and compares with its API", async () => {
    await mustPublish("acme/revoked", "1.0.0", same);
    await mustPublish("acme/revoked", "1.1.0", added);
    const revoked = await call(registry, "DELETE", "/packages/acme/revoked/1.1.0", {
      token: publisher,
      json: { reason: "Broken" },
    });
    expect(revoked.status).toBe(200);
    expect((await put("acme/revoked", "1.1.0", added)).status).toBe(409);
    // The revoked 1.1.0 had `colour`; going back to 1.0.0's API removes it.
    const back = await put("acme/revoked", "1.1.1", same);
    expect(back.problems.slice(1)).toEqual(["`Widgets.colour` removed."]);
    await mustPublish("acme/revoked", "2.0.0", same);
  });
});

describe("a version no compiler builds with the one it bumps", () => {
  const older = { outline: { "gren-version": "0.5.0 <= v < 0.6.0" } };
  const newer = { outline: { "gren-version": "0.6.0 <= v < 0.7.0" } };

  it("must be a new major version even with the same API, as the compiler asks", async () => {
    await mustPublish("acme/moved", "1.0.0", same, older);
    const patch = await put("acme/moved", "1.0.1", same, newer);
    expect(patch.status).toBe(400);
    expect(patch.problems).toEqual([
      "Version 1.0.1 would be a patch change from 1.0.0, but 1.0.0 works with the compilers 0.5.0 <= v < 0.6.0 and this version with 0.6.0 <= v < 0.7.0: no compiler builds both, so as the compiler does, their APIs are not compared and this version must be a new major version, 2.0.0.",
    ]);
    await mustPublish("acme/moved", "2.0.0", same, newer);
    const changes = await call(registry, "GET", "/packages/acme/moved/changes/1.0.0/2.0.0");
    expect(changes.body).toMatchObject({ magnitude: "major", decidedBy: "compiler_ranges" });
  });

  it("is compared by its API while one compiler still builds both", async () => {
    await mustPublish("acme/overlap", "1.0.0", same, {
      outline: { "gren-version": "0.5.0 <= v < 0.6.1" },
    });
    await mustPublish("acme/overlap", "1.0.1", same, newer);
  });
});

describe("history, brought in with its own numbers", () => {
  async function audit(): Promise<{ action: string; subject: string; detail: object }[]> {
    const log = await call<{ entries: { action: string; subject: string; detail: object }[] }>(
      registry,
      "GET",
      "/publishing-identity/acme/audit",
      { token: admin },
    );
    return log.body.entries;
  }

  it("is published by an admin whatever its numbers, marking one its API does not match", async () => {
    await mustPublish("acme/old", "0.3.0", same, { token: admin, history: true });
    await mustPublish("acme/old", "0.5.0", added, { token: admin, history: true });
    // A patch number for a removal: published all the same, and marked.
    await mustPublish("acme/old", "0.5.1", removed, { token: admin, history: true });

    const version = await call(registry, "GET", "/packages/acme/old/0.5.1");
    expect(version.body.misnumbered).toEqual({
      since: "0.5.0",
      magnitude: "major",
      calledFor: "1.0.0",
    });
    expect(version.body.changes).toMatchObject({ since: "0.5.0", history: true });
    const fine = await call(registry, "GET", "/packages/acme/old/0.5.0");
    expect(fine.body.misnumbered).toBeNull();

    const index = await call<{ versions: { version: string; misnumbered: unknown }[] }>(
      registry,
      "GET",
      "/packages/acme/old/index",
    );
    expect(index.body.versions.map((v) => [v.version, v.misnumbered])).toEqual([
      ["0.3.0", null],
      ["0.5.0", null],
      ["0.5.1", { since: "0.5.0", magnitude: "major", calledFor: "1.0.0" }],
    ]);

    const page = await fetch(`${registry.url}/packages/acme/old/0.5.1`, {
      headers: { accept: BROWSER_ACCEPT },
    });
    // The page's words, without its markup.
    const text = (await page.text()).replace(/<[^>]*>/g, "").replace(/\s+/g, " ");
    expect(text).toContain(
      "Brought in from its history with this number, though its API called for 1.0.0 (a major change since 0.5.0).",
    );
    expect(text).toContain("Changes since 0.5.0");
    expect(text).toContain("`Widgets.size` removed.".replaceAll("`", ""));
    expect(text).toContain("major, should be 1.0.0");

    const entries = (await audit()).filter((entry) => entry.subject.startsWith("acme/old "));
    expect(entries.map((entry) => [entry.action, entry.subject]).sort()).toEqual([
      ["version.publish_history", "acme/old 0.3.0"],
      ["version.publish_history", "acme/old 0.5.0"],
      ["version.publish_history", "acme/old 0.5.1"],
    ]);
    const misnumbered = entries.find((entry) => entry.subject === "acme/old 0.5.1");
    expect(misnumbered?.detail).toMatchObject({
      history: true,
      since: "0.5.0",
      calledFor: "1.0.0",
    });
  });

  it("is refused to a member who may publish but is no admin", async () => {
    const refused = await put("acme/not-mine", "0.1.0", same, { history: true });
    expect(refused.status).toBe(403);
    expect(refused.message).toContain("needs the admin role in");
  });

  it("never lets a new publish skip the rules", async () => {
    await mustPublish("acme/after-history", "3.4.0", same, { token: admin, history: true });
    const skipping = await put("acme/after-history", "3.6.0", added, { token: admin });
    expect(skipping.status).toBe(400);
    await mustPublish("acme/after-history", "3.5.0", added, { token: admin });
  });
});

describe("changes as data", () => {
  it("answers the changes stored at publish, and those between any two versions", async () => {
    await mustPublish("acme/changing", "1.0.0", same, { outline: withCore });
    await mustPublish("acme/changing", "1.1.0", added, { outline: withCore });
    const stored = await call(registry, "GET", "/packages/acme/changing/changes/1.0.0/1.1.0");
    expect(stored.status).toBe(200);
    expect(stored.body).toEqual({
      from: "1.0.0",
      to: "1.1.0",
      magnitude: "minor",
      decidedBy: "api",
      modules: {
        added: [],
        removed: [],
        changed: [
          {
            name: "Widgets",
            magnitude: "minor",
            unions: { added: [], changed: [], removed: [] },
            aliases: { added: [], changed: [], removed: [] },
            values: {
              added: [{ name: "colour", type: "Basics.Int" }],
              changed: [],
              removed: [],
            },
            binops: { added: [], changed: [], removed: [] },
          },
        ],
      },
    });
    const backwards = await call(registry, "GET", "/packages/acme/changing/changes/1.1.0/1.0.0");
    expect(backwards.body).toMatchObject({ magnitude: "major" });
    expect(backwards.headers.get("cache-control")).toContain("immutable");
    const missing = await call(registry, "GET", "/packages/acme/changing/changes/1.0.0/9.0.0");
    expect(missing.status).toBe(404);
  });

  it("checks a bundle without storing it, as a publish would be told", async () => {
    await mustPublish("acme/checked", "1.0.0", same);
    const check = (version: string, sources: Record<string, string>, query = "") =>
      call(registry, "POST", `/packages/acme/checked/check${query}`, {
        token: publisher,
        body: bundleOf("acme/checked", version, sources),
        headers: { "content-type": "application/gzip" },
      });
    // gren.json still at the published version: compared with it, as `gren package bump` does.
    const bump = await check("1.0.0", added);
    expect(bump.status).toBe(200);
    expect(bump.body).toMatchObject({ since: "1.0.0", magnitude: "minor", calledFor: "1.1.0" });
    const right = await check("2.0.0", removed);
    expect(right.body).toMatchObject({ since: "1.0.0", magnitude: "major", calledFor: "2.0.0" });
    const wrong = await check("1.1.0", removed);
    expect(wrong.status).toBe(400);
    expect((wrong.body as { problems: string[] }).problems[0]).toContain("must be 2.0.0");
    const versions = await call<{ versions: unknown[] }>(registry, "GET", "/packages/acme/checked");
    expect(versions.body.versions).toHaveLength(1);
    const outsider = await login(registry, "outsider@example.com");
    const refused = await call(registry, "POST", "/packages/acme/checked/check", {
      token: outsider,
      body: bundleOf("acme/checked", "1.0.0", added),
      headers: { "content-type": "application/gzip" },
    });
    expect(refused.status).toBe(403);
    // A check reads the bundle alone: sent as a publish's multipart form, it is told so.
    const form = new FormData();
    form.append(
      "bundle",
      new Blob([bundleOf("acme/checked", "1.0.0", added) as Uint8Array<ArrayBuffer>]),
      "b.pkg.gz",
    );
    const multipart = await call(registry, "POST", "/packages/acme/checked/check", {
      token: publisher,
      body: form,
    });
    expect(multipart.status).toBe(400);
    expect(multipart.body).toMatchObject({ code: "invalid_request" });
    expect((multipart.body as { message: string }).message).toContain("application/gzip");
  });
});
