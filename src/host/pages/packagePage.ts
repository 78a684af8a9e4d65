import { html } from "htm/preact";
import type { VNode } from "preact";
import type { Release } from "../../core/documentation.ts";
import type { VersionSummary } from "../../wire/packages.ts";
import type { PublicAnswers } from "../http/publicAnswers.ts";
import { day, type Page, prerender, type Viewer } from "./layout.ts";
import { identityPath, modulePath, packagePath, versionPath } from "./paths.ts";
import { changesSection, magnitudeBadge } from "./versionChanges.ts";

/** How a person gets the package into their project; the registry's own CLI names it the same way. */
const installCommands = (name: string): string[] => [
  `gren package install ${name}`,
  `gren-registry install ${name}`,
];

/** A package, one version in detail (its modules, dependencies, how to install it), and all its versions. */
export function packagePage(
  release: Release,
  viewer: Viewer | undefined,
  kept: PublicAnswers,
): Page {
  const { package: pkg, version } = release;
  return {
    title: `${pkg.name} ${version.version}`,
    description: pkg.summary,
    viewer,
    main: kept.content(`${pkg.name}@${version.version}`, release.state, () =>
      prerender(packageContent(release)),
    ),
  };
}

function packageContent(release: Release): VNode {
  const { package: pkg, version } = release;
  const [author = "", project = ""] = pkg.name.split("/");
  const revoked = version.revoked;
  return html`<div class="with-sidebar">
      <div>
        <nav aria-label="Breadcrumb" class="breadcrumbs">
          <ol>
            <li><a href="/search">Packages</a></li>
            <li><a href=${identityPath(author)}>${author}</a></li>
            <li><a href=${packagePath(pkg.name)}>${project}</a></li>
          </ol>
        </nav>
        <h1>${pkg.name}</h1>
        <p class="summary">${pkg.summary}</p>
        ${
          revoked
            ? html`<div class="notice revoked" role="note">
                <p>
                  <strong>Version ${version.version} was revoked</strong> on ${day(revoked.at)}: its
                  bundle is gone and it cannot be installed.
                </p>
                <p>Reason given: ${revoked.reason}</p>
              </div>`
            : null
        }
        ${
          pkg.private
            ? html`<div class="notice private" role="note">
                <p>
                  <strong>Private package.</strong> Only members of
                  <a href=${identityPath(author)}>${author}</a> can see and install it.
                </p>
              </div>`
            : null
        }
        <dl class="facts">
          <dt>Version</dt>
          <dd>${version.version}${release.isLatest ? " (latest)" : null}</dd>
          <dt>Published</dt>
          <dd>${day(version.publishedAt)}</dd>
          <dt>Licence</dt>
          <dd>${pkg.license}</dd>
          <dt>Gren versions</dt>
          <dd><code>${release.grenVersion}</code></dd>
          <dt>Platform</dt>
          <dd>${release.platform}</dd>
          ${logFact(pkg.name, version.version, release.logIndex)}
        </dl>
        ${revoked ? null : installSection(pkg.name)}
        ${changesSection(version.changes, version.misnumbered, release.changeSentences)}
        ${" "}${modulesSection(release)}
        ${dependenciesSection(release)}
      </div>
      <nav class="sidebar" aria-labelledby="versions-heading">
        <h2 id="versions-heading">Versions</h2>
        ${versionList(pkg.name, pkg.versions, version.version)}
      </nav>
    </div>`;
}

/** Where the version's publish sits in the transparency log, and the proof that it does. */
function logFact(name: string, version: string, index: number | undefined): VNode | null {
  if (index === undefined) return null;
  const proof = `/log/proof/inclusion?${new URLSearchParams({ package: name, version })}`;
  return html`<dt>Transparency log</dt>
    <dd>entry ${index} (<a href=${proof}>inclusion proof</a>)</dd>`;
}

function installSection(name: string): VNode {
  return html`<section aria-labelledby="install-heading">
    <h2 id="install-heading">Install</h2>
    <p>In your project's folder, with the Gren compiler or the registry's command-line client:</p>
    ${installCommands(name).map((command) => html`<pre><code>${command}</code></pre>`)}
  </section>`;
}

function modulesSection(release: Release): VNode {
  const { package: pkg, version } = release;
  const live = version.revoked === null;
  const pending = live && release.documented === undefined;
  const moduleItem = (module: string) =>
    html`<li>
      ${
        live && release.documented?.has(module)
          ? html`<a href=${modulePath(pkg.name, version.version, module)}>${module}</a>`
          : module
      }
    </li>`;
  const groups = release.moduleGroups.filter((group) => group.modules.length > 0);
  return html`<section aria-labelledby="modules-heading">
    <h2 id="modules-heading">Modules</h2>
    ${live ? null : html`<p>The documentation went with the revoked bundle.</p>`}
    ${
      pending
        ? html`<p>The documentation of this version is still being made; its modules' pages will follow shortly.</p>`
        : null
    }
    ${
      groups.length === 0
        ? html`<p>This package exposes no modules.</p>`
        : html`<div class="module-groups">
            ${groups.map(
              (group) => html`<div>
                ${group.title === undefined ? null : html`<h3>${group.title}</h3>`}
                <ul>
                  ${group.modules.map(moduleItem)}
                </ul>
              </div>`,
            )}
          </div>`
    }
  </section>`;
}

function dependenciesSection(release: Release): VNode {
  return html`<section aria-labelledby="dependencies-heading">
    <h2 id="dependencies-heading">Dependencies</h2>
    ${
      release.dependencies.length === 0
        ? html`<p>None.</p>`
        : html`<ul>
            ${release.dependencies.map(
              (dependency) => html`<li>
                <a href=${packagePath(dependency.name)}>${dependency.name}</a>${" "}
                <code>${dependency.range}</code>
              </li>`,
            )}
          </ul>`
    }
  </section>`;
}

/** A piece of a line after a space, or nothing. */
const withSpace = (piece: VNode | null): (string | VNode)[] | null =>
  piece === null ? null : [" ", piece];

/** Newest first, each a link; the one shown marked, revoked ones with their reason. */
function versionList(name: string, versions: readonly VersionSummary[], shown: string): VNode {
  const items: VNode[] = [];
  for (let index = versions.length - 1; index >= 0; index--) {
    const version = versions[index]!;
    items.push(html`<li>
      <a
        href=${versionPath(name, version.version)}
        aria-current=${version.version === shown ? "page" : undefined}
        >${version.version}</a
      >
      <span class="meta"> ${day(version.publishedAt)}</span>${withSpace(magnitudeBadge(version))}
      ${
        version.revoked
          ? html`<span class="reason revoked">Revoked: ${version.revoked.reason}</span>`
          : null
      }
    </li>`);
  }
  return html`<ol class="version-list">
    ${items}
  </ol>`;
}
