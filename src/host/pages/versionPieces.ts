import { html } from "htm/preact";
import type { VNode } from "preact";
import { docsJsonPath, modulesPath } from "./paths.ts";

// What the pages of one version share: the word that a newer one exists, how
// to install this one, and the search over its docs.

/** Shown on a version that is not the latest live one: where the latest is. */
export function notLatestBanner(
  name: string,
  shown: string,
  latest: string | undefined,
  latestHref: string,
): VNode | null {
  if (latest === undefined || latest === shown) return null;
  return html`<div class="notice older" role="note">
    <p>
      You are reading version ${shown} of ${name}. The latest version is
      ${" "}<a href=${latestHref}>${latest}</a>.
    </p>
  </div>`;
}

/**
 * How a person gets this very version into their project, each line with a
 * button that copies it. Neither client takes a version on its command line:
 * a version is pinned in gren.json, as an application or a package names its
 * dependencies, and then installed.
 */
export function installSection(name: string, version: string, isLatest: boolean): VNode {
  const major = Number(version.split(".")[0]);
  const lines = [
    ...(isLatest
      ? [
          {
            label: "Add it to an application, with the Gren compiler",
            text: `gren package install ${name}`,
          },
        ]
      : []),
    {
      label: isLatest
        ? "Or pin this version in an application's gren.json (dependencies, direct)"
        : "Pin this version in an application's gren.json (dependencies, direct)",
      text: `"${name}": "${version}"`,
    },
    {
      label: "In a package's gren.json (dependencies)",
      text: `"${name}": "${version} <= v < ${major + 1}.0.0"`,
    },
  ];
  return html`<section aria-labelledby="install-heading" class="install">
    <h2 id="install-heading">Install ${version}</h2>
    ${lines.map(
      ({ label, text }) => html`<div class="command">
        <p class="meta">${label}</p>
        <div class="command-line">
          <pre><code>${text}</code></pre>
          <button
            type="button"
            class="button-quiet copy"
            data-copy=${text}
            aria-label=${`Copy ${text}`}
            hidden
          >
            Copy
          </button>
          <span class="copy-status visually-hidden" role="status"></span>
        </div>
      </div>`,
    )}
    <p class="meta">
      Then <code>gren package install</code> (or the registry's <code>gren-registry install</code>)
      fetches it.
    </p>
  </section>`;
}

/**
 * Search over the names and signatures of a version's docs, without leaving
 * the page: the site's script fills it in from docs.json, and shows it only
 * where it runs.
 */
export function docsSearch(name: string, version: string): VNode {
  return html`<div class="docs-search">
    <form
      role="search"
      aria-label=${`Search the docs of ${name} ${version}`}
      data-docs=${docsJsonPath(name, version)}
      data-base=${`${modulesPath(name, version)}/`}
      hidden
    >
      <label for="docs-filter">Search names and signatures</label>
      <input
        id="docs-filter"
        type="search"
        autocomplete="off"
        placeholder="e.g. map or Maybe a"
        maxlength="100"
      />
      <p class="docs-status meta" role="status" aria-live="polite"></p>
    </form>
    <ul class="docs-results" hidden></ul>
  </div>`;
}
