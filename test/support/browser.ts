import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import axe from "axe-core";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { expect } from "vitest";

// A real (headless) Chromium for the site's tests: pages visited with every
// error they log collected, axe run on them in both colour schemes, and
// screenshots at a desktop's and a phone's width written to test/screenshots/
// for a person to look at.

export const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);
export const SCREENSHOTS = join(import.meta.dirname, "../screenshots");

/** Without the background-networking flags, Chromium's own connections fail on a closed network. */
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Errors logged, and resources that failed, since the last visit. */
  problems: string[];
  /** Opens a page, expecting its status, with nothing logged as an error on the way. */
  visit(path: string, status?: number): Promise<void>;
  expectNoErrors(where: string, status?: number): Promise<void>;
  /**
   * No axe violation of the impacts named (by default serious or critical;
   * `"any"` for none at all), in the light and the dark scheme.
   */
  expectAccessible(where: string, impacts?: readonly string[] | "any"): Promise<void>;
  /** The page at 1280 and 390 px wide, light and dark, as `name-WIDTH-SCHEME.png`. */
  screenshots(name: string): Promise<void>;
  /** Whether anything is wider than the window, which would scroll sideways. */
  overflows(): Promise<boolean>;
  close(): Promise<void>;
}

export async function openBrowser(
  base: string,
  options: { bypassCSP?: boolean; permissions?: string[] } = {},
): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "site-browser-"));
  mkdirSync(SCREENSHOTS, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    // axe is injected as a script, which the pages' own policy rightly forbids.
    bypassCSP: options.bypassCSP ?? true,
    viewport: { width: 1280, height: 900 },
    ...(options.permissions ? { permissions: options.permissions } : {}),
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const browser: Browser = {
    context,
    page,
    problems: [],
    async visit(path, status = 200) {
      browser.problems.length = 0;
      const response = await page.goto(base + path);
      expect(response?.status(), path).toBe(status);
      await page.waitForLoadState("networkidle");
      await browser.expectNoErrors(path, status);
    },
    async expectNoErrors(where, status = 200) {
      // Chromium reports the page's own error status as a failed resource: that one is expected.
      const unexpected = browser.problems.filter(
        (problem) => !(status >= 400 && problem.includes(`status of ${status}`)),
      );
      expect(unexpected, where).toEqual([]);
    },
    async expectAccessible(where, impacts = ["serious", "critical"]) {
      for (const scheme of ["light", "dark"] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        if ((await page.evaluate("typeof axe")) === "undefined") {
          await page.addScriptTag({ content: axe.source });
        }
        const violations = (await page.evaluate(
          "axe.run(document, { resultTypes: ['violations'] }).then((results) => results.violations)",
        )) as AxeViolation[];
        expect(
          violations
            .filter((violation) => impacts === "any" || impacts.includes(violation.impact ?? ""))
            .map(
              (violation) =>
                `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes
                  .map((node) => node.target.join(" "))
                  .join(", ")}`,
            ),
          `${where}, ${scheme}`,
        ).toEqual([]);
      }
      await page.emulateMedia({ colorScheme: "light" });
    },
    async screenshots(name) {
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
        expect(await browser.overflows(), `${name} at ${width} px`).toBe(false);
        for (const scheme of ["light", "dark"] as const) {
          await page.emulateMedia({ colorScheme: scheme });
          await page.screenshot({
            path: join(SCREENSHOTS, `${name}-${width}-${scheme}.png`),
            fullPage: true,
          });
        }
      }
      await page.emulateMedia({ colorScheme: "light" });
      await page.setViewportSize({ width: 1280, height: 900 });
    },
    overflows: () => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth),
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
  page.on("console", (message) => {
    if (message.type() === "error") browser.problems.push(message.text());
  });
  page.on("pageerror", (error) => browser.problems.push(error.message));
  page.on("requestfailed", (request) => browser.problems.push(`${request.url()} failed to load`));
  return browser;
}
