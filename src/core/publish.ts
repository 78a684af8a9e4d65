import { formatPackageName, identityKey, type PackageName, packageKey } from "../gren/names.ts";
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
import { type AccessError, authorize } from "./access.ts";
import { uninstallableDependencies } from "./dependencies.ts";
import { commitWithEvents } from "./events.ts";
import { queueMirrorUpdate } from "./mirror.ts";
import { recordPackageHead } from "./packageHead.ts";
import { type PackageLookupError, parseNameParts } from "./packages.ts";
import { recordEvent } from "./stores/events.ts";
import type { Identity } from "./stores/identities.ts";
import {
  findPackage,
  findPackageInstalledAs,
  findVersion,
  insertPackage,
  insertVersion,
  showInListings,
  storeBlob,
} from "./stores/packages.ts";
import type { User } from "./stores/users.ts";

export interface PublishLimits {
  maxUnpackedBytes: number;
  /** Identities allowed to publish kernel (JavaScript) modules, which run unchecked. */
  kernelIdentities: readonly string[];
}

export type PublishError =
  | PackageLookupError
  | AccessError
  | { kind: "invalid_version"; version: string }
  | { kind: "author_spelling"; given: string; registered: string }
  | { kind: "version_exists"; name: string; version: string }
  | { kind: "invalid_bundle"; problems: string[] }
  | { kind: "unpacked_too_large"; limit: number }
  /** Installed, its bundles would land in the same file as another package's. */
  | { kind: "install_name_taken"; name: string; existing: string; file: string };

/**
 * Publishes one version from the bundle the compiler made. Everything is
 * checked before anything is stored, and the version, its bytes, the search
 * index and the feed event are written in one transaction.
 */
export async function publishVersion(
  ports: Ports,
  publisher: User,
  input: {
    author: string;
    project: string;
    version: string;
    bytes: Uint8Array;
    limits: PublishLimits;
  },
): Promise<Result<Published, PublishError>> {
  // Cheap refusals first, so nobody can make the server unpack a bundle it would refuse anyway.
  const early = mayPublish(ports, publisher, input);
  if (!early.ok) return early;
  const { name, version } = early.value;

  const bundle = await ports.bundles.read(input.bytes, {
    name,
    version,
    maxUnpackedBytes: input.limits.maxUnpackedBytes,
    kernelAllowed: input.limits.kernelIdentities.some(
      (allowed) => identityKey(allowed) === identityKey(name.author),
    ),
  });
  if (!bundle.ok) {
    return err(
      bundle.error.kind === "too_large_unpacked"
        ? { kind: "unpacked_too_large", limit: bundle.error.limit }
        : { kind: "invalid_bundle", problems: bundle.error.problems },
    );
  }
  const { outline, modules, sha256 } = bundle.value;
  const now = ports.clock.now();
  const key = versionKey(version);
  const { db } = ports;

  return commitWithEvents(ports, (): Result<Published, PublishError> => {
    // Checked again: membership or the version may have changed while the bundle was read.
    const checked = checkPublishable(ports, publisher, name, version);
    if (!checked.ok) return checked;
    const existing = findPackage(db, packageKey(name));
    if (existing && existing.private !== outline.private) {
      return err({
        kind: "invalid_bundle",
        problems: [
          existing.private
            ? `${formatPackageName(name)} is private, so every version must have "private": true; a version cannot make it public.`
            : `${formatPackageName(name)} is public, so no version may have "private": true; a version cannot make it private.`,
        ],
      });
    }
    if (!existing) {
      // Two packages whose bundles would share one file cannot both be installed.
      const clash = findPackageInstalledAs(db, installKey(name));
      if (clash) {
        return err({
          kind: "install_name_taken",
          name: formatPackageName(name),
          existing: formatPackageName(clash.name),
          file: bundleFileName(name, version),
        });
      }
    }
    const unusable = uninstallableDependencies(
      db,
      { name, identityId: checked.value.id, outline },
      publisher,
    );
    if (unusable.length > 0) return err({ kind: "invalid_bundle", problems: unusable });
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
    queueMirrorUpdate(ports, { packageId, versionKey: key });
    if (recordPackageHead(db, packageId).highestKey === key) {
      showInListings(db, packageId, {
        name: formatPackageName(name),
        summary: outline.summary,
        license: outline.license,
        modules,
      });
    }
    return ok({
      name: formatPackageName(name),
      version: formatVersion(version),
      sha256,
      size: input.bytes.byteLength,
    });
  });
}

/**
 * May this user publish this version at all? Answered from the address alone,
 * before the upload's body is read, so a refused upload costs nothing.
 */
export function mayPublish(
  ports: Ports,
  publisher: User,
  address: { author: string; project: string; version: string },
): Result<{ name: PackageName; version: Version }, PublishError> {
  const parts = parseNameParts(address.author, address.project);
  if (!parts.ok) return parts;
  const version = parseVersion(address.version);
  if (!version) return err({ kind: "invalid_version", version: address.version });
  const checked = checkPublishable(ports, publisher, parts.value, version);
  return checked.ok ? ok({ name: parts.value, version }) : checked;
}

/** May this user publish this version? Gives the identity when so. */
function checkPublishable(
  ports: Ports,
  publisher: User,
  name: PackageName,
  version: Version,
): Result<Identity, PublishError> {
  const { db } = ports;
  const access = authorize(db, name.author, publisher, "publish_version");
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
