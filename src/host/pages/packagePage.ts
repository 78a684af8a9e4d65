import { html } from "htm/preact";
import type { VNode } from "preact";
import type { Release } from "../../core/documentation.ts";
import type { VersionSummary } from "../../wire/packages.ts";
import type { PublicAnswers } from "../http/publicAnswers.ts";
import { day, type Page, prerender, type Viewer } from "./layout.ts";
import {
  identityPath,
  LATEST_VERSION,
  modulePath,
  packageFeedPath,
  packagePath,
  versionPath,
  versionsPath,
} from "./paths.ts";
import { changesSection, magnitudeBadge } from "./versionChanges.ts";
import { docsSearch, installSection, notLatestBanner } from "./versionPieces.ts";

/** Versions named in the sidebar; the versions page lists them all. */
const RECENT_VERSIONS = 6;

/** How a count reads: 1,234. */
export const countText = (count: number): string => count.toLocaleString("en");

/** The feed of a package's versions, for a page's head. */
export const packageFeed = (name: string) => ({
  title: `New versions of ${name}`,
  href: packageFeedPath(name),
});

/**
 * A package, one version in detail: its README first, as crates.io and Elm
 * show it; beside it how to install it, its modules, dependencies, users,
 * downloads and latest versions.
 */
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
    feeds: [packageFeed(pkg.name)],
    main: kept.content(`${pkg.name}@${version.version}`, release.state, () =>
      prerender(packageContent(release)),
    ),
  };
}

function packageContent(release: Release): VNode {
  const { package: pkg, version } = release;
  const [author = "", project = ""] = pkg.name.split("/");
  const revoked = version.revoked;
  return html`<nav aria-label="Breadcrumb" class="breadcrumbs">
      <ol>
        <li><a href="/search">Packages</a></li>
        <li><a href=${identityPath(author)}>${author}</a></li>
        <li><a href=${packagePath(pkg.name)}>${project}</a></li>
        <li><a href=${versionPath(pkg.name, version.version)} aria-current="page">${version.version}</a></li>
      </ol>
    </nav>
    <div class="package-title">
      <h1>${pkg.name}</h1>
      <p class="version-badge">
        <span class="visually-hidden">Version </span>${version.version}${release.isLatest ? html`<span class="meta"> (latest)</span>` : null}
      </p>
    </div>
    <p class="summary">${pkg.summary}</p>
    ${notLatestBanner(pkg.name, version.version, release.latest, versionPath(pkg.name, LATEST_VERSION))}
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
    <div class="package-layout">
      <div class="package-main">
        ${changesSection(version.changes, version.misnumbered, release.changeSentences)}
        ${readmeSection(release)}
      </div>
      <div class="package-sidebar">
        ${revoked ? null : installSection(pkg.name, version.version, release.isLatest)}
        ${revoked || release.documented === undefined ? null : docsSearch(pkg.name, version.version)}
        ${modulesSection(release)} ${factsSection(release)} ${dependenciesSection(release)}
        ${usedBySection(release)} ${versionsSection(release)}
      </div>
    </div>`;
}

function readmeSection(release: Release): VNode {
  const { package: pkg, version } = release;
  if (release.readme === undefined) {
    return html`<section aria-labelledby="readme-heading" class="readme missing">
      <h2 id="readme-heading">README</h2>
      <p>
        ${
          version.revoked
            ? "The README went with the revoked bundle."
            : `${pkg.name} ${version.version} was published without a README.`
        }
        ${" "}Its summary: ${pkg.summary}
      </p>
    </section>`;
  }
  return html`<section aria-labelledby="readme-heading" class="readme">
    <h2 id="readme-heading" class="visually-hidden">README</h2>
    <div class="markdown" dangerouslySetInnerHTML=${{ __html: release.readme }} />
  </section>`;
}

function factsSection(release: Release): VNode {
  const { package: pkg, version } = release;
  const thisVersion = release.downloads.versions.get(version.version) ?? 0;
  return html`<section aria-labelledby="facts-heading">
    <h2 id="facts-heading">About ${version.version}</h2>
    <dl class="facts">
      <dt>Published</dt>
      <dd>${day(version.publishedAt)}</dd>
      <dt>Licence</dt>
      <dd>${pkg.license}</dd>
      <dt>Gren versions</dt>
      <dd><code>${release.grenVersion}</code></dd>
      <dt>Platform</dt>
      <dd>${release.platform}</dd>
      <dt>Downloads</dt>
      <dd>
        ${countText(thisVersion)} of this version, ${countText(release.downloads.total)} in all
      </dd>
      ${logFact(pkg.name, version.version, release.logIndex)}
    </dl>
  </section>`;
}

/** Where the version's publish sits in the transparency log, and the proof that it does. */
function logFact(name: string, version: string, index: number | undefined): VNode | null {
  if (index === undefined) return null;
  const proof = `/log/proof/inclusion?${new URLSearchParams({ package: name, version })}`;
  return html`<dt>Transparency log</dt>
    <dd>entry ${index} (<a href=${proof}>inclusion proof</a>)</dd>`;
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

/** The packages whose latest version depends on this one. */
function usedBySection(release: Release): VNode {
  const { usedBy } = release;
  const more = usedBy.count - usedBy.packages.length;
  return html`<section aria-labelledby="used-by-heading">
    <h2 id="used-by-heading">Used by</h2>
    ${
      usedBy.count === 0
        ? html`<p>No package's latest version depends on ${usedBy.name} yet.</p>`
        : html`<p class="meta">
              ${countText(usedBy.count)} package${usedBy.count === 1 ? "'s" : "s'"} latest
              version${usedBy.count === 1 ? " depends" : "s depend"} on it.
            </p>
            <ul class="used-by">
              ${usedBy.packages.map(
                (user) => html`<li>
                  <a href=${packagePath(user.name)}>${user.name}</a>
                  ${user.latest === null ? null : html`<span class="meta"> ${user.latest}</span>`}
                </li>`,
              )}
            </ul>
            ${more > 0 ? html`<p class="meta">and ${countText(more)} more.</p>` : null}`
    }
  </section>`;
}

function versionsSection(release: Release): VNode {
  const { package: pkg, version } = release;
  return html`<nav aria-labelledby="versions-heading">
    <h2 id="versions-heading">Versions</h2>
    ${versionList(pkg.name, pkg.versions.slice(-RECENT_VERSIONS), version.version)}
    <p>
      <a href=${versionsPath(pkg.name)}>All versions (${pkg.versions.length})</a>
      ${" · "}<a href=${packageFeedPath(pkg.name)}>Atom feed</a>
    </p>
  </nav>`;
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
