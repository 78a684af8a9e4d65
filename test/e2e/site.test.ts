import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { moduleDocs } from "../../src/gren/docs/moduleDocs.ts";
import { CORE, contentsOf } from "../support/realBundles.ts";
import { startRegistry, type TestRegistry } from "../support/registry.ts";
import {
  AUTHOR,
  BROWSER_ACCEPT,
  publishSiteCatalogue,
  REVOKE_REASON,
} from "../support/siteCatalogue.ts";

// The package site over plain HTTP: the same addresses answer browsers with
// pages and every other client with the API's JSON, unchanged; pages show
// only what the viewer may see, and doc comments cannot inject markup.

let registry: TestRegistry;
let author: string;

beforeAll(async () => {
  registry = await startRegistry();
  ({ author } = await publishSiteCatalogue(registry));
});
afterAll(async () => {
  await registry.close();
});

async function get(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(registry.url + path, { headers });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** A page as a browser asks for it, optionally logged in. */
const page = (path: string, token?: string) =>
  get(path, { accept: BROWSER_ACCEPT, ...(token ? { authorization: `Bearer ${token}` } : {}) });

const BLOCK =
  /<\/?(?:p|div|li|dt|dd|h[1-6]|tr|td|th|pre|nav|section|article|header|footer|main|title|form|label|button|ol|ul|dl|table)\b[^>]*>/g;

/** The words of a page, without its markup, as a person reads them. */
function words(html: string): string {
  return html
    .replace(BLOCK, " ")
    .replace(/<[^>]*>/g, "")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&amp;", "&")
    .replace(/\s+/g, " ");
}

describe("content negotiation", () => {
  const shared = [
    "/packages/acme/widgets",
    "/packages/acme/widgets/1.0.0",
    "/packages/gren-lang/core/7.0.0",
    "/publishing-identity/acme",
    "/packages/acme/nothing",
  ];

  it.each(shared)(
    "GET %s gives a browser a page and every other client the same JSON",
    async (path) => {
      const html = await page(path);
      expect(html.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(html.text.startsWith('<!DOCTYPE html><html lang="en">')).toBe(true);
      expect(html.headers.get("vary")).toMatch(/\bAccept\b/);

      const plain = await get(path);
      expect(plain.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect(plain.headers.get("vary")).toMatch(/\bAccept\b/);
      expect(html.status).toBe(plain.status);
      for (const accept of ["*/*", "application/json", "text/html, application/json", "text/*"]) {
        const json = await get(path, { accept });
        expect(json.status, accept).toBe(plain.status);
        expect(json.headers.get("content-type"), accept).toBe("application/json; charset=utf-8");
        expect(json.text, accept).toBe(plain.text);
      }
    },
  );

  it("leaves addresses without a page to the API, even for a browser", async () => {
    for (const path of ["/health", "/feed", "/openapi.json"]) {
      const answer = await page(path);
      expect(answer.status, path).toBe(200);
      expect(answer.headers.get("content-type"), path).toMatch(/^application\/json/);
      expect(answer.headers.get("vary"), path).toMatch(/\bAccept\b/);
    }
  });

  it("keeps pages that only people need out of the API", async () => {
    for (const path of ["/", "/search?q=widgets", "/packages/acme/widgets/1.0.0/modules/Widgets"]) {
      const json = await get(path);
      expect(json.status, path).toBe(404);
      expect(JSON.parse(json.text).code, path).toBe("not_found");
      expect(json.headers.get("vary"), path).toMatch(/\bAccept\b/);
    }
    const document = JSON.parse((await get("/openapi.json")).text) as { paths: object };
    expect(
      Object.keys(document.paths).filter((path) => /search|modules|^\/$|site\.css/.test(path)),
    ).toEqual([]);
  });

  it("answers a browser at an unknown address with a 404 page", async () => {
    const answer = await page("/no/such/page");
    expect(answer.status).toBe(404);
    expect(answer.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(words(answer.text)).toContain("There is no page at /no/such/page");
  });

  it("gives a browser at latest the latest version's page, and a client the version's number", async () => {
    const browser = await page("/packages/acme/widgets/latest");
    expect(browser.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(words(browser.text)).toContain("Version 1.0.0 (latest)");
    const client = await get("/packages/acme/widgets/latest");
    expect(JSON.parse(client.text)).toEqual({ version: "1.0.0" });
  });

  it("serves pages that run only the site's own script file and load nothing from elsewhere", async () => {
    const answer = await page("/packages/acme/widgets");
    const policy = answer.headers.get("content-security-policy") ?? "";
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self';");
    const scripts = [...answer.text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
    expect(scripts.map((script) => script[0])).toEqual([
      expect.stringMatching(/^<script src="\/site\.js\?v=[0-9a-f]{16}" defer(="")?><\/script>$/),
    ]);
    const script = await get(/src="([^"]+)"/.exec(scripts[0]![0])![1]!);
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
  });

  it("serves the stylesheet under its digest, cacheable for a year", async () => {
    const home = await page("/");
    const href = /<link rel="stylesheet" href="([^"]+)"/.exec(home.text)?.[1];
    expect(href).toMatch(/^\/site\.css\?v=[0-9a-f]{16}$/);
    const css = await get(href!);
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(css.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(css.text).toContain("prefers-color-scheme: dark");
    const again = await get(href!, { "if-none-match": css.headers.get("etag")! });
    expect(again.status).toBe(304);
  });
});

describe("the pages", () => {
  it("home lists what was published recently, newest first, and never a private package", async () => {
    const home = await page("/");
    expect(home.status).toBe(200);
    const text = words(home.text);
    expect(text).toContain("Recently published");
    const order = ["acme/widgets", "gren-lang/node", "gren-lang/url", "gren-lang/core"].map(
      (name) => text.indexOf(name),
    );
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // 1.1.0 was revoked, so 1.0.0 is the version shown.
    expect(text).toContain("acme/widgets 1.0.0");
    expect(text).not.toContain("acme/secret");
  });

  it("search finds packages by name, summary and module", async () => {
    const byName = words((await page("/search?q=widgets")).text);
    expect(byName).toContain("acme/widgets");
    const byModule = words((await page("/search?q=Json.Decode")).text);
    expect(byModule).toContain("gren-lang/core");
    expect(byModule).not.toContain("acme/widgets");
    const nothing = await page("/search?q=zebra");
    expect(nothing.status).toBe(200);
    expect(words(nothing.text)).toContain("No package matches");
    // Text shorter than the index's three characters is looked for all the same.
    const short = await page("/search?q=wi");
    expect(short.status).toBe(200);
    expect(words(short.text)).toContain("acme/widgets");
    for (const text of ["%25", "%5C", "*", "(a"]) {
      expect((await page(`/search?q=${text}`)).status).toBe(200);
    }
  });

  it("a package page shows the latest version not revoked, its modules, dependencies and how to install it", async () => {
    const answer = await page("/packages/acme/widgets");
    expect(answer.status).toBe(200);
    const text = words(answer.text);
    expect(text).toContain("Widgets for every occasion");
    expect(text).toContain("Version 1.0.0 (latest)");
    expect(text).toContain("Licence BSD-3-Clause");
    expect(text).toContain("0.6.0 <= v < 0.7.0");
    expect(text).toContain("gren package install acme/widgets");
    expect(text).toContain(`Revoked: ${REVOKE_REASON}`);
    expect(answer.text).toContain('href="/packages/acme/widgets/1.0.0/modules/Widgets.Extra"');
    expect(answer.text).toContain('href="/packages/gren-lang/core"');
    expect(answer.text).toContain('href="/packages/acme/widgets/1.1.0"');
  });

  it("a revoked version's page says why, and its docs are gone (410)", async () => {
    const version = await page("/packages/acme/widgets/1.1.0");
    expect(version.status).toBe(200);
    expect(words(version.text)).toContain("Version 1.1.0 was revoked");
    expect(words(version.text)).toContain(REVOKE_REASON);
    expect(version.text).not.toContain("/packages/acme/widgets/1.1.0/modules/");
    const docs = await page("/packages/acme/widgets/1.1.0/modules/Widgets");
    expect(docs.status).toBe(410);
    expect(words(docs.text)).toContain(REVOKE_REASON);
  });

  it("missing things answer the API's statuses, as pages", async () => {
    const cases: [string, number, string][] = [
      ["/packages/acme/nothing", 404, "There is no package acme/nothing."],
      ["/packages/acme/widgets/9.9.9", 404, "acme/widgets has no version 9.9.9."],
      ["/packages/acme/widgets/one", 400, '"one" is not a version'],
      ["/packages/acme/widgets/1.0.0/modules/Nope", 404, "has no module named Nope"],
      ["/publishing-identity/nobody", 404, 'There is no publishing identity named "nobody".'],
    ];
    for (const [path, status, message] of cases) {
      const answer = await page(path);
      expect(answer.status, path).toBe(status);
      expect(answer.headers.get("content-type"), path).toBe("text/html; charset=utf-8");
      expect(words(answer.text), path).toContain(message);
    }
  });

  it("a private package is not found by outsiders, and shown to members", async () => {
    for (const path of [
      "/packages/acme/secret",
      "/packages/acme/secret/1.0.0",
      "/packages/acme/secret/1.0.0/modules/Widgets",
    ]) {
      const outsider = await page(path);
      expect(outsider.status, path).toBe(404);
      expect(outsider.text, path).not.toContain("Secret widgets");
      const member = await page(path, author);
      expect(member.status, path).toBe(200);
    }
    expect(words((await page("/publishing-identity/acme")).text)).not.toContain("acme/secret");
    expect(words((await page("/search?q=secret")).text)).not.toContain("acme/secret");
    const members = words((await page("/publishing-identity/acme", author)).text);
    expect(members).toContain("acme/secret");
    expect(members).toContain(`${AUTHOR} admin`);
    expect(words((await page("/search?q=secret", author)).text)).toContain("acme/secret");
  });

  it("the header offers to log in, or shows who is logged in with a way out", async () => {
    const outsider = await page("/packages/acme/widgets");
    expect(outsider.text).toContain('<a href="/login">Log in</a>');
    const member = await page("/packages/acme/widgets", author);
    expect(words(member.text)).toContain(`Logged in as ${AUTHOR}`);
    expect(member.text).toContain('<form method="post" action="/logout">');
    const staleSession = await page("/packages/acme/widgets", "not-a-session");
    expect(staleSession.status).toBe(200);
    expect(staleSession.text).toContain("Log in");
  });
});

describe("module documentation", () => {
  it("escapes raw HTML in doc comments and drops unsafe links", async () => {
    const answer = await page("/packages/acme/widgets/1.0.0/modules/Widgets");
    expect(answer.status).toBe(200);
    // The site's own script file is the only script, in the head; the docs have none.
    const main = /<main\b[\s\S]*<\/main>/.exec(answer.text)![0];
    expect(main).not.toMatch(/<script|<img|onerror="|href="javascript:/i);
    expect(answer.text).toContain("&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;");
    expect(words(answer.text)).toContain('<img src="x" onerror="alert(\'owned\')">');
  });

  it("places entries where the @docs lines name them, with their signatures", async () => {
    const text = words((await page("/packages/acme/widgets/1.0.0/modules/Widgets")).text);
    const order = [
      "Widgets for every occasion",
      "Making widgets",
      "type Widget",
      "type Size = Small | Large Int",
      "make : Size -> Widget",
      "Changing them",
      "resize : Size -> Widget -> Widget",
      "sizeOf : Widget -> Size",
      "(|+) : Size -> Widget -> Widget",
    ].map((part) => text.indexOf(part));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("renders every exposed module of the real gren-lang/core 7.0.0 with signatures and docs", async () => {
    const { outline, sources } = contentsOf(CORE.bytes);
    const exposed = Object.values(outline["exposed-modules"] as Record<string, string[]>).flat();
    expect(exposed.length).toBeGreaterThan(20);
    for (const name of exposed) {
      const answer = await page(`/packages/gren-lang/core/7.0.0/modules/${name}`);
      expect(answer.status, name).toBe(200);
      const text = words(answer.text);
      const docs = moduleDocs(sources[name]!);
      if (!docs.ok) throw new Error(docs.error);
      for (const value of docs.value.values) {
        expect(answer.text, `${name}.${value.name}`).toContain(`id="${value.name}"`);
        expect(text, `${name}.${value.name}`).toContain(
          `${value.name} : ${value.type.replace(/\s+/g, " ")}`,
        );
        const firstWords = words(value.comment).trim().split(" ").slice(0, 3).join(" ");
        if (!/[`*_[\]#]/.test(firstWords))
          expect(text, `${name}.${value.name}`).toContain(firstWords);
      }
      for (const type of [...docs.value.unions, ...docs.value.aliases]) {
        expect(answer.text, `${name}.${type.name}`).toContain(`id="${type.name}"`);
      }
    }
  });
});
