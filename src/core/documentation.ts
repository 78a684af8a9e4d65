// What the package website shows of a package: one version's outline read
// for people (its modules in their groups, its dependencies), and the
// documentation of its modules, read from the version's bundle. Both go
// through the same rules as the API, so a page shows nothing the viewer could
// not download: private packages only to members, no docs of revoked versions.

import { type ModuleDocs, type ModuleProblem, packageDocs } from "../gren/docs.ts";
import { isModuleName, packageKey } from "../gren/names.ts";
import { exposedModuleNames } from "../gren/outline.ts";
import { isJsonObject, type JsonObject } from "../gren/wording.ts";
import type { Database } from "../ports/database.ts";
import type { Gzip } from "../ports/gzip.ts";
import { ok, type Result } from "../result.ts";
import type { PackageView, VersionView } from "../wire/packages.ts";
import { findVisiblePackage, type PackageLookupError } from "./packages.ts";
import { versionsOf } from "./stores/packages.ts";
import type { User } from "./stores/users.ts";
import { publishLogIndex } from "./transparencyLog.ts";
import {
  type DownloadError,
  downloadBundle,
  type VersionAddress,
  type VersionLookupError,
  versionOf,
} from "./versions.ts";
import { packageView, versionText, versionView } from "./views.ts";

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
  /** The index of the transparency log's entry for the version's publish. */
  logIndex: number | undefined;
}

export interface VersionDocumentation {
  name: string;
  version: string;
  moduleGroups: ModuleGroup[];
  /** The exposed Gren modules, in the order the outline lists them. */
  modules: ModuleDocs[];
  /** What the documentation reader could not make sense of; the compiler checks docs more strictly. */
  problems: ModuleProblem[];
}

/**
 * A package and one of its versions, as its page shows them. Without a
 * version, the highest one not revoked, or the highest of all when every
 * version was revoked, so that the page still says why.
 */
export function describeRelease(
  db: Database,
  input: { author: string; project: string; version: string | undefined },
  viewer: User | undefined,
): Result<Release, PackageLookupError | VersionLookupError> {
  const found = findVisiblePackage(db, input.author, input.project, viewer);
  if (!found.ok) return found;
  const { head } = found.value;
  if (head === undefined) {
    throw new Error(`The package ${input.author}/${input.project} has no versions`);
  }
  const pkg = packageView(found.value, versionsOf(db, found.value.id));
  const shown = input.version ?? versionText(head.latestKey ?? head.highestKey);
  const record = versionOf(db, found.value, shown);
  if (!record.ok) return record;
  const version = versionView(found.value, record.value);
  const outline = version.outline;
  return ok({
    package: pkg,
    state: { packageKey: packageKey(found.value.name), changeSeq: head.changeSeq },
    version,
    isLatest: head.latestKey !== undefined && versionText(head.latestKey) === version.version,
    moduleGroups: moduleGroupsOf(outline),
    dependencies: dependenciesOf(outline),
    grenVersion: textField(outline, "gren-version"),
    platform: textField(outline, "platform"),
    logIndex: publishLogIndex(
      db,
      { author: input.author, project: input.project, version: shown },
      viewer,
    ),
  });
}

/**
 * The documentation of every module a version exposes, read from its bundle.
 * The bundle was checked when it was published, so one that no longer unpacks
 * is damage, not a user's mistake, and throws.
 */
export function documentVersion(
  ports: { db: Database; gzip: Gzip },
  address: VersionAddress,
  viewer: User | undefined,
  limits: { maxUnpackedBytes: number },
): Result<VersionDocumentation, DownloadError> {
  const download = downloadBundle(ports.db, address, viewer);
  if (!download.ok) return download;
  const unpacked = ports.gzip.gunzip(download.value.bytes, limits.maxUnpackedBytes);
  if (!unpacked.ok) {
    throw new Error(
      `The stored bundle ${download.value.sha256} no longer unpacks (${unpacked.reason})`,
    );
  }
  const contents: unknown = JSON.parse(new TextDecoder().decode(unpacked.bytes));
  const outline = isJsonObject(contents) && isJsonObject(contents.outline) ? contents.outline : {};
  const sources = isJsonObject(contents) && isJsonObject(contents.sources) ? contents.sources : {};
  const docs = packageDocs(sources, exposedModuleNames(outline));
  return ok({
    name: textField(outline, "name"),
    version: textField(outline, "version"),
    moduleGroups: moduleGroupsOf(outline),
    modules: docs.modules,
    problems: docs.problems,
  });
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
