import { html } from "htm/preact";
import type { RecentPublication } from "../../core/recent.ts";
import { day, type Prerendered, prerender, searchForm } from "./layout.ts";
import { FEED_PATH, packagePath } from "./paths.ts";

/** The home page's content: the same for everyone, so it is rendered once per change of the feed. */
export function homeContent(recent: readonly RecentPublication[]): Prerendered {
  return prerender(html`<h1>Gren packages</h1>
    <p class="summary">
      Find, read and install packages for the <a href="https://gren-lang.org">Gren</a> programming
      language.
    </p>
    ${searchForm("", "main")}
    <section aria-labelledby="recent-heading">
      <h2 id="recent-heading">Recently published</h2>
      ${
        recent.length === 0
          ? html`<p>Nothing has been published yet.</p>`
          : html`<ul class="package-list">
              ${recent.map(
                (publication) => html`<li>
                  <a class="name" href=${packagePath(publication.name)}>${publication.name}</a>
                  <span class="meta"> ${publication.version}, ${day(publication.at)}</span>
                  <p>${publication.summary}</p>
                </li>`,
              )}
            </ul>`
      }
    </section>
    <p>
      <a href="/search">Browse all packages</a> · <a href=${FEED_PATH}>Atom feed of new versions</a>
    </p>`);
}
