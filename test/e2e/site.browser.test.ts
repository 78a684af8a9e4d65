import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leafHash, verifyInclusion } from "../../src/log/merkle.ts";
import {
  type Browser,
  CHROMIUM,
  hasChromium,
  openBrowser,
  SCREENSHOTS,
} from "../support/browser.ts";
import { latestCode, sentMail, startRegistry, type TestRegistry } from "../support/registry.ts";
import { AUTHOR, publishSiteCatalogue, REVOKE_REASON } from "../support/siteCatalogue.ts";

// The package site as people use it: a real (headless) Chromium walks from
// search to a package, its docs and another version; no page logs an error,
// and axe finds no accessibility violation on any kind of page, in the light
// and the dark colour scheme. Screenshots land in test/screenshots/ for a
// person to look at.

if (!hasChromium) {
  console.warn(
    `Skipping the browser tests of the package site: there is no Chromium at ${CHROMIUM} (run \`node scripts/ensure-chromium.mjs\`, as root on Debian, to install it).`,
  );
}

describe.skipIf(!hasChromium)("the package site in a real browser", () => {
  let registry: TestRegistry;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    registry = await startRegistry();
    await publishSiteCatalogue(registry);
    browser = await openBrowser(registry.url);
    ({ context, page } = browser);
  });

  afterAll(async () => {
    await browser?.close();
    await registry?.close();
  });

  const visit = (path: string, status?: number) => browser.visit(path, status);
  const expectNoErrors = (where: string, status?: number) => browser.expectNoErrors(where, status);
  // The site's pages are held to every axe rule, in both colour schemes, since contrast differs between them.
  const expectAccessibleInBothSchemes = (where: string) => browser.expectAccessible(where, "any");

  it("walks from search to a package, its module docs and another version", async () => {
    await visit("/");
    await expectAccessibleInBothSchemes("home");

    await page.getByRole("searchbox", { name: "Search packages" }).fill("widgets");
    await page.getByRole("searchbox", { name: "Search packages" }).press("Enter");
    await page.waitForURL(/\/search\?q=widgets/);
    await expectNoErrors("search");
    await expectAccessibleInBothSchemes("search");

    await page.getByRole("link", { name: "acme/widgets" }).click();
    await page.waitForURL(/\/packages\/acme\/widgets$/);
    await expect(page.getByRole("heading", { level: 1 })).toBeDefined();
    expect(await page.locator("h1").textContent()).toBe("acme/widgets");
    await expectNoErrors("package");
    await expectAccessibleInBothSchemes("package");

    await page.getByRole("link", { name: "Widgets", exact: true }).first().click();
    await page.waitForURL(/\/packages\/acme\/widgets\/1\.0\.0\/modules\/Widgets$/);
    expect(await page.locator("h1").textContent()).toBe("Widgets");
    expect(await page.locator("#make .signature").textContent()).toBe("make : Size -> Widget");
    await expectNoErrors("module");
    await expectAccessibleInBothSchemes("module");

    await page
      .getByRole("navigation", { name: "Breadcrumb" })
      .getByRole("link", { name: "widgets", exact: true })
      .click();
    await page.waitForURL(/\/packages\/acme\/widgets$/);
    await page
      .getByRole("navigation", { name: "Versions" })
      .getByRole("link", { name: "1.1.0" })
      .click();
    await page.waitForURL(/\/packages\/acme\/widgets\/1\.1\.0$/);
    expect(await page.locator(".notice.revoked").textContent()).toContain(REVOKE_REASON);
    // What it changed since the version it bumps, and how far its number moved.
    const changes = page.getByRole("region", { name: "Changes since 1.0.0" });
    expect(await changes.getByRole("listitem").allTextContents()).toEqual([
      "Widgets.Extra.twirl added, with the type Widgets.Widget -> Widgets.Widget.",
    ]);
    const listed = page.getByRole("navigation", { name: "Versions" }).getByRole("listitem");
    expect(await listed.first().textContent()).toMatch(/1\.1\.0.*minor/s);
    await expectNoErrors("revoked version");
    await expectAccessibleInBothSchemes("revoked version");
  });

  it("shows where a version sits in the transparency log, linking to a proof that checks", async () => {
    await visit("/packages/acme/widgets/1.0.0");
    const fact = page.locator("dt", { hasText: "Transparency log" }).locator("+ dd");
    const index = Number(/^entry (\d+)/.exec((await fact.textContent()) ?? "")?.[1]);
    expect(Number.isInteger(index)).toBe(true);
    await fact.getByRole("link", { name: "inclusion proof" }).click();
    await page.waitForURL(/\/log\/proof\/inclusion\?package=acme%2Fwidgets&version=1\.0\.0$/);
    const proof = JSON.parse(((await page.locator("body").textContent()) ?? "").trim());
    expect(proof.index).toBe(index);
    // A JSON document names no icon, so Chromium asks for /favicon.ico, which is not there.
    await page.waitForLoadState("networkidle");
    browser.problems.length = 0;
    const note = await (await fetch(`${registry.url}/log/checkpoint`)).text();
    const [, size, root] = note.split("\n");
    expect(proof.treeSize).toBe(Number(size));
    const entry = new Uint8Array(Buffer.from(proof.entry, "base64"));
    expect(JSON.parse(Buffer.from(entry).toString())).toMatchObject({
      kind: "publish",
      package: "acme/widgets",
      version: "1.0.0",
    });
    const hashes = proof.hashes.map((hash: string) => new Uint8Array(Buffer.from(hash, "base64")));
    expect(
      verifyInclusion(
        index,
        proof.treeSize,
        leafHash(entry),
        hashes,
        new Uint8Array(Buffer.from(root!, "base64")),
      ),
    ).toBe(true);
  });

  it("shows a real package and its docs well, on a wide screen and a phone", async () => {
    await visit("/packages/gren-lang/core");
    await expectAccessibleInBothSchemes("gren-lang/core");
    await page.screenshot({ path: join(SCREENSHOTS, "package.png"), fullPage: true });

    await page.getByRole("link", { name: "Maybe", exact: true }).click();
    await page.waitForURL(/\/modules\/Maybe$/);
    await expectNoErrors("Maybe");
    await expectAccessibleInBothSchemes("Maybe");
    await page.screenshot({ path: join(SCREENSHOTS, "module.png"), fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    await page.emulateMedia({ colorScheme: "dark" });
    await page.screenshot({ path: join(SCREENSHOTS, "module-phone-dark.png"), fullPage: false });
    await visit("/packages/gren-lang/node");
    await page.screenshot({ path: join(SCREENSHOTS, "package-phone-dark.png"), fullPage: false });
    await expectAccessibleInBothSchemes("gren-lang/node on a phone");
    await page.emulateMedia({ colorScheme: "light" });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it("has no accessibility violations on identity, error and revoked-docs pages", async () => {
    await visit("/publishing-identity/gren-lang");
    await expectAccessibleInBothSchemes("identity");
    await visit("/packages/nobody/nothing", 404);
    await expectAccessibleInBothSchemes("404");
    await visit("/packages/acme/widgets/1.1.0/modules/Widgets", 410);
    await expectAccessibleInBothSchemes("410");
  });

  it("signs in by the emailed link, shows the member a private package, and logs out", async () => {
    await visit("/packages/acme/secret", 404);

    await visit("/");
    await page.getByRole("link", { name: "Log in" }).click();
    await page.waitForURL(/\/login$/);
    await expectAccessibleInBothSchemes("login");
    await page.getByLabel("Email address").fill(AUTHOR);
    await page.getByRole("button", { name: "Mail me a link" }).click();
    await page.waitForURL(/\/login\/wait$/);
    await expectNoErrors("waiting for the link");
    await expectAccessibleInBothSchemes("waiting for the link");

    const mail = sentMail(registry.outbox)
      .filter((m) => m.to === AUTHOR)
      .at(-1)!;
    const link = /(http\S+\/login\/confirm\?token=\S+)/.exec(mail.textBody)![1]!;
    browser.problems.length = 0;
    await page.goto(link.replace(registry.config.publicUrl, registry.url));
    expect(await page.locator("h1").textContent()).toBe("Confirm your login");
    await expectNoErrors("the link's page");
    await expectAccessibleInBothSchemes("the link's page");
    await page.getByRole("button", { name: "Yes, log me in" }).click();
    await page.waitForURL(`${registry.url}/`);
    expect(await page.locator(".account-email").textContent()).toContain(AUTHOR);

    const cookies = await context.cookies(registry.url);
    const session = cookies.find((cookie) => cookie.name === "gren_session");
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax" });

    await visit("/packages/acme/secret");
    expect(await page.locator("h1").textContent()).toBe("acme/secret");
    await expectAccessibleInBothSchemes("a private package, to its member");

    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL(`${registry.url}/`);
    await visit("/packages/acme/secret", 404);
  });

  describe("forms sent from another site", () => {
    // Another site, at another origin of this machine: the registry is at
    // 127.0.0.1, this one at localhost. Its page sends a form to the registry
    // by itself as it opens, as a page luring a visitor would.
    let elsewhere: Server;
    let elsewhereUrl: string;
    /** The form its page sends: to which of the registry's routes, with which fields. */
    let form = { action: "/login", fields: {} as Record<string, string> };

    beforeAll(async () => {
      elsewhere = createServer((_request, response) => {
        const inputs = Object.entries(form.fields)
          .map(([name, value]) => `<input type="hidden" name="${name}" value="${value}">`)
          .join("");
        response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        response.end(
          `<!DOCTYPE html><html lang="en"><title>Win a prize</title><form method="post" action="${registry.url}${form.action}">${inputs}</form><script>document.forms[0].submit()</script></html>`,
        );
      });
      await new Promise<void>((resolve) => elsewhere.listen(0, "127.0.0.1", resolve));
      elsewhereUrl = `http://localhost:${(elsewhere.address() as AddressInfo).port}/`;
    });
    afterAll(() => {
      elsewhere?.close();
    });

    /** Opens the other site's page; the answer to the form it sends by itself. */
    async function lured(action: string, fields: Record<string, string>) {
      form = { action, fields };
      browser.problems.length = 0;
      const answered = page.waitForResponse(`${registry.url}${action}`);
      await page.goto(elsewhereUrl);
      const response = await answered;
      await page.waitForURL(`${registry.url}${action}`);
      return response;
    }

    it("cannot log the browser in as someone else, and the registry's own login form still works", async () => {
      const refused = await lured("/login", { email: "mallory@example.com" });
      expect(refused.status()).toBe(403);
      expect(await page.locator("h1").textContent()).toBe("Not allowed");
      expect(await page.locator("main").textContent()).toContain(
        `This form was refused: it was sent from ${elsewhereUrl.slice(0, -1)}, not from this site.`,
      );
      await expectNoErrors("the refusal", 403);
      await expectAccessibleInBothSchemes("the refusal");
      // No login was started: no mail went out, and the browser holds nothing of one.
      expect(sentMail(registry.outbox).filter((m) => m.to === "mallory@example.com")).toEqual([]);
      const cookies = await context.cookies(registry.url);
      expect(cookies.map((cookie) => cookie.name)).not.toContain("gren_login");

      // The registry's own page logs in as ever.
      await visit("/login");
      await page.getByLabel("Email address").fill(AUTHOR);
      await page.getByRole("button", { name: "Mail me a link" }).click();
      await page.waitForURL(/\/login\/wait$/);
      await page.getByLabel("Code from the mail").fill(latestCode(registry.outbox, AUTHOR));
      await page.getByRole("button", { name: "Log in with the code" }).click();
      await page.waitForURL(`${registry.url}/`);
      expect(await page.locator(".account-email").textContent()).toContain(AUTHOR);
    });

    it("cannot log the browser out", async () => {
      const refused = await lured("/logout", {});
      expect(refused.status()).toBe(403);
      await visit("/packages/acme/secret");
      expect(await page.locator(".account-email").textContent()).toContain(AUTHOR);
      await page.getByRole("button", { name: "Log out" }).click();
      await page.waitForURL(`${registry.url}/`);
      await visit("/packages/acme/secret", 404);
    });
  });
});
