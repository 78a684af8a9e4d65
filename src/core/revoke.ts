import { formatPackageName, type PackageName } from "../gren/names.ts";
import type { Ports } from "../ports/index.ts";
import { err, type Result } from "../result.ts";
import type { PackageView, Revocation, VersionView } from "../wire/packages.ts";
import type { AccessError } from "./access.ts";
import type { VersionAddress } from "./address.ts";
import { commitWithEvents } from "./events.ts";
import { authorizeGranted, type Grant, type GrantError } from "./grants.ts";
import { queueMirrorUpdate } from "./mirror.ts";
import { recordPackageHead } from "./packageHead.ts";
import { describePackage, findVisiblePackage } from "./packages.ts";
import type { Action } from "./roles.ts";
import { recordAudit } from "./stores/audit.ts";
import { recordEvent } from "./stores/events.ts";
import { enqueueJob } from "./stores/jobs.ts";
import {
  liveVersionsOf,
  markRevoked,
  type PackageRecord,
  releaseBlob,
  type VersionRecord,
} from "./stores/packages.ts";
import { forgetReadmeText } from "./stores/readmes.ts";
import type { User } from "./stores/users.ts";
import { deleteModulePages } from "./stores/versionDocs.ts";
import { logChange } from "./transparencyLog.ts";
import { describeVersion, type VersionLookupError, versionOf } from "./versions.ts";
import { revocationView, versionText } from "./views.ts";

/**
 * - `already_revoked`: a revocation is final, reason and all; asking again is
 *   answered with the one that stands, so no new reason is silently dropped.
 * - `nothing_to_revoke`: every version of the package is revoked already.
 */
export type RevokeError =
  | VersionLookupError
  | AccessError
  | GrantError
  | { kind: "reason_required" }
  | { kind: "already_revoked"; name: string; version: string; revoked: Revocation }
  | { kind: "nothing_to_revoke"; name: string };

/**
 * Revokes one version: its number stays registered and listed with the
 * reason, its bundle's bytes are deleted. Revoking it again is refused, with
 * the revocation that stands.
 */
export function revokeVersion(
  ports: Ports,
  actor: User,
  input: { address: VersionAddress; reason: string },
  grant?: Grant,
): Result<VersionView, RevokeError> {
  const reason = input.reason.trim();
  if (reason === "") return err({ kind: "reason_required" });
  return commitWithEvents(ports, (): Result<VersionView, RevokeError> => {
    const pkg = revocable(ports, actor, input.address.name, "revoke_version", grant);
    if (!pkg.ok) return pkg;
    const found = versionOf(ports.db, pkg.value, input.address.version);
    if (!found.ok) return found;
    const version = found.value;
    const standing = revocationView(version.revoked);
    if (standing) {
      return err({
        kind: "already_revoked",
        name: formatPackageName(pkg.value.name),
        version: versionText(version.versionKey),
        revoked: standing,
      });
    }
    revoke(ports, actor, pkg.value, version, reason, grant);
    recordPackageHead(ports.db, pkg.value.id);
    return describeVersion(ports.db, input.address, actor);
  });
}

/**
 * Revokes every version of a package that is not revoked yet; needs the admin
 * role. Those revoked already keep their reasons; when all of them are, the
 * request is refused.
 */
export function revokePackage(
  ports: Ports,
  actor: User,
  input: { name: PackageName; reason: string },
  grant?: Grant,
): Result<PackageView, RevokeError> {
  const reason = input.reason.trim();
  if (reason === "") return err({ kind: "reason_required" });
  return commitWithEvents(ports, (): Result<PackageView, RevokeError> => {
    const pkg = revocable(ports, actor, input.name, "revoke_package", grant);
    if (!pkg.ok) return pkg;
    const live = liveVersionsOf(ports.db, pkg.value.id);
    if (live.length === 0) {
      return err({ kind: "nothing_to_revoke", name: formatPackageName(pkg.value.name) });
    }
    for (const version of live) revoke(ports, actor, pkg.value, version, reason, grant);
    recordPackageHead(ports.db, pkg.value.id);
    return describePackage(ports.db, input.name, actor);
  });
}

/**
 * The package, when the actor may see it and has the role the revocation
 * needs; with a token, when the token's scopes allow it too.
 */
function revocable(
  ports: Ports,
  actor: User,
  name: PackageName,
  action: Action,
  grant: Grant | undefined,
): Result<PackageRecord, RevokeError> {
  const pkg = findVisiblePackage(ports.db, name, actor);
  if (!pkg.ok) return pkg;
  const access = authorizeGranted(ports.db, pkg.value.name, actor, action, grant);
  return access.ok ? pkg : access;
}

function revoke(
  ports: Ports,
  actor: User,
  pkg: PackageRecord,
  version: VersionRecord,
  reason: string,
  grant: Grant | undefined,
): void {
  const { db } = ports;
  const now = ports.clock.now();
  markRevoked(db, version.id, { at: now, reason, by: actor.id });
  releaseBlob(db, version.sha256);
  // Its pages go with its bundle; its API (docs.json) stays, for comparing later versions with.
  deleteModulePages(db, version.id);
  forgetReadmeText(db, version.id);
  // The deleted bytes still sit in the database's files until they are written over.
  enqueueJob(db, "scrub_deleted_content", now);
  recordAudit(db, {
    at: now,
    actorId: actor.id,
    identityId: pkg.identityId,
    action: "version.revoke",
    subject: `${formatPackageName(pkg.name)} ${versionText(version.versionKey)}`,
    detail: grant ? { reason, token: { id: grant.tokenId, name: grant.tokenName } } : { reason },
  });
  recordEvent(db, { type: "revoked", packageId: pkg.id, versionKey: version.versionKey, at: now });
  logChange(ports, {
    kind: "revoke",
    packageId: pkg.id,
    name: pkg.name,
    private: pkg.private,
    versionKey: version.versionKey,
    sha256: version.sha256,
    size: version.size,
    at: now,
  });
  queueMirrorUpdate(ports, { packageId: pkg.id, versionKey: version.versionKey });
}
