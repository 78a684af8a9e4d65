import { type ApiChanges, withoutComments } from "../gren/apiChanges.ts";
import { formatPackageName, type PackageName } from "../gren/names.ts";
import { formatRange, formatVersion, type Version, versionFromKey } from "../gren/semver.ts";
import type { Decision } from "../gren/versionBump.ts";
import type { ChosenVersion } from "../ports/resolver.ts";
import type {
  ApiChangesView,
  ChangedModules,
  Misnumbered,
  VersionChanges,
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
import type { ChangesRecord, ChangesSummaryRecord } from "./stores/versionChanges.ts";
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

/** Each version's changes as a package's versions list them, by version key. */
export type ChangesSummaries = ReadonlyMap<number, ChangesSummaryRecord>;

export const versionSummaryView = (
  version: VersionSummaryRecord,
  changes: ChangesSummaryRecord | undefined,
): VersionSummary => ({
  version: versionText(version.versionKey),
  publishedAt: isoTime(version.publishedAt),
  grenVersion: grenVersionText(version),
  sha256: version.sha256,
  size: version.size,
  revoked: revocationView(version.revoked),
  magnitude: changes?.magnitude ?? null,
  misnumbered: misnumberedView(changes),
});

export const packageView = (
  pkg: PackageRecord,
  versions: readonly VersionSummaryRecord[],
  changes: ChangesSummaries,
): PackageView => ({
  name: formatPackageName(pkg.name),
  summary: pkg.summary,
  license: pkg.license,
  private: pkg.private,
  versions: versions.map((version) => versionSummaryView(version, changes.get(version.versionKey))),
});

export const versionView = (
  pkg: PackageRecord,
  version: VersionRecord,
  changes: ChangesRecord | undefined,
): VersionView => ({
  name: formatPackageName(pkg.name),
  version: versionText(version.versionKey),
  publishedAt: isoTime(version.publishedAt),
  sha256: version.sha256,
  size: version.size,
  outline: JSON.parse(version.outline) as VersionView["outline"],
  revoked: revocationView(version.revoked),
  changes: versionChangesView(changes),
  misnumbered: misnumberedView(changes && summaryOf(changes)),
});

/** What changed since the version it bumps, as decided when it was published. */
export function versionChangesView(record: ChangesRecord | undefined): VersionChanges | null {
  if (record === undefined) return null;
  const { comparison, history } = record;
  switch (comparison.kind) {
    case "first":
      return {
        since: null,
        magnitude: null,
        decidedBy: null,
        modules: null,
        unknown: null,
        history,
      };
    case "unknown":
      return {
        since: versionText(comparison.sinceKey),
        magnitude: null,
        decidedBy: null,
        modules: null,
        unknown: comparison.reason,
        history,
      };
    case "compared":
      return {
        since: versionText(comparison.sinceKey),
        magnitude: comparison.magnitude,
        decidedBy: comparison.decidedBy,
        modules: comparison.changes,
        unknown: null,
        history,
      };
  }
}

/** What a list of versions shows of one version's changes. */
export const summaryOf = ({
  comparison,
  calledForKey,
}: Pick<ChangesRecord, "comparison" | "calledForKey">): ChangesSummaryRecord => ({
  sinceKey: comparison.kind === "first" ? undefined : comparison.sinceKey,
  magnitude: comparison.kind === "compared" ? comparison.magnitude : undefined,
  calledForKey,
});

/** A version brought in as history whose number its API did not call for; null for any other. */
export function misnumberedView(changes: ChangesSummaryRecord | undefined): Misnumbered | null {
  if (changes?.calledForKey === undefined) return null;
  const { sinceKey, magnitude } = changes;
  if (sinceKey === undefined || magnitude === undefined) return null;
  return { since: versionText(sinceKey), magnitude, calledFor: versionText(changes.calledForKey) };
}

export const indexEntryView = (
  entry: IndexEntryRecord,
  logIndex: number,
  changes: ChangesSummaryRecord | undefined,
): IndexEntry => ({
  version: versionText(entry.versionKey),
  grenVersion: grenVersionText(entry),
  platform: entry.platform,
  dependencies: JSON.parse(entry.dependencies) as IndexEntry["dependencies"],
  sha256: entry.sha256,
  size: entry.size,
  logIndex,
  revoked: revocationView(entry.revoked),
  misnumbered: misnumberedView(changes),
});

/** `logIndexes`: the log index of each version's publication, by version key; `changes`: what each version changed. */
export const packageIndexView = (
  pkg: PackageRecord,
  entries: readonly IndexEntryRecord[],
  logIndexes: ReadonlyMap<number, number>,
  changes: ChangesSummaries,
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
    return indexEntryView(entry, logIndex, changes.get(entry.versionKey));
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

/**
 * The API changes from `from` to `to`, and the magnitude they call for (the
 * API's own, unless `decision` says the compilers decide); doc comments stay
 * out, being no part of the API.
 */
export const apiChangesView = (
  from: Version,
  to: Version,
  changes: ApiChanges,
  decision: Decision = { magnitude: changes.magnitude, decidedBy: "api" },
): ApiChangesView => ({
  from: formatVersion(from),
  to: formatVersion(to),
  magnitude: decision.magnitude,
  decidedBy: decision.decidedBy,
  modules: changedModulesView(changes),
});

/** Each module's changes, without doc comments. */
export const changedModulesView = (changes: ApiChanges): ChangedModules => withoutComments(changes);

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
