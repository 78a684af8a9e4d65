import { html } from "htm/preact";
import type { VNode } from "preact";
import type { Release } from "../../core/documentation.ts";
import type { VersionSummary } from "../../wire/packages.ts";
import type { PublicAnswers } from "../http/publicAnswers.ts";
import { day, type Page, prerender, type Viewer } from "./layout.ts";
import { countText, packageFeed } from "./packagePage.ts";
import { identityPath, packagePath, versionPath, versionsPath } from "./paths.ts";
import { magnitudeBadge } from "./versionChanges.ts";

// Every version of a package, newest first: when each was published, how far
// its API moved from the version it bumps (linking to what changed, on its
// own page), which compilers it works with, how often it was downloaded, and
// whether it was revoked.

/** One row of the versions table. */
interface VersionRow {
  version: VersionSummary;
  downloads: number;
  latest: boolean;
}

export function versionsPage(
  release: Release,
  viewer: Viewer | undefined,
  kept: PublicAnswers,
): Page {
  const { package: pkg } = release;
  return {
    title: `Versions of ${pkg.name}`,
    description: `Every version of ${pkg.name}: when it was published, how far its API moved, and which Gren versions it works with`,
    viewer,
    feeds: [packageFeed(pkg.name)],
    main: kept.content(`${pkg.name} versions`, release.state, () =>
      prerender(versionsContent(release)),
    ),
  };
}

function versionsContent(release: Release): VNode {
  const { package: pkg } = release;
  const [author = "", project = ""] = pkg.name.split("/");
  const rows: VersionRow[] = [...pkg.versions].reverse().map((version) => ({
    version,
    downloads: release.downloads.versions.get(version.version) ?? 0,
    latest: version.version === release.latest,
  }));
  return html`<nav aria-label="Breadcrumb" class="breadcrumbs">
      <ol>
        <li><a href="/search">Packages</a></li>
        <li><a href=${identityPath(author)}>${author}</a></li>
        <li><a href=${packagePath(pkg.name)}>${project}</a></li>
        <li><a href=${versionsPath(pkg.name)} aria-current="page">Versions</a></li>
      </ol>
    </nav>
    <h1>Versions of ${pkg.name}</h1>
    <p class="summary">${pkg.summary}</p>
    <p class="meta">
      ${rows.length} version${rows.length === 1 ? "" : "s"}, downloaded
      ${" "}${countText(release.downloads.total)} time${release.downloads.total === 1 ? "" : "s"} in
      all.
    </p>
    <div class="table-scroll" role="region" aria-labelledby="versions-table-caption" tabindex="0">
      <table class="versions-table">
        <caption id="versions-table-caption" class="visually-hidden">
          Every version of ${pkg.name}, newest first
        </caption>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Published</th>
            <th scope="col">Change</th>
            <th scope="col">Gren versions</th>
            <th scope="col" class="number">Downloads</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          ${rows.map(versionRow(pkg.name))}
        </tbody>
      </table>
    </div>`;
}

const versionRow =
  (name: string) =>
  ({ version, downloads, latest }: VersionRow): VNode =>
    html`<tr class=${version.revoked ? "revoked-row" : undefined}>
      <th scope="row"><a href=${versionPath(name, version.version)}>${version.version}</a></th>
      <td data-label="Published">${day(version.publishedAt)}</td>
      <td data-label="Change">${changeLink(name, version)}</td>
      <td data-label="Gren versions"><code>${version.grenVersion}</code></td>
      <td data-label="Downloads" class="number">${countText(downloads)}</td>
      <td data-label="Status">
        ${
          version.revoked
            ? html`<span class="reason revoked">Revoked ${day(version.revoked.at)}: ${version.revoked.reason}</span>`
            : latest
              ? html`<strong>Latest</strong>`
              : null
        }
      </td>
    </tr>`;

/** How far the version moved from the one it bumps, linking to what changed; nothing for a first version. */
function changeLink(name: string, version: VersionSummary): VNode | null {
  const badge = magnitudeBadge(version);
  return (
    badge && html`<a href=${`${versionPath(name, version.version)}#changes-heading`}>${badge}</a>`
  );
}
