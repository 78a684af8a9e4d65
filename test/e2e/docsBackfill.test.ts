import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bracketsBundle, healthLatencies, median } from "../support/hostileBundles.ts";
import { databaseBeforeDocs } from "../support/oldRegistry.ts";
import { createIdentity, publish } from "../support/publishing.ts";
import { OPERATOR, publishReal, REAL } from "../support/realBundles.ts";
import { call, login, startRegistry, type TestRegistry } from "../support/registry.ts";
import { scratchDirectories } from "../support/scratch.ts";
import { BROWSER_ACCEPT } from "../support/siteCatalogue.ts";

// A registry upgraded from before it kept each version's docs: it serves at
// once, and documents the versions it already had in the background, each
// dependency before the packages that use it, until every page is as it was.

const scratch = scratchDirectories();
let registry: TestRegistry;
/** What the first requests to the upgraded registry got, before its docs were all made. */
const first: { health: number; packagePage: number; modulePage: { status: number; text: string } } =
  { health: 0, packagePage: 0, modulePage: { status: 0, text: "" } };

beforeAll(async () => {
  // The versions, as a registry of before published them.
  const before = await startRegistry();
  await publishReal(before);
  const token = await login(before, OPERATOR);
  await createIdentity(before, token, "acme");
  await publish(before, token, "acme/brackets", "1.0.0", { "exposed-modules": ["Brackets"] });
  const dir = scratch("upgraded-");
  mkdirSync(dir, { recursive: true });
  const dbPath = join(dir, "registry.db");
  databaseBeforeDocs(dbPath, before.dbPath);
  await before.close();
  // The publishing of before took a bundle whose doc comment is 8 MiB of `[`.
  const hostile = bracketsBundle("acme/brackets", "1.0.0");
  const sha256 = createHash("sha256").update(hostile).digest("hex");
  const db = new DatabaseSync(dbPath);
  const old = db
    .prepare(
      "SELECT v.sha256 FROM versions v JOIN packages p ON p.id = v.package_id WHERE p.project = 'brackets'",
    )
    .get();
  db.prepare("UPDATE blobs SET sha256 = ?, bytes = ? WHERE sha256 = ?").run(
    sha256,
    hostile,
    String(old?.sha256),
  );
  db.prepare("UPDATE versions SET sha256 = ?, size = ? WHERE sha256 = ?").run(
    sha256,
    hostile.byteLength,
    String(old?.sha256),
  );
  db.close();

  registry = await startRegistry({}, { dir });
  first.health = (await fetch(`${registry.url}/health`)).status;
  first.packagePage = (
    await fetch(`${registry.url}/packages/gren-lang/node/6.1.1`, {
      headers: { accept: BROWSER_ACCEPT },
    })
  ).status;
  const module = await fetch(`${registry.url}/packages/gren-lang/node/6.1.1/modules/Node`, {
    headers: { accept: BROWSER_ACCEPT },
  });
  first.modulePage = { status: module.status, text: await module.text() };
});
afterAll(async () => {
  await registry?.close();
});

async function waitForDocs(path: string, status: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const answer = await call(registry, "GET", path);
    if (answer.status === status) return;
    if (Date.now() > deadline) throw new Error(`${path} still answers ${answer.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A package page with its README's section left out. */
const withoutReadme = (page: string): string =>
  page.replace(/<section aria-labelledby="readme-heading"[\s\S]*?<\/section>/, "");

/** The `<main>` of a page as a browser gets it. */
async function mainOf(path: string): Promise<string> {
  const response = await fetch(registry.url + path, { headers: { accept: BROWSER_ACCEPT } });
  expect(response.status, path).toBe(200);
  return `${/<main\b[\s\S]*<\/main>/.exec(await response.text())?.[0]}\n`;
}

describe("a registry upgraded from before it kept docs", () => {
  it("serves at once, saying of a version not yet documented that its docs are coming", () => {
    expect(first.health).toBe(200);
    expect(first.packagePage).toBe(200);
    expect([200, 503]).toContain(first.modulePage.status);
    if (first.modulePage.status === 503) {
      expect(first.modulePage.text).toContain("still being made");
    }
  });

  it("documents every version it had, each dependency first, with the pages as they were", async () => {
    for (const bundle of REAL) {
      await waitForDocs(`/packages/${bundle.name}/${bundle.version}/docs.json`, 200);
    }
    const db = new DatabaseSync(registry.dbPath, { readOnly: true });
    const node = db
      .prepare(
        `SELECT d.type_homes, d.problems FROM version_docs d JOIN versions v ON v.id = d.version_id
         JOIN packages p ON p.id = v.package_id WHERE p.project = 'node'`,
      )
      .get();
    db.close();
    expect(JSON.parse(String(node?.type_homes)).Task).toEqual({
      package: "gren-lang/core",
      version: "7.0.0",
    });
    expect(JSON.parse(String(node?.problems))).toEqual([]);
    for (const bundle of REAL) {
      const outline = JSON.parse(gunzipSync(bundle.bytes).toString("utf8")).outline;
      const exposed = outline["exposed-modules"];
      const modules = (
        Array.isArray(exposed) ? exposed : Object.values(exposed).flat()
      ) as string[];
      const folder = `../fixtures/pages/${bundle.name.replace("/", "_")}`;
      // The registry of before kept no READMEs; the rest of the package page is as it was.
      const packagePage = await mainOf(`/packages/${bundle.name}/${bundle.version}`);
      expect(packagePage).toContain("was published without a README.");
      const kept = readFileSync(join(import.meta.dirname, folder, "package.html"), "utf8");
      expect(withoutReadme(packagePage)).toBe(withoutReadme(kept));
      for (const module of modules) {
        await expect(
          await mainOf(`/packages/${bundle.name}/${bundle.version}/modules/${module}`),
        ).toMatchFileSnapshot(`${folder}/${module}.html`);
      }
    }
  });

  it("refuses the docs of the 8 MiB comment of [, and a view of its page keeps /health waiting for nothing", async () => {
    const docs = "/packages/acme/brackets/1.0.0/docs.json";
    await waitForDocs(docs, 404);
    const answer = await call(registry, "GET", docs);
    expect(answer.body.message).toBe(
      "acme/brackets 1.0.0 has no documentation: The doc comment of the module Brackets is 8193 KiB; the registry documents comments of at most 32 KiB.",
    );
    const latencies: number[] = [];
    for (let round = 0; round < 5; round++) {
      const view = fetch(`${registry.url}/packages/acme/brackets/1.0.0/modules/Brackets`, {
        headers: { accept: BROWSER_ACCEPT },
      });
      latencies.push(...(await healthLatencies(registry.url, view)));
      expect((await view).status).toBe(404);
    }
    expect(median(latencies)).toBeLessThan(100);
  });
});
