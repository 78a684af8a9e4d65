import { html } from "htm/preact";
import type { VNode } from "preact";
import { render } from "preact-render-to-string";
import { FAVICON, SCRIPT, STYLESHEET } from "./assets.ts";
import { FormTokenField, FormTokenSource } from "./formToken.ts";

// The frame every page shares: head, header with search and account, footer.

/** What a page knows of the person looking at it: only their address. */
export interface Viewer {
  email: string;
}

export interface Page {
  /** What the page is about; the site's name follows it in the title. */
  title: string;
  description?: string;
  viewer: Viewer | undefined;
  /** The search box in the header, with its text; the home page has its own and leaves it out. */
  search?: { query: string } | false;
  /** The page's own content, or the same already rendered (and cached) as HTML. */
  main: VNode | Prerendered;
  /** Atom feeds about what the page shows. */
  feeds?: readonly { title: string; href: string }[];
}

export interface Prerendered {
  prerendered: string;
}

const SITE_NAME = "Gren packages";

/**
 * The site's pages run only its own script file (never inline script), ask
 * only the registry, and load nothing from elsewhere but doc comments' images.
 */
export const PAGE_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' https: data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** Pages tell other sites they link to nothing of where the link was. */
export const REFERRER_POLICY = "same-origin";

/** A whole HTML document; `formToken` gives the token its forms that post carry. */
export function renderPage(page: Page, formToken?: () => string): string {
  const search = page.search === undefined ? { query: "" } : page.search;
  const document = html`<html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="color-scheme" content="light dark" />
      <title>${page.title === SITE_NAME ? SITE_NAME : `${page.title} · ${SITE_NAME}`}</title>
      ${page.description ? html`<meta name="description" content=${page.description} />` : null}
      <link rel="stylesheet" href=${STYLESHEET.href} />
      <link rel="icon" href=${FAVICON.href} type="image/svg+xml" />
      ${(page.feeds ?? []).map(
        (feed) =>
          html`<link rel="alternate" type="application/atom+xml" title=${feed.title} href=${feed.href} />`,
      )}
      <script src=${SCRIPT.href} defer></script>
    </head>
    <body>
      <a class="skip-link" href="#main-content">Skip to content</a>
      <header class="site-header">
        <div class="frame">
          <a class="brand" href="/">Gren <span>packages</span></a>
          ${search ? searchForm(search.query, "header") : null} ${account(page.viewer)}
        </div>
      </header>
      ${
        "prerendered" in page.main
          ? html`<main
              id="main-content"
              class="frame"
              tabindex="-1"
              dangerouslySetInnerHTML=${{ __html: page.main.prerendered }}
            />`
          : html`<main id="main-content" class="frame" tabindex="-1">${page.main}</main>`
      }
      <footer class="site-footer">
        <div class="frame">
          <p>
            The package registry of the <a href="https://gren-lang.org">Gren</a> programming
            language. Programs talk to it through its <a href="/openapi.json">HTTP API</a>.
          </p>
        </div>
      </footer>
    </body>
  </html>`;
  const withToken = formToken
    ? html`<${FormTokenSource.Provider} value=${formToken}>${document}<//>`
    : document;
  return `<!DOCTYPE html>${render(withToken)}`;
}

/** The header's account corner: who is logged in, or the way to log in. */
function account(viewer: Viewer | undefined): VNode {
  return viewer
    ? html`<div class="account">
        <a class="account-email" href="/account"><span class="visually-hidden">Logged in as </span>${viewer.email}</a>
        <form method="post" action="/logout">
          <${FormTokenField} />
          <button type="submit" class="button-quiet">Log out</button>
        </form>
      </div>`
    : html`<div class="account"><a href="/login">Log in</a></div>`;
}

/** A search form; `place` keeps two of them on one page apart for assistive technology. */
export function searchForm(query: string, place: "header" | "main"): VNode {
  const id = `search-${place}`;
  return html`<form
    role="search"
    aria-label=${place === "header" ? "Search packages" : "Search all packages"}
    class=${place === "header" ? "search-form header-search" : "search-form large"}
    method="get"
    action="/search"
  >
    <label class="visually-hidden" for=${id}>Search packages</label>
    <input
      id=${id}
      type="search"
      name="q"
      value=${query}
      placeholder="Search packages"
      autocomplete="off"
      maxlength="200"
    />
    <button type="submit">Search</button>
  </form>`;
}

/**
 * Content rendered once, to be placed in many pages. Rendering joins thousands
 * of small strings, and V8 keeps the result as a tree of those pieces (some 32
 * bytes each) until something reads it whole; content that is kept is made one
 * plain string at once, at a fraction of the memory.
 */
export const prerender = (content: VNode): Prerendered => ({
  prerendered: Buffer.from(render(content), "utf8").toString("utf8"),
});

/** An ISO 8601 time as people read it, the day only, in a machine-readable element. */
export function day(iso: string): VNode {
  return html`<time datetime=${iso}>${iso.slice(0, 10)}</time>`;
}
