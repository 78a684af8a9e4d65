// What the package website shows of a package: one version's outline read
// for people (its modules in their groups, its dependencies), and the
// documentation of its modules and its docs.json, as stored when it was
// published. Both go through the same rules as the API, so a page shows
// nothing the viewer could not download: private packages only to members,
// no docs of revoked versions.

import { formatPackageName, isModuleName, type PackageName, packageKey } from "../gren/names.ts";
import { type Version, versionFromKey } from "../gren/semver.ts";
import { isJsonObject, type JsonObject } from "../gren/wording.ts";
import type { Database } from "../ports/database.ts";
import { err, ok, type Result } from "../result.ts";
import type { PackageView, VersionView } from "../wire/packages.ts";
import type { Dependents } from "../wire/usage.ts";
import type { VersionAddress } from "./address.ts";
import { findVisiblePackage, type PackageLookupError } from "./packages.ts";
import { versionDownloads } from "./stores/downloads.ts";
import { type PackageRecord, type VersionRecord, versionsOf } from "./stores/packages.ts";
import { findReadme } from "./stores/readmes.ts";
import type { User } from "./stores/users.ts";
import { changesSummariesOf, findVersionChanges } from "./stores/versionChanges.ts";
import {
  documentedModules,
  findModulePage,
  findVersionDocs,
  hasVersionDocs,
} from "./stores/versionDocs.ts";
import { publishLogIndex } from "./transparencyLog.ts";
import { dependentsView } from "./usage.ts";
import {
  type DownloadError,
  findVisibleVersion,
  type VersionLookupError,
  versionOf,
} from "./versions.ts";
import { packageView, revocationView, versionText, versionView } from "./views.ts";

/** Exposed modules under one heading of the outline; a plain list is one group without a title. */
export interface ModuleGroup {
  title: string | undefined;
  modules: string[];
}

export interface Dependency {
  name: string;
  range: string;
}

/** A package as its page shows it: every version, and one of them in detail. */
export interface Release {
  package: PackageView;
  /** The package as the database keys it, and the change that last moved it. */
  state: { packageKey: string; changeSeq: number };
  /** The version shown: the one asked for, else the highest not revoked, else the highest. */
  version: VersionView;
  /** Whether no higher version is live: the one `gren package install` would pick today. */
  isLatest: boolean;
  moduleGroups: ModuleGroup[];
  dependencies: Dependency[];
  grenVersion: string;
  platform: string;
  /** The modules that have a page; undefined while the version's docs are still being made. */
  documented: ReadonlySet<string> | undefined;
  /** The index of the transparency log's entry for the version's publish. */
  logIndex: number | undefined;
  /** The highest live version, when there is one: the one a page that is not the latest points to. */
  latest: string | undefined;
  /** The version's README, rendered when it was published; undefined when it came without one. */
  readme: string | undefined;
  /** The packages whose latest version depends on this one, the first of them. */
  usedBy: Dependents;
  /** Downloads of the package's bundles: in all, and of each version by its text. */
  downloads: { total: number; versions: ReadonlyMap<string, number> };
  /** Each change since the version it bumps, in words, as stored when it was published. */
  changeSentences: string[];
}

/** At most this many packages are named on a package's page as using it. */
const USED_BY_SHOWN = 30;

/** What a page's address says for "the latest version, whichever it is". */
export const LATEST = "latest";

/** A version, or the latest one, whichever it is: what a page's address may name. */
export type VersionChoice = Version | typeof LATEST;

/** The version a choice names: `latest` is the highest live one, or the highest when none is live. */
export function namedVersion(pkg: PackageRecord, version: VersionChoice): Version {
  if (version !== LATEST) return version;
  if (pkg.head === undefined) {
    throw new Error(`The package ${formatPackageName(pkg.name)} has no versions`);
  }
  return versionFromKey(pkg.head.latestKey ?? pkg.head.highestKey);
}

/**
 * A package and one of its versions, as its page shows them. Without a
 * version, the highest one not revoked, or the highest of all when every
 * version was revoked, so that the page still says why.
 */
export function describeRelease(
  db: Database,
  input: { name: PackageName; version: VersionChoice | undefined },
  viewer: User | undefined,
): Result<Release, PackageLookupError | VersionLookupError> {
  const found = findVisiblePackage(db, input.name, viewer);
  if (!found.ok) return found;
  const { head } = found.value;
  if (head === undefined) {
    throw new Error(`The package ${formatPackageName(input.name)} has no versions`);
  }
  const pkg = packageView(
    found.value,
    versionsOf(db, found.value.id),
    changesSummariesOf(db, found.value.id),
  );
  const shown = namedVersion(found.value, input.version ?? LATEST);
  const record = versionOf(db, found.value, shown);
  if (!record.ok) return record;
  const changes = findVersionChanges(db, record.value.id);
  const version = versionView(found.value, record.value, changes);
  const outline = version.outline;
  const versionId = record.value.id;
  return ok({
    package: pkg,
    state: { packageKey: packageKey(found.value.name), changeSeq: head.changeSeq },
    version,
    isLatest: head.latestKey !== undefined && versionText(head.latestKey) === version.version,
    moduleGroups: moduleGroupsOf(outline),
    dependencies: dependenciesOf(outline),
    grenVersion: textField(outline, "gren-version"),
    platform: textField(outline, "platform"),
    documented: hasVersionDocs(db, versionId)
      ? new Set(documentedModules(db, versionId))
      : undefined,
    logIndex: publishLogIndex(db, { name: input.name, version: shown }, viewer),
    latest: head.latestKey === undefined ? undefined : versionText(head.latestKey),
    readme: findReadme(db, versionId)?.html,
    usedBy: dependentsView(db, found.value, viewer, USED_BY_SHOWN),
    downloads: downloadTotals(db, found.value.id),
    changeSentences: changes?.comparison.kind === "compared" ? changes.comparison.sentences : [],
  });
}

function downloadTotals(
  db: Database,
  packageId: number,
): { total: number; versions: ReadonlyMap<string, number> } {
  const versions = new Map<string, number>();
  let total = 0;
  for (const [key, count] of versionDownloads(db, packageId)) {
    versions.set(versionText(key), count);
    total += count;
  }
  return { total, versions };
}

/**
 * Why a version's documentation cannot be shown: the version cannot be seen,
 * or was revoked (its pages went with its bundle), or its docs are still being
 * made from a bundle published before the registry kept them, or could not be.
 */
export type DocsError =
  | DownloadError
  | { kind: "docs_pending"; name: string; version: string }
  | { kind: "docs_refused"; name: string; version: string; reasons: string[] }
  | { kind: "no_such_module"; name: string; version: string; module: string };

/** What a module's page shows: the module's stored article, among the version's modules. */
export interface ModuleDocumentation {
  name: string;
  version: string;
  moduleGroups: ModuleGroup[];
  /** The modules that have a page. */
  documented: ReadonlySet<string>;
  module: string;
  article: string;
  /** The highest live version, when there is one. */
  latest: string | undefined;
}

/** One module's documentation, as stored when the version was published. */
export function documentModule(
  db: Database,
  address: { name: PackageName; version: VersionChoice },
  module: string,
  viewer: User | undefined,
): Result<ModuleDocumentation, DocsError> {
  // A page at `latest` shows the latest version's module, so that links to it stay current.
  const visible = findVisiblePackage(db, address.name, viewer);
  if (!visible.ok) return visible;
  const found = documentedVersion(
    db,
    { name: address.name, version: namedVersion(visible.value, address.version) },
    viewer,
  );
  if (!found.ok) return found;
  const { name, version, record } = found.value;
  const article = findModulePage(db, record.id, module);
  if (article === undefined) return err({ kind: "no_such_module", name, version, module });
  return ok({
    name,
    version,
    moduleGroups: moduleGroupsOf(JSON.parse(record.outline) as JsonObject),
    documented: new Set(documentedModules(db, record.id)),
    module,
    article,
    latest:
      visible.value.head?.latestKey === undefined
        ? undefined
        : versionText(visible.value.head.latestKey),
  });
}

/** A version's docs.json, byte for byte as stored, the digest of the bundle it was made from, and whether anyone may keep a copy. */
export function versionDocsJson(
  db: Database,
  address: VersionAddress,
  viewer: User | undefined,
): Result<{ docsJson: string; sha256: string; private: boolean }, DocsError> {
  const found = documentedVersion(db, address, viewer);
  if (!found.ok) return found;
  const { docsJson, record } = found.value;
  return ok({ docsJson, sha256: record.sha256, private: found.value.private });
}

/** A live version the viewer may see, with its docs made. */
function documentedVersion(
  db: Database,
  address: VersionAddress,
  viewer: User | undefined,
): Result<
  { name: string; version: string; record: VersionRecord; docsJson: string; private: boolean },
  DocsError
> {
  const found = findVisibleVersion(db, address, viewer);
  if (!found.ok) return found;
  const { pkg, version: record } = found.value;
  const name = formatPackageName(pkg.name);
  const version = versionText(record.versionKey);
  const revoked = revocationView(record.revoked);
  if (revoked) return err({ kind: "revoked", name, version, revoked });
  const docs = findVersionDocs(db, record.id);
  if (docs === undefined) return err({ kind: "docs_pending", name, version });
  if (!docs.made) return err({ kind: "docs_refused", name, version, reasons: docs.refusal });
  return ok({ name, version, record, docsJson: docs.docsJson, private: pkg.private });
}

const textField = (outline: JsonObject, field: string): string => {
  const value = outline[field];
  return typeof value === "string" ? value : "";
};

const moduleNames = (list: unknown): string[] =>
  Array.isArray(list)
    ? list.filter((name): name is string => typeof name === "string" && isModuleName(name))
    : [];

/** `exposed-modules` is a list, or an object of titled lists that only shape the docs. */
function moduleGroupsOf(outline: JsonObject): ModuleGroup[] {
  const exposed = outline["exposed-modules"];
  if (Array.isArray(exposed)) return [{ title: undefined, modules: moduleNames(exposed) }];
  if (!isJsonObject(exposed)) return [];
  return Object.entries(exposed).map(([title, list]) => ({ title, modules: moduleNames(list) }));
}

function dependenciesOf(outline: JsonObject): Dependency[] {
  const dependencies = outline.dependencies;
  if (!isJsonObject(dependencies)) return [];
  return Object.entries(dependencies)
    .filter((entry): entry is [string, string] => typeof entry[1] === "string")
    .map(([name, range]) => ({ name, range }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}
