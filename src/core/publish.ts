import { formatPackageName, identityKey, type PackageName, packageKey } from "../gren/names.ts";
import type { Outline } from "../gren/outline.ts";
import { bundleFileName, installKey } from "../gren/packageLayout.ts";
import {
  formatRange,
  formatVersion,
  parseVersion,
  type Version,
  versionKey,
} from "../gren/semver.ts";
import type { Ports } from "../ports/index.ts";
import { err, ok, type Result } from "../result.ts";
import type { Published } from "../wire/packages.ts";
import type { AccessError } from "./access.ts";
import { summedUp } from "./bundle.ts";
import { uninstallableDependencies } from "./dependencies.ts";
import { dependencyApiLookup } from "./dependencyApis.ts";
import { commitWithEvents } from "./events.ts";
import { authorizeGranted, type Grant, type GrantError } from "./grants.ts";
import { queueMirrorUpdate } from "./mirror.ts";
import { type MachinePublication, machinePublishedNotice, tellAdmins } from "./notices.ts";
import { recordPackageHead } from "./packageHead.ts";
import { type PackageLookupError, parseNameParts } from "./packages.ts";
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

export type PublishError =
  | PackageLookupError
  | AccessError
  | GrantError
  | { kind: "invalid_version"; version: string }
  | { kind: "author_spelling"; given: string; registered: string }
  | { kind: "version_exists"; name: string; version: string }
  | { kind: "invalid_bundle"; problems: string[] }
  | { kind: "unpacked_too_large"; limit: number }
  /** Installed, its bundles would land in the same file as another package's. */
  | { kind: "install_name_taken"; name: string; existing: string; file: string };

/**
 * Publishes one version from the bundle the compiler made. Everything is
 * checked before anything is stored, and the version, its bytes, its docs, the
 * search index, the feed event and the audit entry are written in one
 * transaction. With an API token's grant, the token's scopes apply too, and
 * the identity's admins are told.
 */
export async function publishVersion(
  ports: Ports,
  publisher: User,
  input: {
    author: string;
    project: string;
    version: string;
    bytes: Uint8Array;
    /** The package's README, sent beside the bundle. */
    readme?: Uint8Array | undefined;
    limits: PublishLimits;
  },
  grant?: Grant,
): Promise<Result<Published, PublishError>> {
  // Cheap refusals first, so nobody can make the server unpack a bundle it would refuse anyway.
  const early = mayPublish(ports, publisher, input, grant);
  if (!early.ok) return early;
  const { name, version } = early.value;

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

  let identityId = 0;
  const published = commitWithEvents(ports, (): Result<Published, PublishError> => {
    // Checked again: membership or the version may have changed while the bundle was read.
    const checked = checkPublishable(ports, publisher, name, version, grant);
    if (!checked.ok) return checked;
    if (!outline) return err({ kind: "invalid_bundle", problems: bundleProblems });
    const existing = findPackage(db, packageKey(name));
    const clash = existing ? undefined : findPackageInstalledAs(db, installKey(name));
    // The bundle's own problems and the registry's, of every kind, in one answer.
    const problems = [
      ...bundleProblems,
      ...visibilityProblems(name, existing, outline),
      ...uninstallableDependencies(db, { name, identityId: checked.value.id, outline }, publisher),
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
        identityId: checked.value.id,
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
      identityId: checked.value.id,
      action: "version.publish",
      subject: `${formatPackageName(name)} ${formatVersion(version)}`,
      detail: publicationDetail(grant),
    });
    identityId = checked.value.id;
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
      identityId,
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
 * May this user publish this version at all? Answered from the address alone,
 * before the upload's body is read, so a refused upload costs nothing.
 */
export function mayPublish(
  ports: Ports,
  publisher: User,
  address: { author: string; project: string; version: string },
  grant?: Grant,
): Result<{ name: PackageName; version: Version }, PublishError> {
  const parts = parseNameParts(address.author, address.project);
  if (!parts.ok) return parts;
  const version = parseVersion(address.version);
  if (!version) return err({ kind: "invalid_version", version: address.version });
  const checked = checkPublishable(ports, publisher, parts.value, version, grant);
  return checked.ok ? ok({ name: parts.value, version }) : checked;
}

/** May this user publish this version? Gives the identity when so. */
function checkPublishable(
  ports: Ports,
  publisher: User,
  name: PackageName,
  version: Version,
  grant: Grant | undefined,
): Result<Identity, PublishError> {
  const { db } = ports;
  const access = authorizeGranted(db, name, publisher, "publish_version", grant);
  if (!access.ok) return access;
  const { identity } = access.value;
  if (identity.name !== name.author) {
    return err({ kind: "author_spelling", given: name.author, registered: identity.name });
  }
  const pkg = findPackage(db, packageKey(name));
  if (pkg && findVersion(db, pkg.id, versionKey(version))) {
    return err({
      kind: "version_exists",
      name: formatPackageName(name),
      version: formatVersion(version),
    });
  }
  return ok(identity);
}
