import { formatPackageName, identityKey, type PackageName, packageKey } from "../gren/names.ts";
import type { Outline } from "../gren/outline.ts";
import { bundleFileName, installKey } from "../gren/packageLayout.ts";
import { formatRange, formatVersion, type Version, versionKey } from "../gren/semver.ts";
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
import { storeVersionDocs } from "./stores/versionDocs.ts";
import { logChange } from "./transparencyLog.ts";

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
  | { kind: "install_name_taken"; name: string; existing: string; file: string };

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
    input.readme,
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
    const problems = [
      ...bundleProblems,
      ...visibilityProblems(name, existing, outline),
      ...uninstallableDependencies(db, { name, identityId: identity.id, outline }, publisher),
    ];
    if (problems.length > 0 || !bundle.ok) {
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
      action: "version.publish",
      subject: `${formatPackageName(name)} ${formatVersion(version)}`,
      detail: publicationDetail(grant),
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
function visibilityProblems(
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
): Result<PublishTicket, PublishError> {
  const { db } = ports;
  const access = authorizeGranted(db, address.name, publisher, "publish_version", grant);
  if (!access.ok) return access;
  const { identity } = access.value;
  if (identity.name !== address.name.author) {
    return err({ kind: "author_spelling", given: address.name.author, registered: identity.name });
  }
  const taken = versionTaken(db, address);
  if (taken) return err(taken);
  return ok({ publisher, grant, address, identity });
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
