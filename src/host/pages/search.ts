import { html } from "htm/preact";
import type { Listing } from "../../wire/packages.ts";
import type { Page, Viewer } from "./layout.ts";
import { packagePath, searchPath } from "./paths.ts";

/** Packages whose name, summary or modules contain the query; all packages without one. */
export function searchPage(query: string, listing: Listing, viewer: Viewer | undefined): Page {
  const heading = query === "" ? "All packages" : `Packages matching “${query}”`;
  return {
    title: query === "" ? "All packages" : `Search: ${query}`,
    viewer,
    search: { query },
    main: html`<h1>${heading}</h1>
      ${
        listing.packages.length === 0
          ? html`<p>
              No package matches. Search looks for the text in package names, summaries and module
              names.
            </p>`
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
          : html`<p><a href=${searchPath(query, listing.next)} rel="next">More packages</a></p>`
      }`,
  };
}
