import { formatPackageName, identityKey, type PackageName } from "../gren/names.ts";
import { formatVersion, parseVersion, type Version, versionKey } from "../gren/semver.ts";
import type { Ports } from "../ports/index.ts";
import { err, ok, type Result } from "../result.ts";
import { type AccessError, authorize } from "./access.ts";
import { storeBlob } from "./blobs.ts";
import { readBundle } from "./bundle.ts";
import { commitWithEvents, recordEvent } from "./events.ts";
import { indexForSearch, type PackageLookupError, packageKey, parseNameParts } from "./packages.ts";
import type { User } from "./users.ts";

export interface PublishLimits {
  maxUnpackedBytes: number;
  /** Identities allowed to publish kernel (JavaScript) modules, which run unchecked. */
  kernelIdentities: readonly string[];
}

export type PublishError =
  | PackageLookupError
  | { kind: "invalid_version"; version: string }
  | { kind: "access"; error: AccessError }
  | { kind: "author_spelling"; given: string; registered: string }
  | { kind: "version_exists"; name: string; version: string }
  | { kind: "invalid_bundle"; problems: string[] }
  | { kind: "unpacked_too_large"; limit: number };

export interface Published {
  name: string;
  version: string;
  sha256: string;
  size: number;
}

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
  const parts = parseNameParts(input.author, input.project);
  if (!parts.ok) return parts;
  const version = parseVersion(input.version);
  if (!version) return err({ kind: "invalid_version", version: input.version });
  const name: PackageName = parts.value;

  // Cheap refusals first, so nobody can make the server unpack a bundle it would refuse anyway.
  const early = checkPublishable(ports, publisher, name, version);
  if (!early.ok) return early;

  const bundle = await readBundle(ports, input.bytes, {
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
  const { outline, modules } = bundle.value;
  const sha256 = ports.digest.sha256(input.bytes);
  const now = ports.clock.now();
  const key = versionKey(version);

  return commitWithEvents(ports, () => {
    // Checked again: membership or the version may have changed while the bundle was read.
    const checked = checkPublishable(ports, publisher, name, version);
    if (!checked.ok) return checked;
    const { db } = ports;
    const existing = db.get("SELECT id, private FROM packages WHERE name_key = ?", [
      packageKey(name),
    ]);
    if (existing && (existing.private === 1) !== outline.private) {
      return err<PublishError>({
        kind: "invalid_bundle",
        problems: [
          existing.private === 1
            ? `${formatPackageName(name)} is private, so every version must have "private": true; a version cannot make it public.`
            : `${formatPackageName(name)} is public, so no version may have "private": true; a version cannot make it private.`,
        ],
      });
    }
    const packageId = existing
      ? Number(existing.id)
      : db.run(
          `INSERT INTO packages (identity_id, project, name_key, private, summary, license, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
          [
            checked.value,
            name.project,
            packageKey(name),
            outline.private ? 1 : 0,
            outline.summary,
            outline.license,
            now,
          ],
        ).lastInsertRowid;

    storeBlob(db, sha256, input.bytes);
    db.run(
      `INSERT INTO versions (package_id, version_key, gren_lower, gren_upper, outline, sha256, size,
                             published_at, publisher_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        packageId,
        key,
        versionKey(outline.grenVersion.lower),
        versionKey(outline.grenVersion.upper),
        JSON.stringify(bundle.value.outlineJson),
        sha256,
        input.bytes.byteLength,
        now,
        publisher.id,
      ],
    );
    // Listings and search show the newest release's summary and modules.
    const highest = db.get("SELECT max(version_key) AS k FROM versions WHERE package_id = ?", [
      packageId,
    ]);
    if (Number(highest?.k) === key) {
      db.run("UPDATE packages SET summary = ?, license = ? WHERE id = ?", [
        outline.summary,
        outline.license,
        packageId,
      ]);
      indexForSearch(db, packageId, formatPackageName(name), outline.summary, modules);
    }
    recordEvent(db, { type: "published", packageId, versionKey: key, at: now });
    return ok({
      name: formatPackageName(name),
      version: formatVersion(version),
      sha256,
      size: input.bytes.byteLength,
    });
  });
}

/** May this user publish this version? Gives the identity's id when so. */
function checkPublishable(
  ports: Ports,
  publisher: User,
  name: PackageName,
  version: Version,
): Result<number, PublishError> {
  const { db } = ports;
  const access = authorize(db, name.author, publisher, "publish_version");
  if (!access.ok) return err({ kind: "access", error: access.error });
  const { identity } = access.value;
  if (identity.name !== name.author) {
    return err({ kind: "author_spelling", given: name.author, registered: identity.name });
  }
  const taken = db.get(
    "SELECT 1 FROM versions JOIN packages ON packages.id = versions.package_id WHERE packages.name_key = ? AND versions.version_key = ?",
    [packageKey(name), versionKey(version)],
  );
  if (taken)
    return err({
      kind: "version_exists",
      name: formatPackageName(name),
      version: formatVersion(version),
    });
  return ok(identity.id);
}
