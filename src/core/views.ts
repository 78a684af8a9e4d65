import type { ApiChanges, Changes } from "../gren/apiChanges.ts";
import type { AliasDocs, BinopDocs, UnionDocs, ValueDocs } from "../gren/docsJson.ts";
import { formatPackageName, type PackageName } from "../gren/names.ts";
import { formatRange, formatVersion, type Version, versionFromKey } from "../gren/semver.ts";
import type { ChosenVersion } from "../ports/resolver.ts";
import type {
  AliasApi,
  ApiChangesView,
  BinopApi,
  ModuleChangesView,
  UnionApi,
  ValueApi,
} from "../wire/apiChanges.ts";
import type { FeedEvent } from "../wire/feed.ts";
import type { MirroredPackages, MirrorManifest } from "../wire/mirror.ts";
import type {
  IndexEntry,
  ListedPackage,
  PackageIndex,
  PackageView,
  Revocation,
  VersionSummary,
  VersionView,
} from "../wire/packages.ts";
import type { Resolution } from "../wire/resolve.ts";
import type { PublicEventRecord } from "./stores/events.ts";
import type {
  IndexEntryRecord,
  ListedRecord,
  PackageRecord,
  RevocationRecord,
  VersionRecord,
  VersionSummaryRecord,
} from "./stores/packages.ts";
import { isoTime } from "./time.ts";

// The one place where records become the JSON of an answer: each function
// fixes the shape of one wire type, so no route or rule builds answers itself.

export const versionText = (key: number): string => formatVersion(versionFromKey(key));

export const revocationView = (revoked: RevocationRecord | undefined): Revocation | null =>
  revoked === undefined ? null : { at: isoTime(revoked.at), reason: revoked.reason };

const grenVersionText = (version: { grenLower: number; grenUpper: number }): string =>
  formatRange({
    lower: versionFromKey(version.grenLower),
    upper: versionFromKey(version.grenUpper),
  });

export const versionSummaryView = (version: VersionSummaryRecord): VersionSummary => ({
  version: versionText(version.versionKey),
  publishedAt: isoTime(version.publishedAt),
  grenVersion: grenVersionText(version),
  sha256: version.sha256,
  size: version.size,
  revoked: revocationView(version.revoked),
});

export const packageView = (
  pkg: PackageRecord,
  versions: readonly VersionSummaryRecord[],
): PackageView => ({
  name: formatPackageName(pkg.name),
  summary: pkg.summary,
  license: pkg.license,
  private: pkg.private,
  versions: versions.map(versionSummaryView),
});

export const versionView = (pkg: PackageRecord, version: VersionRecord): VersionView => ({
  name: formatPackageName(pkg.name),
  version: versionText(version.versionKey),
  publishedAt: isoTime(version.publishedAt),
  sha256: version.sha256,
  size: version.size,
  outline: JSON.parse(version.outline) as VersionView["outline"],
  revoked: revocationView(version.revoked),
});

export const indexEntryView = (entry: IndexEntryRecord, logIndex: number): IndexEntry => ({
  version: versionText(entry.versionKey),
  grenVersion: grenVersionText(entry),
  platform: entry.platform,
  dependencies: JSON.parse(entry.dependencies) as IndexEntry["dependencies"],
  sha256: entry.sha256,
  size: entry.size,
  logIndex,
  revoked: revocationView(entry.revoked),
});

/** `logIndexes`: the log index of each version's publication, by version key. */
export const packageIndexView = (
  pkg: PackageRecord,
  entries: readonly IndexEntryRecord[],
  logIndexes: ReadonlyMap<number, number>,
): PackageIndex => ({
  name: formatPackageName(pkg.name),
  private: pkg.private,
  versions: entries.map((entry) => {
    const logIndex = logIndexes.get(entry.versionKey);
    if (logIndex === undefined) {
      throw new Error(
        `${formatPackageName(pkg.name)} ${versionText(entry.versionKey)} is not in the log`,
      );
    }
    return indexEntryView(entry, logIndex);
  }),
});

/** The chosen versions, by package name in the order given. */
export const resolutionView = (chosen: readonly ChosenVersion[]): Resolution => ({
  packages: Object.fromEntries(
    chosen.map((version) => [
      formatPackageName(version.name),
      { version: versionText(version.versionKey), sha256: version.sha256, size: version.size },
    ]),
  ),
});

export const listedPackageView = (listed: ListedRecord): ListedPackage => ({
  name: listed.name,
  summary: listed.summary,
  latest: listed.latestKey === undefined ? null : versionText(listed.latestKey),
});

export const feedEventView = (event: PublicEventRecord): FeedEvent => ({
  seq: event.seq,
  type: event.type,
  name: formatPackageName(event.name as PackageName),
  version: versionText(event.versionKey),
  at: isoTime(event.at),
});

/** The API changes from `from` to `to`; doc comments stay out, being no part of the API. */
export const apiChangesView = (
  from: Version,
  to: Version,
  changes: ApiChanges,
): ApiChangesView => ({
  from: formatVersion(from),
  to: formatVersion(to),
  magnitude: changes.magnitude,
  modules: {
    added: changes.modules.added,
    removed: changes.modules.removed,
    changed: changes.modules.changed.map(
      (module): ModuleChangesView => ({
        name: module.name,
        magnitude: module.magnitude,
        unions: changesView(module.unions, unionApi),
        aliases: changesView(module.aliases, aliasApi),
        values: changesView(module.values, valueApi),
        binops: changesView(module.binops, binopApi),
      }),
    ),
  },
});

const changesView = <T, V>(changes: Changes<T>, view: (docs: T) => V) => ({
  added: changes.added.map(view),
  changed: changes.changed.map((change) => ({ old: view(change.old), new: view(change.new) })),
  removed: changes.removed.map(view),
});

const unionApi = ({ name, args, cases }: UnionDocs): UnionApi => ({ name, args, cases });
const aliasApi = ({ name, args, type }: AliasDocs): AliasApi => ({ name, args, type });
const valueApi = ({ name, type }: ValueDocs): ValueApi => ({ name, type });
const binopApi = ({ name, type, associativity, precedence }: BinopDocs): BinopApi => ({
  name,
  type,
  associativity,
  precedence,
});

/** `packages/index` of the static mirror: each public package and its latest version. */
export const mirroredPackagesView = (packages: readonly PackageRecord[]): MirroredPackages => ({
  packages: packages.map((pkg) => ({
    name: formatPackageName(pkg.name),
    latest: pkg.head?.latestKey === undefined ? null : versionText(pkg.head.latestKey),
  })),
});

export const mirrorManifestView = (manifest: {
  change: number;
  packages: number;
  versions: number;
  files: readonly string[];
  at: number;
}): MirrorManifest => ({
  format: 1,
  change: manifest.change,
  packages: manifest.packages,
  versions: manifest.versions,
  files: [...manifest.files],
  writtenAt: isoTime(manifest.at),
});
