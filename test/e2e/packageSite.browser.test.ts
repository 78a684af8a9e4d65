import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, hasChromium, openBrowser } from "../support/browser.ts";
import { packageBundle } from "../support/bundles.ts";
import { putBundleWithReadme } from "../support/publishing.ts";
import { NODE } from "../support/realBundles.ts";
import { call, login, sentMail, startRegistry, type TestRegistry } from "../support/registry.ts";
import { AUTHOR, publishSiteCatalogue } from "../support/siteCatalogue.ts";

// What makes people land on a package site and stay, tried in a real
// Chromium: the README first, types that link to their definitions, an index
// and a search in every module, links that stay current, who uses a package
// and how often, identities, ranked search with "did you mean", feeds, and
// logging in. Each kind of page is checked by axe in both colour schemes and
// photographed at 1280 and 390 px, light and dark, into test/screenshots/.

const GIZMOS_README = `# acme/gizmos

Gizmos for everyone. This README is long enough for the compiler's own check,
which wants three hundred bytes: it says what the package is for, how to
install it, and where to read more, as a README should.

## Installing

Add it with \`gren package install acme/gizmos\`.
`;

describe.skipIf(!hasChromium)("the package site, as a newcomer uses it", () => {
  let registry: TestRegistry;
  let browser: Browser;
  let author: string;

  beforeAll(async () => {
    registry = await startRegistry({ REGISTRY_DOWNLOAD_COUNT_MS: "50" });
    ({ author } = await publishSiteCatalogue(registry));
    for (const version of ["1.0.0", "1.1.0"]) {
      const bytes = packageBundle({
        name: "acme/gizmos",
        version,
        summary: "Gizmos for everyone",
        dependencies: { "gren-lang/core": "7.0.0 <= v < 8.0.0" },
      });
      const answer = await putBundleWithReadme(
        registry,
        author,
        `/packages/acme/gizmos/${version}`,
        bytes,
        GIZMOS_README.replace("Gizmos for everyone.", `Gizmos for everyone, version ${version}.`),
      );
      expect(answer.status).toBe(201);
    }
    browser = await openBrowser(registry.url, {
      permissions: ["clipboard-read", "clipboard-write"],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await registry?.close();
  });

  it("shows the README first, sanitised, and serves it as sent", async () => {
    const { page } = browser;
    await browser.visit("/packages/gren-lang/core");
    const readme = page.locator(".readme .markdown");
    expect(await readme.locator("h2").first().textContent()).toBe("gren-lang/core");
    expect(await readme.getByRole("heading", { name: "Getting started" }).count()).toBe(1);
    // Before the sidebar in the page's order, so it is what a reader meets first.
    const [readmeBox, installBox] = await Promise.all([
      readme.boundingBox(),
      page.locator(".install").boundingBox(),
    ]);
    expect(readmeBox!.x).toBeLessThan(installBox!.x);
    // An image becomes a link; raw HTML is text; a javascript: link is no link.
    expect(await readme.locator("img").count()).toBe(0);
    expect(await readme.getByRole("link", { name: "The Gren logo" }).getAttribute("href")).toBe(
      "https://gren-lang.org/logo.png",
    );
    expect(await readme.locator("script").count()).toBe(0);
    expect(await readme.textContent()).toContain('<script>alert("not run")</script>');
    expect(await readme.locator('a[href^="javascript"]').count()).toBe(0);
    await browser.expectAccessible("package page");
    await browser.screenshots("package");

    const sent = await fetch(`${registry.url}/packages/gren-lang/core/7.0.0/readme`);
    expect(sent.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
    expect(await sent.text()).toContain("# gren-lang/core\n");
  });

  it("links every type in a signature to its definition, in the module, the package or a dependency", async () => {
    const { page } = browser;
    await browser.visit("/packages/gren-lang/core/7.0.0/modules/Json.Decode");
    const hrefOf = async (entry: string, type: string) =>
      page
        .locator(`[id="${entry}"] .signature a.hljs-type`, { hasText: new RegExp(`^${type}$`) })
        .first()
        .getAttribute("href");
    expect(await hrefOf("maybe", "Maybe")).toBe(
      "/packages/gren-lang/core/7.0.0/modules/Maybe#Maybe",
    );
    expect(await hrefOf("array", "Array")).toBe(
      "/packages/gren-lang/core/7.0.0/modules/Array#Array",
    );
    expect(await hrefOf("dict", "Dict")).toBe("/packages/gren-lang/core/7.0.0/modules/Dict#Dict");
    expect(await hrefOf("string", "String")).toBe(
      "/packages/gren-lang/core/7.0.0/modules/String#String",
    );
    expect(await hrefOf("string", "Decoder")).toBe("#Decoder");
    await page.locator('[id="dict"] .signature a.hljs-type', { hasText: "Dict" }).first().click();
    await page.waitForURL(/\/modules\/Dict#Dict$/);
    expect(await page.locator("h1").textContent()).toBe("Dict");

    // gren-lang/node's signatures link into the version of core it builds against.
    await browser.visit(`/packages/${NODE.name}/${NODE.version}/modules/FileSystem`);
    const intoCore = await page
      .locator(".signature a.hljs-type", { hasText: /^Task$/ })
      .first()
      .getAttribute("href");
    expect(intoCore).toBe("/packages/gren-lang/core/7.0.0/modules/Task#Task");
    const ownModule = await page
      .locator(".signature a.hljs-type", { hasText: /^Path$/ })
      .first()
      .getAttribute("href");
    expect(ownModule).toBe(`/packages/${NODE.name}/${NODE.version}/modules/FileSystem.Path#Path`);
    // A constructor is no type: it stays plain text.
    expect(await page.locator(".signature span.hljs-type", { hasText: "Symlink" }).count()).toBe(1);
  });

  it("has an index of each module beside its docs, at the top on a phone, and a search over the package's docs", async () => {
    const { page } = browser;
    await browser.visit("/packages/gren-lang/core/7.0.0/modules/Json.Decode");
    const index = page.getByRole("navigation", { name: "In Json.Decode" });
    expect(await index.getByRole("link", { name: "andThen" }).getAttribute("href")).toBe(
      "#andThen",
    );
    expect(await index.getByRole("link", { name: "Decoder" }).count()).toBe(1);
    const article = page.locator(".module-article");
    const [wideIndex, wideArticle] = [await index.boundingBox(), await article.boundingBox()];
    expect(wideIndex!.x).toBeLessThan(wideArticle!.x);

    const search = page.getByRole("searchbox", { name: "Search names and signatures" });
    await search.fill("andthen");
    const results = page.locator(".docs-results li");
    await results.first().waitFor();
    expect(await results.first().locator("a").textContent()).toBe("andThen");
    await expect
      .poll(() => page.locator(".docs-status").textContent())
      .toMatch(/^\d+ matches in this package's docs\.$/);
    // The module's index narrows to what matches.
    expect(await index.locator("li:visible").count()).toBe(1);
    // Signatures are searched too, across every module of the package.
    await search.fill("Maybe a -> a");
    await page.locator(".docs-results li", { hasText: "withDefault" }).first().waitFor();
    await page.locator(".docs-results a", { hasText: "withDefault" }).first().click();
    await page.waitForURL(/\/modules\/Maybe#withDefault$/);
    await browser.expectNoErrors("the docs search");

    await browser.visit("/packages/gren-lang/core/7.0.0/modules/Json.Decode");
    await browser.expectAccessible("module page");
    await browser.screenshots("module");
    await page.setViewportSize({ width: 390, height: 844 });
    const [narrowIndex, narrowArticle] = [await index.boundingBox(), await article.boundingBox()];
    expect(narrowIndex!.y).toBeLessThan(narrowArticle!.y);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it("keeps links current at latest, marks an older version, pins its install lines and copies them", async () => {
    const { page } = browser;
    await browser.visit("/packages/acme/gizmos/latest");
    expect(await page.locator(".version-badge").textContent()).toBe("Version 1.1.0 (latest)");
    expect(await page.locator(".notice.older").count()).toBe(0);
    await browser.visit("/packages/acme/gizmos/latest/modules/Main", 404);
    await browser.visit("/packages/gren-lang/core/latest/modules/Maybe");
    expect(await page.locator("h1").textContent()).toBe("Maybe");

    await browser.visit("/packages/acme/gizmos/1.0.0");
    const banner = page.locator(".notice.older");
    expect(await banner.textContent()).toContain("The latest version is 1.1.0");
    await banner.getByRole("link", { name: "1.1.0" }).click();
    await page.waitForURL(/\/packages\/acme\/gizmos\/latest$/);

    await browser.visit("/packages/acme/gizmos/1.0.0");
    const install = page.locator(".install");
    expect(await install.locator("pre").allTextContents()).toEqual([
      '"acme/gizmos": "1.0.0"',
      '"acme/gizmos": "1.0.0 <= v < 2.0.0"',
    ]);
    await install.getByRole("button", { name: 'Copy "acme/gizmos": "1.0.0"' }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
      '"acme/gizmos": "1.0.0"',
    );
    await install.getByRole("status").first().filter({ hasText: "Copied" }).waitFor();
    expect(await install.getByRole("button", { name: /^Copy / }).count()).toBe(2);

    await browser.visit("/packages/acme/gizmos");
    await page.getByRole("link", { name: "All versions (2)" }).click();
    await page.waitForURL(/\/packages\/acme\/gizmos\/versions$/);
    const rows = page.locator(".versions-table tbody tr");
    expect(await rows.count()).toBe(2);
    expect(await rows.first().locator("th").textContent()).toBe("1.1.0");
    expect(await rows.first().textContent()).toContain("2026-11-24");
    expect(await rows.first().locator("code").textContent()).toBe("0.6.0 <= v < 0.7.0");
    // How far each version moved from the one it bumps, linking to what changed; the first bumps none.
    const change = rows.first().locator('td[data-label="Change"] a');
    expect(await change.getAttribute("href")).toBe("/packages/acme/gizmos/1.1.0#changes-heading");
    expect(await change.textContent()).toBe("minor");
    expect(await rows.nth(1).locator('td[data-label="Change"]').textContent()).toBe("");
    await change.click();
    await page.waitForURL(/\/packages\/acme\/gizmos\/1\.1\.0#changes-heading$/);
    expect(await page.getByRole("heading", { name: "Changes since 1.0.0" }).isVisible()).toBe(true);
    await browser.visit("/packages/acme/gizmos/versions");
    await browser.expectAccessible("versions page");
    await browser.screenshots("versions");
  });

  it("runs its script under the pages' own policy, which forbids any other", async () => {
    const strict = await openBrowser(registry.url, { bypassCSP: false });
    try {
      await strict.visit("/packages/gren-lang/core");
      const copy = strict.page.locator(".install button.copy").first();
      expect(await copy.isVisible()).toBe(true);
      await strict.page.evaluate(() => {
        const script = document.createElement("script");
        script.textContent = "document.body.dataset.ran = 'yes'";
        document.body.append(script);
      });
      expect(await strict.page.evaluate(() => document.body.dataset.ran)).toBeUndefined();
    } finally {
      await strict.close();
    }
  });

  it("names the packages that use one, and counts downloads per version and per package", async () => {
    const { page } = browser;
    for (let i = 0; i < 3; i++) {
      const bundle = await fetch(`${registry.url}/packages/acme/gizmos/1.0.0/bundle`);
      expect(bundle.status).toBe(200);
      await bundle.arrayBuffer();
    }
    await (await fetch(`${registry.url}/packages/acme/gizmos/1.1.0/bundle`)).arrayBuffer();
    let counted: { total: number; versions: { version: string; count: number }[] } | undefined;
    for (let tries = 0; tries < 100 && counted?.total !== 4; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      counted = (
        await call<NonNullable<typeof counted>>(registry, "GET", "/packages/acme/gizmos/downloads")
      ).body;
    }
    expect(counted?.total).toBe(4);
    expect(counted?.versions).toEqual([
      { version: "1.1.0", count: 1 },
      { version: "1.0.0", count: 3 },
    ]);

    await browser.visit("/packages/acme/gizmos/1.0.0");
    const downloads = page.locator("dt", { hasText: "Downloads" }).locator("+ dd");
    expect((await downloads.textContent())?.replace(/\s+/g, " ").trim()).toBe(
      "3 of this version, 4 in all",
    );
    await browser.visit("/packages/acme/gizmos/versions");
    expect(
      await page.locator(".versions-table tbody tr").nth(1).locator(".number").textContent(),
    ).toBe("3");

    await browser.visit("/packages/gren-lang/core");
    const usedBy = page.locator("section", { has: page.getByRole("heading", { name: "Used by" }) });
    const users = await usedBy.getByRole("link").allTextContents();
    expect(users).toEqual(["acme/gizmos", "acme/widgets", "gren-lang/node", "gren-lang/url"]);
    await usedBy.getByRole("link", { name: "gren-lang/node" }).click();
    await page.waitForURL(/\/packages\/gren-lang\/node$/);
    const dependents = await call<{ count: number; packages: { name: string }[] }>(
      registry,
      "GET",
      "/packages/gren-lang/url/dependents",
    );
    expect(dependents.body.packages.map((user) => user.name)).toEqual(["gren-lang/node"]);
  });

  it("lists an identity's packages with summary, latest version and date", async () => {
    const { page } = browser;
    await browser.visit("/publishing-identity/acme");
    const items = page.locator(".package-list li");
    const gizmos = items.filter({ has: page.getByRole("link", { name: "acme/gizmos" }) });
    expect((await gizmos.textContent())?.replace(/\s+/g, " ")).toContain(
      "acme/gizmos 1.1.0, 2026-11-24",
    );
    expect(await gizmos.locator("p").textContent()).toBe("Gizmos for everyone");
    // The private package is only for members.
    expect(await items.filter({ hasText: "acme/secret" }).count()).toBe(0);
    await browser.expectAccessible("identity page");
    await browser.screenshots("identity");
  });

  it("ranks the exact name first, says which module matched, and asks 'did you mean' on a 404", async () => {
    const { page } = browser;
    await browser.visit("/search?q=node");
    const names = await page.locator(".search-results li a.name").allTextContents();
    expect(names[0]).toBe("gren-lang/node");
    expect(await page.locator(".search-results li").first().locator(".match").textContent()).toBe(
      "exact name",
    );
    await browser.expectAccessible("search page");
    await browser.screenshots("search");

    await browser.visit("/search?q=FileSystem.Path");
    const byModule = page.locator(".search-results li", { hasText: "gren-lang/node" });
    expect(await byModule.locator(".match").textContent()).toBe("module FileSystem.Path");

    await browser.visit("/search?q=gizm");
    expect(await page.locator(".search-results li .match").first().textContent()).toBe(
      "name starts with it",
    );

    await browser.visit("/packages/gren-lang/nod", 404);
    const suggestion = page
      .locator("section", { has: page.getByRole("heading", { name: "Did you mean" }) })
      .getByRole("link", { name: "gren-lang/node" });
    expect(await suggestion.getAttribute("href")).toBe("/packages/gren-lang/node");
    expect(await page.locator("#search-main").inputValue()).toBe("gren-lang/nod");
    await browser.expectAccessible("404 page");
    await page.locator("#search-main").press("Enter");
    await page.waitForURL(/\/search\?q=gren-lang%2Fnod$/);
    expect(await page.locator(".search-results li a.name").first().textContent()).toBe(
      "gren-lang/node",
    );
  });

  it("offers Atom feeds of new versions, of all packages and of each, linking to the pages", async () => {
    const { page } = browser;
    await browser.visit("/");
    const alternate = page.locator('link[rel="alternate"][type="application/atom+xml"]');
    expect(await alternate.getAttribute("href")).toBe("/feed.atom");
    const all = await fetch(`${registry.url}/feed.atom`);
    expect(all.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
    const feed = await all.text();
    const entries = [...feed.matchAll(/<entry>[\s\S]*?<\/entry>/g)].map((match) => match[0]);
    expect(entries[0]).toContain("<title>acme/gizmos 1.1.0</title>");
    const link = /<link rel="alternate" type="text\/html" href="([^"]+)"\/>/.exec(entries[0]!)![1]!;
    expect(link).toBe(`${registry.config.publicUrl}/packages/acme/gizmos/1.1.0`);
    expect(feed).not.toContain("acme/secret");
    await browser.expectAccessible("home page");
    await browser.screenshots("home");

    await browser.visit("/packages/acme/gizmos");
    expect(
      await page.locator('link[rel="alternate"][type="application/atom+xml"]').getAttribute("href"),
    ).toBe("/packages/acme/gizmos/feed.atom");
    const one = await (await fetch(`${registry.url}/packages/acme/gizmos/feed.atom`)).text();
    expect([...one.matchAll(/<title>acme\/gizmos (\S+)<\/title>/g)].map((m) => m[1])).toEqual([
      "1.1.0",
      "1.0.0",
    ]);
    // The page it links to opens.
    await page.goto(link.replace(registry.config.publicUrl, registry.url));
    expect(await page.locator(".version-badge").textContent()).toBe("Version 1.1.0 (latest)");
  });

  it("has a favicon, and a title of its own on every page", async () => {
    const { page } = browser;
    const titles = new Map<string, string>();
    for (const path of [
      "/",
      "/search?q=json",
      "/packages/gren-lang/core",
      "/packages/gren-lang/core/versions",
      "/packages/gren-lang/core/7.0.0/modules/Dict",
      "/publishing-identity/gren-lang",
      "/login",
    ]) {
      await browser.visit(path);
      titles.set(path, await page.title());
      const icon = await page.locator('link[rel="icon"]').getAttribute("href");
      const answer = await fetch(registry.url + icon);
      expect(answer.headers.get("content-type")).toBe("image/svg+xml");
      expect(await answer.text()).toContain("<svg");
    }
    expect(new Set(titles.values()).size).toBe(titles.size);
    expect(titles.get("/packages/gren-lang/core/7.0.0/modules/Dict")).toBe(
      "Dict · gren-lang/core 7.0.0 · Gren packages",
    );
  });

  it("logs in: a link confirmed in another tab signs the waiting one in, a wrong code is an error, and /login says who is in", async () => {
    const { page, context } = browser;
    await browser.visit("/login");
    expect(await page.locator("h1").textContent()).toBe("Log in");
    await browser.expectAccessible("login page");
    await browser.screenshots("login");
    await expectOnePrimaryButton("login page");
    await page.getByLabel("Email address").fill(AUTHOR);
    await page.getByRole("button", { name: "Mail me a link" }).click();
    await page.waitForURL(/\/login\/wait$/);
    await expectOnePrimaryButton("the waiting page");

    await page.getByLabel("Code from the mail").fill("WRONG-CODE");
    await page.getByRole("button", { name: "Log in with the code" }).click();
    const problem = page.getByRole("alert");
    expect(await problem.textContent()).toMatch(/code/i);
    expect(await page.getByLabel("Code from the mail").getAttribute("aria-invalid")).toBe("true");
    await browser.expectAccessible("a wrong code");

    const mail = sentMail(registry.outbox)
      .filter((m) => m.to === AUTHOR)
      .at(-1)!;
    const link = /(http\S+\/login\/confirm\?token=\S+)/.exec(mail.textBody)![1]!;
    const other = await context.newPage();
    await other.goto(link.replace(registry.config.publicUrl, registry.url));
    // 24 November 2026 at 12:00 UTC, the test's clock, in words.
    expect(await other.locator("time").textContent()).toBe("24 November 2026 at 12:00 UTC");
    await other.getByRole("button", { name: "Yes, log me in" }).click();
    await other.waitForURL(`${registry.url}/`);
    // The waiting tab notices by itself, and carries on logged in.
    await page.waitForURL(`${registry.url}/`, { timeout: 10_000 });
    expect(await page.locator(".account-email").textContent()).toContain(AUTHOR);
    await other.close();

    await browser.visit("/login");
    expect(await page.locator("h1").textContent()).toBe("You are logged in");
    expect(await page.locator("main").textContent()).toContain(AUTHOR);
  });

  it("shows the signed-in user's identities and sessions, and ends another session", async () => {
    const { page } = browser;
    // Another session of the same user, as a command line would have.
    const elsewhere = await login(registry, AUTHOR);
    expect((await call(registry, "GET", "/user", { token: elsewhere })).status).toBe(200);
    await browser.visit("/account");
    const identities = page.locator("section", {
      has: page.getByRole("heading", { name: "Publishing identities" }),
    });
    expect(await identities.getByRole("link", { name: "acme" }).count()).toBe(1);
    const sessions = page.locator("section", {
      has: page.getByRole("heading", { name: "Sessions" }),
    });
    const others = sessions.getByRole("button", { name: /^End the session/ });
    const before = await others.count();
    expect(before).toBeGreaterThanOrEqual(1);
    expect(await sessions.getByText("This one").count()).toBe(1);
    await browser.expectAccessible("account page");
    await browser.screenshots("account");
    for (let left = before; left > 0; left--) {
      await others.first().click();
      await page.waitForURL(/\/account/);
    }
    expect(await others.count()).toBe(0);
    expect((await call(registry, "GET", "/user", { token: elsewhere })).status).toBe(401);
  });

  /** Exactly one button on the page looks like the main thing to do. */
  async function expectOnePrimaryButton(where: string): Promise<void> {
    const primary = await browser.page.evaluate(
      () =>
        Array.from(document.querySelectorAll("button")).filter((button) => {
          const style = getComputedStyle(button);
          return (
            button.offsetParent !== null &&
            style.backgroundColor !== "rgba(0, 0, 0, 0)" &&
            style.backgroundColor !== "transparent"
          );
        }).length,
    );
    expect(primary, where).toBe(1);
  }
});
