import { html } from "htm/preact";
import type { VNode } from "preact";
import type { ModuleDocumentation } from "../../core/documentation.ts";
import { type Prerendered, prerender } from "./layout.ts";
import { identityPath, LATEST_VERSION, modulePath, packagePath, versionPath } from "./paths.ts";
import { docsSearch, notLatestBanner } from "./versionPieces.ts";

// A module's documentation page: the module's index and article, rendered
// when the version was published, between the version's breadcrumbs and the
// list of its modules, with a search over the whole version's docs.

/** The content of one module's page. */
export function renderModulePage(input: ModuleDocumentation): Prerendered {
  const before = prerender(html`${breadcrumbs(input)}
    ${notLatestBanner(
      input.name,
      input.version,
      input.latest,
      modulePath(input.name, LATEST_VERSION, input.module),
    )}
    ${docsSearch(input.name, input.version)}`).prerendered;
  const after = prerender(moduleNavigation(input)).prerendered;
  return {
    prerendered: `${before}<div class="module-layout">${input.article}${after}</div>`,
  };
}

function breadcrumbs({ name, version, module }: ModuleDocumentation): VNode {
  const [author = "", project = ""] = name.split("/");
  return html`<nav aria-label="Breadcrumb" class="breadcrumbs">
    <ol>
      <li><a href="/search">Packages</a></li>
      <li><a href=${identityPath(author)}>${author}</a></li>
      <li><a href=${packagePath(name)}>${project}</a></li>
      <li><a href=${versionPath(name, version)}>${version}</a></li>
      <li><a href=${modulePath(name, version, module)} aria-current="page">${module}</a></li>
    </ol>
  </nav>`;
}

function moduleNavigation({
  name,
  version,
  module: current,
  documented,
  moduleGroups,
}: ModuleDocumentation): VNode {
  const link = (module: string) =>
    html`<li>
      ${
        documented.has(module)
          ? html`<a
              href=${modulePath(name, version, module)}
              aria-current=${module === current ? "page" : undefined}
              >${module}</a
            >`
          : module
      }
    </li>`;
  const groups = moduleGroups.filter((group) => group.modules.length > 0);
  return html`<nav class="sidebar module-list" aria-labelledby="modules-heading">
    <h2 id="modules-heading">Modules of ${name} ${version}</h2>
    ${groups.map(
      (group) => html`${group.title === undefined ? null : html`<h3>${group.title}</h3>`}
        <ul>
          ${group.modules.map(link)}
        </ul>`,
    )}
  </nav>`;
}
