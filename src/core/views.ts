import { formatPackageName, type PackageName } from "../gren/names.ts";
import { formatRange, formatVersion, versionFromKey } from "../gren/semver.ts";
import type { FeedEvent } from "../wire/feed.ts";
import type {
  ListedPackage,
  PackageView,
  Revocation,
  VersionSummary,
  VersionView,
} from "../wire/packages.ts";
import type { PublicEventRecord } from "./stores/events.ts";
import type {
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

export const versionSummaryView = (version: VersionSummaryRecord): VersionSummary => ({
  version: versionText(version.versionKey),
  publishedAt: isoTime(version.publishedAt),
  grenVersion: formatRange({
    lower: versionFromKey(version.grenLower),
    upper: versionFromKey(version.grenUpper),
  }),
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
