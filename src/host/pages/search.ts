import { html } from "htm/preact";
import type { SearchResult, SearchResults } from "../../core/search.ts";
import type { Listing } from "../../wire/packages.ts";
import type { Page, Viewer } from "./layout.ts";
import { packagePath, searchPath } from "./paths.ts";

/** What a result says of how it matched. */
function matchText(result: SearchResult): string {
  switch (result.match) {
    case "exact":
      return "exact name";
    case "prefix":
      return "name starts with it";
    case "name":
      return "in the name";
    case "summary":
      return "in the summary";
    case "module":
      return result.module === undefined ? "in a module's name" : `module ${result.module}`;
  }
}

/** Packages matching the query, the best matches first. */
export function searchPage(
  query: string,
  found: SearchResults,
  page: number,
  viewer: Viewer | undefined,
): Page {
  const pageLink = (to: number) => `${searchPath(query)}&page=${to}`;
  return {
    title: `Search: ${query}`,
    viewer,
    search: { query },
    main: html`<h1>Packages matching “${query}”</h1>
      ${
        found.results.length === 0
          ? html`<p>
              ${page > 1 ? "No more packages match." : "No package matches."} Search looks for the
              text in package names, summaries and module names.
            </p>`
          : html`<ol class="package-list search-results" start=${(page - 1) * 30 + 1}>
              ${found.results.map(
                (result) => html`<li>
                  <a class="name" href=${packagePath(result.name)}>${result.name}</a>
                  ${result.latest === null ? html`<span class="meta"> every version revoked</span>` : html`<span class="meta"> ${result.latest}</span>`}
                  <span class="match">${matchText(result)}</span>
                  <p>${result.summary}</p>
                </li>`,
              )}
            </ol>`
      }
      <nav aria-label="Pages of results" class="pages">
        ${page > 1 ? html`<a href=${pageLink(page - 1)} rel="prev">Better matches</a>` : null}
        ${found.more ? html`<a href=${pageLink(page + 1)} rel="next">More packages</a>` : null}
      </nav>`,
  };
}

/** Every package in name order, a page at a time. */
export function allPackagesPage(listing: Listing, viewer: Viewer | undefined): Page {
  return {
    title: "All packages",
    viewer,
    search: { query: "" },
    main: html`<h1>All packages</h1>
      ${
        listing.packages.length === 0
          ? html`<p>Nothing has been published yet.</p>`
          : html`<ul class="package-list">
              ${listing.packages.map(
                (found) => html`<li>
                  <a class="name" href=${packagePath(found.name)}>${found.name}</a>
                  ${found.latest === null ? html`<span class="meta"> every version revoked</span>` : html`<span class="meta"> ${found.latest}</span>`}
                  <p>${found.summary}</p>
                </li>`,
              )}
            </ul>`
      }
      ${
        listing.next === null
          ? null
          : html`<p><a href=${searchPath("", listing.next)} rel="next">More packages</a></p>`
      }`,
  };
}
