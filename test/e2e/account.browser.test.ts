import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, hasChromium, openBrowser, SCREENSHOTS } from "../support/browser.ts";
import { packageBundle } from "../support/bundles.ts";
import { createIdentity, publish, putBundle } from "../support/publishing.ts";
import { call, login, sentMail, startRegistry, type TestRegistry } from "../support/registry.ts";

// The account page and an identity's settings as people use them, in a real
// (headless) Chromium: ending another session, making a token that then
// publishes and revoking it, adding and removing a trusted publisher. No page
// logs an error, and axe finds no accessibility violation, in the light and
// the dark colour scheme. Screenshots land in test/screenshots/.

const ADMIN = "admin@example.com";

describe.skipIf(!hasChromium)("the account and settings pages in a real browser", () => {
  let registry: TestRegistry;
  let browser: Browser;
  let page: Page;
  /** The session the browser is logged in with. */
  let browserSession: string;

  beforeAll(async () => {
    registry = await startRegistry();
    const admin = await login(registry, ADMIN);
    await createIdentity(registry, admin, "acme", { "member@example.com": "publish" });
    await publish(registry, admin, "acme/widgets", "1.0.0");
    browserSession = await login(registry, ADMIN);
    browser = await openBrowser(registry.url);
    ({ page } = browser);
    // Logged in as the login pages leave a browser (they are tested on their own).
    await browser.context.addCookies([
      {
        name: "gren_session",
        value: browserSession,
        url: registry.url,
        httpOnly: true,
        sameSite: "Lax",
      },
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await registry?.close();
  });

  const visit = (path: string, status?: number) => browser.visit(path, status);
  const expectNoErrors = (where: string) => browser.expectNoErrors(where);
  // These pages are held to every axe rule, not only the serious and critical ones.
  const expectAccessible = (where: string) => browser.expectAccessible(where, "any");

  /** Presses a form's button and waits for the page the form answers with, even at the same address. */
  async function submit(button: ReturnType<Page["getByRole"]>): Promise<void> {
    browser.problems.length = 0;
    const loaded = page.waitForEvent("load");
    await button.click();
    await loaded;
  }

  it("reaches the account page from the header, and ends another session there", async () => {
    // A minute later than the others, so that it is listed last.
    registry.clock.advance(60_000);
    const other = await login(registry, ADMIN);
    await visit("/");
    await page.getByRole("link", { name: `Logged in as ${ADMIN}` }).click();
    await page.waitForURL(/\/account$/);
    expect(await page.locator("h1").textContent()).toBe("Your account");
    expect(await page.getByRole("link", { name: "acme" }).count()).toBe(1);
    await expectAccessible("account");

    const ends = page.getByRole("button", { name: /^End the session/ });
    const before = await ends.count();
    expect(before).toBeGreaterThanOrEqual(2);
    // The sessions are listed oldest first; the newest is the one made just now.
    await submit(ends.last());
    expect(page.url()).toMatch(/\/account$/);
    await expectNoErrors("after ending a session");
    expect(await page.getByRole("button", { name: /^End the session/ }).count()).toBe(before - 1);
    expect((await call(registry, "GET", "/user", { token: other })).status).toBe(401);
    expect((await call(registry, "GET", "/user", { token: browserSession })).status).toBe(200);
  });

  it("makes a token shown once, which publishes, and revokes it", async () => {
    await visit("/account");
    await page.getByLabel("Name").fill("release workflow");
    await page.getByLabel(/^Packages/).fill("acme/widgets");
    await page.getByLabel(/^Expires after/).fill("30");
    await submit(page.getByRole("button", { name: "Make the token" }));
    expect(page.url()).toMatch(/\/account\/tokens$/);
    await expectNoErrors("the new token");
    const token = (await page.locator("#new-token").textContent()) ?? "";
    expect(token).toMatch(/^grenreg_[0-9A-Za-z]{46}$/);
    await expectAccessible("the new token");
    await page.screenshot({ path: join(SCREENSHOTS, "account-new-token.png"), fullPage: true });

    const published = await putBundle(
      registry,
      token,
      "/packages/acme/widgets/1.1.0",
      packageBundle({ name: "acme/widgets", version: "1.1.0" }),
    );
    expect(published.status).toBe(201);
    expect(sentMail(registry.outbox).some((m) => m.subject.includes("release workflow"))).toBe(
      true,
    );

    await visit("/account");
    // Shown once: the page lists the token, never its text again.
    expect(await page.content()).not.toContain(token);
    const row = page.getByRole("row", { name: /release workflow/ });
    expect(await row.textContent()).toContain("acme/widgets");
    await submit(page.getByRole("button", { name: "Revoke the token release workflow" }));
    expect(page.url()).toMatch(/\/account$/);
    expect(await page.getByRole("row", { name: /release workflow/ }).count()).toBe(0);
    const refused = await putBundle(
      registry,
      token,
      "/packages/acme/widgets/1.2.0",
      packageBundle({ name: "acme/widgets", version: "1.2.0" }),
    );
    expect(refused.status).toBe(401);
  });

  it("shows a token form's problem on the page, in a sentence", async () => {
    await visit("/account");
    await page.getByLabel("Name").fill("elsewhere");
    await page.getByLabel(/^Packages/).fill("beta/*");
    await submit(page.getByRole("button", { name: "Make the token" }));
    expect(await page.getByRole("alert").textContent()).toMatch(
      /You cannot publish to the identity of "beta\/\*"/,
    );
    await expectAccessible("a refused token");
  });

  it("adds and removes a trusted publisher on the identity's settings page", async () => {
    await visit("/publishing-identity/acme");
    await page.getByRole("link", { name: "Settings and trusted publishers" }).click();
    await page.waitForURL(/\/publishing-identity\/acme\/settings$/);
    await expectNoErrors("settings");
    await expectAccessible("settings");

    await page.getByLabel(/^Repository/).fill("acme/widgets");
    await page.getByLabel(/^Workflow file/).fill("release.yml");
    await page.getByLabel(/^Environment/).fill("release");
    await submit(page.getByRole("button", { name: "Add the trusted publisher" }));
    expect(page.url()).toMatch(/\/publishing-identity\/acme\/settings$/);
    const row = page.getByRole("row", { name: /acme\/widgets/ });
    expect(await row.textContent()).toContain("release.yml");
    expect(await row.textContent()).toContain("GitHub Actions");
    await expectAccessible("settings with a trusted publisher");
    await page.screenshot({ path: join(SCREENSHOTS, "identity-settings.png"), fullPage: true });

    const listed = await call<{ trustedPublishers: { workflow: string; environment: string }[] }>(
      registry,
      "GET",
      "/publishing-identity/acme/trusted-publishers",
      { token: browserSession },
    );
    expect(listed.body.trustedPublishers).toMatchObject([
      { workflow: "release.yml", environment: "release" },
    ]);
    expect(
      sentMail(registry.outbox).filter(
        (m) => m.subject === "A trusted publisher was added to acme",
      ),
    ).toHaveLength(1);

    await submit(
      page.getByRole("button", { name: "Remove the trusted publisher acme/widgets release.yml" }),
    );
    expect(page.url()).toMatch(/\/publishing-identity\/acme\/settings$/);
    expect(await page.getByText("acme trusts no workflow yet.").count()).toBe(1);
  });

  it("keeps the settings page to admins: a member is told it is not allowed", async () => {
    const member = await login(registry, "member@example.com");
    await browser.context.addCookies([{ name: "gren_session", value: member, url: registry.url }]);
    await visit("/publishing-identity/acme/settings", 403);
    await expectAccessible("settings refused");
    await visit("/publishing-identity/acme");
    expect(await page.getByRole("link", { name: "Settings and trusted publishers" }).count()).toBe(
      0,
    );
    await browser.context.addCookies([
      { name: "gren_session", value: browserSession, url: registry.url },
    ]);
  });
});
