import type { ComparedApis } from "../gren/apiComparison.ts";
import { formatPackageName, identityKey, type PackageName, packageKey } from "../gren/names.ts";
import type { Outline } from "../gren/outline.ts";
import { bundleFileName, installKey } from "../gren/packageLayout.ts";
import {
  formatRange,
  formatVersion,
  type Range,
  type Version,
  versionFromKey,
  versionKey,
} from "../gren/semver.ts";
import {
  bumpVersion,
  checkMagnitude,
  decideMagnitude,
  describeRefusal,
  type NextVersion,
  numberMagnitude,
  placeVersion,
  versionBelow,
} from "../gren/versionBump.ts";
import type { Database } from "../ports/database.ts";
import type { Ports } from "../ports/index.ts";
import { err, ok, type Result } from "../result.ts";
import type { Published } from "../wire/packages.ts";
import type { AccessError } from "./access.ts";
import type { VersionAddress } from "./address.ts";
import { summedUp } from "./bundle.ts";
import { uninstallableDependencies } from "./dependencies.ts";
import { dependencyApiLookup } from "./dependencyApis.ts";
import { commitWithEvents } from "./events.ts";
import { authorizeGranted, type Grant, type GrantError } from "./grants.ts";
import { queueMirrorUpdate } from "./mirror.ts";
import { type MachinePublication, machinePublishedNotice, tellAdmins } from "./notices.ts";
import { recordPackageHead } from "./packageHead.ts";
import type { PackageLookupError } from "./packages.ts";
import { recordAudit } from "./stores/audit.ts";
import { recordEvent } from "./stores/events.ts";
import type { Identity } from "./stores/identities.ts";
import {
  findPackage,
  findPackageInstalledAs,
  findVersion,
  insertPackage,
  insertVersion,
  type PackageRecord,
  showInListings,
  storeBlob,
} from "./stores/packages.ts";
import { storeReadme } from "./stores/readmes.ts";
import type { User } from "./stores/users.ts";
import { type Comparison, storeVersionChanges } from "./stores/versionChanges.ts";
import { storeVersionDocs } from "./stores/versionDocs.ts";
import { logChange } from "./transparencyLog.ts";
import { type Baseline, baselineOf, existingVersions } from "./versionApis.ts";
import { misnumberedView, summaryOf } from "./views.ts";

export interface PublishLimits {
  maxUnpackedBytes: number;
  /** Identities allowed to publish kernel (JavaScript) modules, which run unchecked. */
  kernelIdentities: readonly string[];
}

/**
 * An upload admitted: who publishes which version, under which identity,
 * decided from the address alone before its body is read. Publishing the
 * ticket's bytes asks nobody's permission again.
 */
export interface PublishTicket {
  publisher: User;
  /** The API token or trusted publisher the publisher acts through, if any. */
  grant: Grant | undefined;
  address: VersionAddress;
  identity: Identity;
  /**
   * Published as history (`?history=true`, by an admin): a version that
   * already exists elsewhere comes in with the number it has, which the
   * rules do not hold; its API is still compared, and a number that does not
   * match it is marked.
   */
  history: boolean;
  /**
   * The version its API is compared with, decided from the address: the one
   * it bumps, or for history the highest below it; none for a first version.
   */
  since: Version | undefined;
  /** Where a new version's number stands among the existing ones; none for history. */
  placement: NextVersion | undefined;
}

export type PublishError =
  | PackageLookupError
  | AccessError
  | GrantError
  | { kind: "author_spelling"; given: string; registered: string }
  | { kind: "version_exists"; name: string; version: string }
  | { kind: "invalid_bundle"; problems: string[] }
  | { kind: "unpacked_too_large"; limit: number }
  /** Installed, its bundles would land in the same file as another package's. */
  | { kind: "install_name_taken"; name: string; existing: string; file: string }
  /** History is brought in by people: a trusted publisher's workflow publishes new versions only. */
  | { kind: "history_by_workflow"; identity: string };

/**
 * Publishes one version from the bundle the compiler made, under a ticket
 * that admitted its upload. Everything is checked before anything is stored,
 * and the version, its bytes, its docs, the search index, the feed event and
 * the audit entry are written in one transaction. With a grant (an API token,
 * a trusted publisher), the identity's admins are told.
 */
export async function publishVersion(
  ports: Ports,
  ticket: PublishTicket,
  input: {
    bytes: Uint8Array;
    /** The package's README, sent beside the bundle. */
    readme?: Uint8Array | undefined;
    limits: PublishLimits;
  },
): Promise<Result<Published, PublishError>> {
  const { publisher, grant, identity } = ticket;
  const { name, version } = ticket.address;

  const baseline = ticket.since && baselineOf(ports.db, name, ticket.since);
  if (baseline?.kind === "pending" && !ticket.history) {
    return err({ kind: "invalid_bundle", problems: [baseline.reason] });
  }
  const dependencies = dependencyApiLookup(ports.db);
  const bundle = await ports.bundles.read(
    input.bytes,
    {
      name,
      version,
      maxUnpackedBytes: input.limits.maxUnpackedBytes,
      kernelAllowed: input.limits.kernelIdentities.some(
        (allowed) => identityKey(allowed) === identityKey(name.author),
      ),
    },
    dependencies.lookUp,
    {
      readme: input.readme,
      compareWith: baseline?.kind === "known" ? baseline.docsJson : undefined,
    },
  );
  let outline: Outline | undefined;
  let bundleProblems: string[] = [];
  if (bundle.ok) outline = bundle.value.outline;
  else if (bundle.error.kind === "too_large_unpacked") {
    return err({ kind: "unpacked_too_large", limit: bundle.error.limit });
  } else {
    // Refused, but read as far as its outline: the registry's checks still add their problems.
    outline = bundle.error.outline;
    bundleProblems = bundle.error.problems;
  }
  const now = ports.clock.now();
  const key = versionKey(version);
  const { db } = ports;

  const published = commitWithEvents(ports, (): Result<Published, PublishError> => {
    // Another upload of the same version may have been published while this one was read.
    const taken = versionTaken(db, ticket.address);
    if (taken) return err(taken);
    if (!outline) return err({ kind: "invalid_bundle", problems: bundleProblems });
    const existing = findPackage(db, packageKey(name));
    const clash = existing ? undefined : findPackageInstalledAs(db, installKey(name));
    // The bundle's own problems and the registry's, of every kind, in one answer.
    const compared = bundle.ok ? bundle.value.compared : undefined;
    const numbered = judgeNumber(db, ticket, baseline, compared, outline.grenVersion);
    const problems = [
      ...bundleProblems,
      ...visibilityProblems(name, existing, outline),
      ...uninstallableDependencies(db, { name, identityId: identity.id, outline }, publisher),
      ...(numbered.ok ? [] : numbered.error),
      ...awaitedProblems(ticket, dependencies.awaited()),
    ];
    if (problems.length > 0 || !bundle.ok || !numbered.ok) {
      if (clash) problems.push(installClashProblem(name, version, clash));
      return err({ kind: "invalid_bundle", problems: summedUp(problems) });
    }
    if (clash) {
      // Two packages whose bundles would share one file cannot both be installed.
      return err({
        kind: "install_name_taken",
        name: formatPackageName(name),
        existing: formatPackageName(clash.name),
        file: bundleFileName(name, version),
      });
    }
    const { modules, sha256 } = bundle.value;
    const packageId =
      existing?.id ??
      insertPackage(db, {
        identityId: identity.id,
        project: name.project,
        key: packageKey(name),
        installKey: installKey(name),
        private: outline.private,
        summary: outline.summary,
        license: outline.license,
        createdAt: now,
      });

    storeBlob(db, sha256, input.bytes);
    insertVersion(db, {
      packageId,
      versionKey: key,
      grenLower: versionKey(outline.grenVersion.lower),
      grenUpper: versionKey(outline.grenVersion.upper),
      platform: outline.platform,
      dependencies: JSON.stringify(
        Object.fromEntries(
          outline.dependencies.map((d) => [formatPackageName(d.name), formatRange(d.range)]),
        ),
      ),
      outline: JSON.stringify(bundle.value.outlineJson),
      sha256,
      size: input.bytes.byteLength,
      publishedAt: now,
      publisherId: publisher.id,
    });
    recordEvent(db, { type: "published", packageId, versionKey: key, at: now });
    storeVersionDocs(db, { packageId, versionKey: key }, bundle.value.docs, {
      at: now,
      awaiting: dependencies.awaited(),
    });
    const { readme } = bundle.value;
    if (readme) storeReadme(db, { packageId, versionKey: key }, readme);
    storeVersionChanges(db, { packageId, versionKey: key }, numbered.value);
    queueMirrorUpdate(ports, { packageId, versionKey: key });
    if (recordPackageHead(db, packageId).highestKey === key) {
      showInListings(db, packageId, {
        name: formatPackageName(name),
        summary: outline.summary,
        license: outline.license,
        modules,
      });
    }
    recordAudit(db, {
      at: now,
      actorId: publisher.id,
      identityId: identity.id,
      action: ticket.history ? "version.publish_history" : "version.publish",
      subject: `${formatPackageName(name)} ${formatVersion(version)}`,
      detail: { ...publicationDetail(grant), ...historyDetail(numbered.value) },
    });
    logChange(ports, {
      kind: "publish",
      packageId,
      name,
      private: outline.private,
      versionKey: key,
      sha256,
      size: input.bytes.byteLength,
      readme: readme?.sha256 ?? null,
      at: now,
    });
    return ok({
      name: formatPackageName(name),
      version: formatVersion(version),
      sha256,
      size: input.bytes.byteLength,
      misnumbered: misnumberedView(summaryOf(numbered.value)),
    });
  });
  const machine = grant && machinePublication(grant);
  if (published.ok && machine) {
    await tellAdmins(
      ports,
      identity.id,
      machinePublishedNotice(published.value.name, published.value.version, machine),
    );
  }
  return published;
}

function machinePublication(grant: Grant): MachinePublication {
  const { holder } = grant;
  return holder.kind === "user"
    ? {
        kind: "api_token",
        owner: holder.user.email,
        tokenName: grant.tokenName,
        tokenId: grant.tokenId,
      }
    : { kind: "trusted_publisher", label: holder.account.email, run: holder.run };
}

/** How a version was published, as the audit log keeps it. */
export function publicationDetail(grant: Grant | undefined): Record<string, unknown> {
  if (!grant) return {};
  const { holder } = grant;
  if (holder.kind === "user") return { token: { id: grant.tokenId, name: grant.tokenName } };
  const { run } = holder;
  return {
    trustedPublishers: holder.publishers.map((p) => p.id),
    run: {
      provider: run.provider,
      repository: run.repository,
      workflow: run.workflowRef,
      environment: run.environment ?? null,
      ref: run.ref ?? null,
      sha: run.sha ?? null,
      runId: run.runId ?? null,
      url: run.runUrl ?? null,
      triggeredBy: run.triggeredBy ?? null,
    },
  };
}

/** A package stays private or public as its first version made it. */
export function visibilityProblems(
  name: PackageName,
  existing: PackageRecord | undefined,
  outline: Outline,
): string[] {
  if (!existing || existing.private === outline.private) return [];
  return [
    existing.private
      ? `${formatPackageName(name)} is private, so every version must have "private": true; a version cannot make it public.`
      : `${formatPackageName(name)} is public, so no version may have "private": true; a version cannot make it private.`,
  ];
}

/** The install-name clash as one of a refused bundle's problems. */
function installClashProblem(name: PackageName, version: Version, clash: PackageRecord): string {
  return `${formatPackageName(name)} would be installed as ${bundleFileName(name, version)}, the same file as ${formatPackageName(clash.name)} (the compiler turns "/", "-" and "." into "_"), so no project could use both; choose another name.`;
}

/**
 * Admits an upload: may this user (through this grant, if any) publish this
 * version? Answered from the address alone, before the upload's body is read,
 * so a refused upload costs nothing.
 */
export function admitUpload(
  ports: Ports,
  publisher: User,
  address: VersionAddress,
  grant?: Grant,
  options: { history?: boolean } = {},
): Result<PublishTicket, PublishError> {
  const { db } = ports;
  const history = options.history === true;
  const action = history ? "publish_history" : "publish_version";
  const access = authorizeGranted(db, address.name, publisher, action, grant);
  if (!access.ok) return access;
  const { identity } = access.value;
  if (history && grant?.holder.kind === "trusted_publisher") {
    return err({ kind: "history_by_workflow", identity: identity.name });
  }
  if (identity.name !== address.name.author) {
    return err({ kind: "author_spelling", given: address.name.author, registered: identity.name });
  }
  const taken = versionTaken(db, address);
  if (taken) return err(taken);
  const existing = existingVersions(db, address.name);
  if (history) {
    const since = versionBelow(existing, address.version);
    return ok({ publisher, grant, address, identity, history, since, placement: undefined });
  }
  // The number's own rules need only the address: a number that cannot come next costs nothing.
  const placed = placeVersion(existing, address.version);
  if (!placed.ok) return err({ kind: "invalid_bundle", problems: describeRefusal(placed.error) });
  const since = placed.value.kind === "bump" ? placed.value.from : undefined;
  return ok({ publisher, grant, address, identity, history, since, placement: placed.value });
}

/**
 * Whether the version's number is the one its API calls for, judged in the
 * publishing transaction: the versions are read again, so that one published
 * while this upload was read is seen. For a new version, the problems that
 * refuse it; for history, what to mark. Either way, what to store.
 */
function judgeNumber(
  db: Database,
  ticket: PublishTicket,
  baseline: Baseline | undefined,
  compared: ComparedApis | undefined,
  grenVersion: Range,
): Result<ChangesRecordInput, string[]> {
  const { version } = ticket.address;
  const existing = existingVersions(db, ticket.address.name);
  let since: Version | undefined;
  if (ticket.history) since = versionBelow(existing, version);
  else {
    const placed = placeVersion(existing, version);
    if (!placed.ok) return err(describeRefusal(placed.error));
    since = placed.value.kind === "bump" ? placed.value.from : undefined;
  }
  if (!sameVersion(since, ticket.since)) {
    return err([
      `${formatVersion((since ?? ticket.since)!)} was published while this upload was read, and ${formatVersion(version)} would now be compared with it; upload it again.`,
    ]);
  }
  const record = { history: ticket.history, calledForKey: undefined };
  if (since === undefined || baseline === undefined) {
    return ok({ ...record, comparison: { kind: "first" } });
  }
  const sinceKey = versionKey(since);
  if (baseline.kind !== "known") {
    // Nothing to compare with (see versionApis.ts): the number's own rules held, and the answer says so.
    const reason = baseline.kind === "pending" ? baseline.note : baseline.reason;
    return ok({ ...record, comparison: { kind: "unknown", sinceKey, reason } });
  }
  // A bundle read without its comparison is a refused bundle, whose problems are already said.
  if (compared === undefined) return err([]);
  const ranges = { from: baseline.grenVersion, to: grenVersion };
  const decision = decideMagnitude(compared.magnitude, ranges);
  const comparison: Comparison = {
    kind: "compared",
    sinceKey,
    magnitude: decision.magnitude,
    decidedBy: decision.decidedBy,
    changes: compared.modules,
    sentences: compared.sentences,
  };
  if (ticket.history) {
    const matches = numberMagnitude(since, version) === decision.magnitude;
    const calledForKey = matches ? undefined : versionKey(bumpVersion(since, decision.magnitude));
    return ok({ ...record, comparison, calledForKey });
  }
  const placement = ticket.placement;
  if (placement?.kind !== "bump") throw new Error("A new version compared with another is a bump");
  const checked = checkMagnitude(placement, compared, ranges);
  return checked.ok ? ok({ ...record, comparison }) : err(describeRefusal(checked.error));
}

/**
 * A new version whose API was made while a dependency's own was still being
 * made names that dependency's types unqualified, and would differ from the
 * version it bumps where nothing changed: it waits for them.
 */
function awaitedProblems(ticket: PublishTicket, awaited: boolean): string[] {
  if (!awaited || ticket.history || ticket.since === undefined) return [];
  return [
    "The API of one of its dependencies is still being made from its bundle, and this version's API cannot be compared without it; try again in a minute.",
  ];
}

type ChangesRecordInput = Parameters<typeof storeVersionChanges>[2];

const sameVersion = (a: Version | undefined, b: Version | undefined): boolean =>
  a === undefined || b === undefined ? a === b : versionKey(a) === versionKey(b);

/** What the audit log keeps of a version published as history. */
function historyDetail(record: ChangesRecordInput): Record<string, unknown> {
  if (!record.history) return {};
  const { comparison, calledForKey } = record;
  return {
    history: true,
    since: comparison.kind === "first" ? null : formatVersion(versionFromKey(comparison.sinceKey)),
    calledFor: calledForKey === undefined ? null : formatVersion(versionFromKey(calledForKey)),
  };
}

/** The version's number is taken, revoked or not: a number is published once. */
function versionTaken(
  db: Database,
  address: VersionAddress,
): { kind: "version_exists"; name: string; version: string } | undefined {
  const pkg = findPackage(db, packageKey(address.name));
  if (!pkg || !findVersion(db, pkg.id, versionKey(address.version))) return undefined;
  return {
    kind: "version_exists",
    name: formatPackageName(address.name),
    version: formatVersion(address.version),
  };
}
