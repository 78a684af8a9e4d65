import { DatabaseSync } from "node:sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readOverview } from "../../src/gren/docs/overview.ts";
import type { DocsJson } from "../../src/gren/docsJson.ts";
import { moduleOf, typeNamesIn, typesOf } from "../support/docsTypes.ts";
import { createIdentity, publish } from "../support/publishing.ts";
import { CORE, NODE, publishReal } from "../support/realBundles.ts";
import { call, login, startRegistry, type TestRegistry } from "../support/registry.ts";
import { BROWSER_ACCEPT } from "../support/siteCatalogue.ts";

// A version's docs.json and documentation pages, made once when it was
// published: every type qualified by the module that defines it, in this
// package or in the dependency it builds against, and read afterwards
// without its bundle.

let registry: TestRegistry;
let operator: string;

beforeAll(async () => {
  registry = await startRegistry();
  operator = await publishReal(registry);
});
afterAll(async () => {
  await registry.close();
});

const docsPath = (name: string, version: string) => `/packages/${name}/${version}/docs.json`;

async function docsJson(name: string, version: string): Promise<{ text: string; docs: DocsJson }> {
  const response = await fetch(registry.url + docsPath(name, version));
  expect(response.status).toBe(200);
  const text = await response.text();
  return { text, docs: JSON.parse(text) as DocsJson };
}

function stored(sql: string, params: Record<string, string | number> = {}) {
  const db = new DatabaseSync(registry.dbPath);
  try {
    return db.prepare(sql).all(params);
  } finally {
    db.close();
  }
}

describe("docs.json", () => {
  it("lists every exposed value of gren-lang/core 7.0.0 with every type qualified", async () => {
    const { docs } = await docsJson(CORE.name, CORE.version);
    const modules = new Set(Object.keys(docs));
    expect(modules.size).toBe(28);
    let names = 0;
    for (const { where, type } of typesOf(docs)) {
      for (const name of typeNamesIn(type)) {
        names++;
        expect(moduleOf(name), `${name} in ${where}: ${type}`).toBeDefined();
        expect(
          modules.has(moduleOf(name)!) || moduleOf(name)!.startsWith("Gren.Kernel."),
          name,
        ).toBe(true);
      }
    }
    expect(names).toBeGreaterThan(1500);
    // Every name the modules' @docs lines list, as the compiler insists, is there, and nothing else.
    for (const module of Object.values(docs)) {
      const listed = readOverview(module.comment).groups.flat().sort();
      const documented = [...module.unions, ...module.aliases, ...module.values, ...module.binops]
        .map((entry) => entry.name)
        .sort();
      expect(documented, module.name).toEqual(listed);
    }
    const values = Object.values(docs).reduce((sum, module) => sum + module.values.length, 0);
    expect(values).toBeGreaterThan(500);
    expect(docs.Maybe?.values.find((value) => value.name === "withDefault")?.type).toBe(
      "a -> Maybe.Maybe a -> a",
    );
    expect(docs.Dict?.values.find((value) => value.name === "get")?.type).toBe(
      "comparable -> Dict.Dict comparable v -> Maybe.Maybe v",
    );
  });

  it("names gren-lang/core's modules for the types gren-lang/node takes from it", async () => {
    const core = Object.keys((await docsJson(CORE.name, CORE.version)).docs);
    const { docs } = await docsJson(NODE.name, NODE.version);
    const [row] = stored(
      `SELECT d.type_homes, d.problems FROM version_docs d JOIN versions v ON v.id = d.version_id
       JOIN packages p ON p.id = v.package_id WHERE p.project = 'node'`,
    );
    const homes = JSON.parse(String(row?.type_homes)) as Record<string, { package: string }>;
    const fromCore = new Set<string>();
    for (const { where, type } of typesOf(docs)) {
      for (const name of typeNamesIn(type)) {
        const module = moduleOf(name);
        expect(module, `${name} in ${where}: ${type}`).toBeDefined();
        const home = homes[module!]?.package;
        expect(["gren-lang/core", "gren-lang/url", "gren-lang/node"], name).toContain(home);
        if (home === "gren-lang/core") {
          expect(core).toContain(module);
          fromCore.add(module!);
        }
      }
    }
    expect([...fromCore]).toEqual(expect.arrayContaining(["Task", "Bytes", "Dict", "Maybe"]));
    expect(homes.Task).toEqual({ package: "gren-lang/core", version: "7.0.0" });
    expect(homes.Url).toEqual({ package: "gren-lang/url", version: "6.0.0" });
    expect(homes.Node).toEqual({ package: "gren-lang/node", version: "6.1.1" });
    // A module the package does not expose still defines types its exposed ones name.
    expect(homes["Internal.Init"]).toEqual({ package: "gren-lang/node", version: "6.1.1" });
    expect(JSON.parse(String(row?.problems))).toEqual([]);
  });

  it("is the same bytes every time, kept forever by anyone for a public package", async () => {
    const first = await fetch(registry.url + docsPath(CORE.name, CORE.version));
    const second = await fetch(registry.url + docsPath(CORE.name, CORE.version));
    expect(await first.text()).toBe(await second.text());
    expect(first.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(first.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const etag = first.headers.get("etag");
    expect(etag).toBe(`"docs-${CORE.sha256}"`);
    const again = await fetch(registry.url + docsPath(CORE.name, CORE.version), {
      headers: { "if-none-match": etag! },
    });
    expect(again.status).toBe(304);
  });

  it("keeps the compiler's order of keys in each module and entry", async () => {
    const { text } = await docsJson(CORE.name, CORE.version);
    expect(text.startsWith('{"Array":{"name":"Array","comment":')).toBe(true);
    expect(text).toMatch(/"unions":\[\{"name":"[^"]+","comment":/);
    expect(text).toContain('"associativity":"left","precedence":');
  });

  it("of a private package is shown only to the identity's members, and kept by nobody else", async () => {
    const member = await login(registry, "member@example.com");
    await createIdentity(registry, member, "secret");
    await publish(registry, member, "secret/plans", "1.0.0", { private: true });
    const path = docsPath("secret/plans", "1.0.0");
    expect((await call(registry, "GET", path)).status).toBe(404);
    const seen = await call(registry, "GET", path, { token: member });
    expect(seen.status).toBe(200);
    expect(Object.keys(seen.body)).toEqual(["Widgets", "Widgets.Extra"]);
    expect(seen.headers.get("cache-control")).toBe("private, no-cache");
  });
});

describe("the documentation of a published version", () => {
  it("is served without its bundle: the module pages read only what was stored at publish", async () => {
    await createIdentity(registry, operator, "acme");
    await publish(registry, operator, "acme/widgets", "1.0.0");
    const path = "/packages/acme/widgets/1.0.0/modules/Widgets";
    const before = await fetch(registry.url + path, { headers: { accept: BROWSER_ACCEPT } });
    expect(before.status).toBe(200);
    const page = await before.text();
    // The bundle's bytes are gone from the database: only the stored docs are left to read.
    const db = new DatabaseSync(registry.dbPath);
    const widgets =
      "(SELECT sha256 FROM versions v JOIN packages p ON p.id = v.package_id WHERE p.project = 'widgets')";
    db.prepare(
      `DELETE FROM blob_chunks WHERE blob_id IN (SELECT id FROM blobs WHERE sha256 = ${widgets})`,
    ).run();
    db.prepare(`DELETE FROM blobs WHERE sha256 = ${widgets}`).run();
    db.close();
    const after = await fetch(registry.url + path, {
      headers: { accept: BROWSER_ACCEPT, authorization: `Bearer ${operator}` },
    });
    expect(after.status).toBe(200);
    const main = (html: string) => /<main\b[\s\S]*<\/main>/.exec(html)?.[0];
    expect(main(await after.text())).toBe(main(page));
    expect(main(page)).toContain("widget");
    const docs = await call(registry, "GET", docsPath("acme/widgets", "1.0.0"), {
      token: operator,
    });
    expect(docs.status).toBe(200);
  });

  it("of a revoked version answers 410, while its API is kept", async () => {
    await publish(registry, operator, "acme/widgets", "1.1.0");
    const revoked = await call(registry, "DELETE", "/packages/acme/widgets/1.1.0", {
      token: operator,
      json: { reason: "broken" },
    });
    expect(revoked.status).toBe(200);
    const docs = await call(registry, "GET", docsPath("acme/widgets", "1.1.0"));
    expect(docs.status).toBe(410);
    expect(docs.body.code).toBe("gone");
    const page = await fetch(`${registry.url}/packages/acme/widgets/1.1.0/modules/Widgets`, {
      headers: { accept: BROWSER_ACCEPT },
    });
    expect(page.status).toBe(410);
    const [row] = stored(
      `SELECT d.docs_json, (SELECT count(*) FROM module_pages m WHERE m.version_id = v.id) AS pages
       FROM version_docs d JOIN versions v ON v.id = d.version_id
       JOIN packages p ON p.id = v.package_id WHERE p.project = 'widgets' AND v.revoked_at IS NOT NULL`,
    );
    expect(JSON.parse(String(row?.docs_json))).toHaveProperty("Widgets");
    expect(row?.pages).toBe(0);
  });
});
