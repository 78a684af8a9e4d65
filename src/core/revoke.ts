import { formatPackageName } from "../gren/names.ts";
import { parseVersion, versionKey } from "../gren/semver.ts";
import type { Ports } from "../ports/index.ts";
import { err, type Result } from "../result.ts";
import type { PackageView, VersionView } from "../wire/packages.ts";
import { type AccessError, authorize } from "./access.ts";
import { commitWithEvents } from "./events.ts";
import { queueMirrorUpdate } from "./mirror.ts";
import { recordPackageHead } from "./packageHead.ts";
import { describePackage, findVisiblePackage } from "./packages.ts";
import type { Action } from "./roles.ts";
import { recordAudit } from "./stores/audit.ts";
import { recordEvent } from "./stores/events.ts";
import { enqueueJob } from "./stores/jobs.ts";
import {
  findVersion,
  liveVersionsOf,
  markRevoked,
  type PackageRecord,
  releaseBlob,
  type VersionRecord,
} from "./stores/packages.ts";
import type { User } from "./stores/users.ts";
import { describeVersion, type VersionLookupError } from "./versions.ts";
import { versionText } from "./views.ts";

export type RevokeError = VersionLookupError | AccessError | { kind: "reason_required" };

/**
 * Revokes one version: its number stays registered and listed with the
 * reason, its bundle's bytes are deleted. Revoking it again changes nothing.
 */
export function revokeVersion(
  ports: Ports,
  actor: User,
  input: { author: string; project: string; version: string; reason: string },
): Result<VersionView, RevokeError> {
  const reason = input.reason.trim();
  if (reason === "") return err({ kind: "reason_required" });
  return commitWithEvents(ports, (): Result<VersionView, RevokeError> => {
    const pkg = revocable(ports, actor, input, "revoke_version");
    if (!pkg.ok) return pkg;
    const parsed = parseVersion(input.version);
    if (!parsed) return err({ kind: "invalid_version", version: input.version });
    const version = findVersion(ports.db, pkg.value.id, versionKey(parsed));
    if (!version) {
      return err({
        kind: "no_such_version",
        name: formatPackageName(pkg.value.name),
        version: input.version,
      });
    }
    if (!version.revoked) {
      revoke(ports, actor, pkg.value, version, reason);
      recordPackageHead(ports.db, pkg.value.id);
    }
    return describeVersion(ports.db, input, actor);
  });
}

/** Revokes every version of a package that is not revoked yet; needs the admin role. */
export function revokePackage(
  ports: Ports,
  actor: User,
  input: { author: string; project: string; reason: string },
): Result<PackageView, RevokeError> {
  const reason = input.reason.trim();
  if (reason === "") return err({ kind: "reason_required" });
  return commitWithEvents(ports, (): Result<PackageView, RevokeError> => {
    const pkg = revocable(ports, actor, input, "revoke_package");
    if (!pkg.ok) return pkg;
    const live = liveVersionsOf(ports.db, pkg.value.id);
    for (const version of live) revoke(ports, actor, pkg.value, version, reason);
    if (live.length > 0) recordPackageHead(ports.db, pkg.value.id);
    return describePackage(ports.db, input.author, input.project, actor);
  });
}

/** The package, when the actor may see it and has the role the revocation needs. */
function revocable(
  ports: Ports,
  actor: User,
  input: { author: string; project: string },
  action: Action,
): Result<PackageRecord, RevokeError> {
  const pkg = findVisiblePackage(ports.db, input.author, input.project, actor);
  if (!pkg.ok) return pkg;
  const access = authorize(ports.db, pkg.value.name.author, actor, action);
  return access.ok ? pkg : access;
}

function revoke(
  ports: Ports,
  actor: User,
  pkg: PackageRecord,
  version: VersionRecord,
  reason: string,
): void {
  const { db } = ports;
  const now = ports.clock.now();
  markRevoked(db, version.id, { at: now, reason, by: actor.id });
  releaseBlob(db, version.sha256);
  // The deleted bytes still sit in the database's files until they are written over.
  enqueueJob(db, "scrub_deleted_content", now);
  recordAudit(db, {
    at: now,
    actorId: actor.id,
    identityId: pkg.identityId,
    action: "version.revoke",
    subject: `${formatPackageName(pkg.name)} ${versionText(version.versionKey)}`,
    detail: { reason },
  });
  recordEvent(db, { type: "revoked", packageId: pkg.id, versionKey: version.versionKey, at: now });
  queueMirrorUpdate(ports, { packageId: pkg.id, versionKey: version.versionKey });
}
