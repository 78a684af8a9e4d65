import { formatPackageName } from "../gren/names.ts";
import { formatVersion, parseVersion, versionFromKey, versionKey } from "../gren/semver.ts";
import type { Ports } from "../ports/index.ts";
import { err, ok, type Result } from "../result.ts";
import { type AccessError, authorize } from "./access.ts";
import { recordAudit } from "./audit.ts";
import { releaseBlob } from "./blobs.ts";
import { commitWithEvents, recordEvent } from "./events.ts";
import {
  describePackage,
  findVisiblePackage,
  type PackageRecord,
  type PackageView,
} from "./packages.ts";
import type { User } from "./users.ts";
import { describeVersion, type VersionLookupError, type VersionView } from "./versions.ts";

export const MAX_REASON_LENGTH = 1000;

export type RevokeError =
  | VersionLookupError
  | { kind: "access"; error: AccessError }
  | { kind: "reason_required" };

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
  return commitWithEvents(ports, () => {
    const pkg = revocable(ports, actor, input, "revoke_version");
    if (!pkg.ok) return pkg;
    const version = parseVersion(input.version);
    if (!version) return err<RevokeError>({ kind: "invalid_version", version: input.version });
    const row = ports.db.get(
      "SELECT id, version_key, sha256, revoked_at FROM versions WHERE package_id = ? AND version_key = ?",
      [pkg.value.id, versionKey(version)],
    );
    if (!row) {
      return err<RevokeError>({
        kind: "no_such_version",
        name: formatPackageName(pkg.value.name),
        version: input.version,
      });
    }
    if (row.revoked_at === null) revoke(ports, actor, pkg.value, row, reason);
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
  return commitWithEvents(ports, () => {
    const pkg = revocable(ports, actor, input, "revoke_package");
    if (!pkg.ok) return pkg;
    const live = ports.db.all(
      "SELECT id, version_key, sha256 FROM versions WHERE package_id = ? AND revoked_at IS NULL ORDER BY version_key",
      [pkg.value.id],
    );
    for (const row of live) revoke(ports, actor, pkg.value, row, reason);
    return describePackage(ports.db, input.author, input.project, actor);
  });
}

/** The package, when the actor may see it and has the role the revocation needs. */
function revocable(
  ports: Ports,
  actor: User,
  input: { author: string; project: string },
  action: "revoke_version" | "revoke_package",
): Result<PackageRecord, RevokeError> {
  const pkg = findVisiblePackage(ports.db, input.author, input.project, actor);
  if (!pkg.ok) return pkg;
  const access = authorize(ports.db, pkg.value.name.author, actor, action);
  if (!access.ok) return err({ kind: "access", error: access.error });
  return pkg;
}

function revoke(
  ports: Ports,
  actor: User,
  pkg: PackageRecord,
  row: Record<string, unknown>,
  reason: string,
): void {
  const { db } = ports;
  const now = ports.clock.now();
  const key = Number(row.version_key);
  db.run("UPDATE versions SET revoked_at = ?, revoked_reason = ?, revoked_by = ? WHERE id = ?", [
    now,
    reason,
    actor.id,
    Number(row.id),
  ]);
  releaseBlob(db, String(row.sha256));
  recordAudit(db, {
    at: now,
    actorId: actor.id,
    identityId: pkg.identityId,
    action: "version.revoke",
    subject: `${formatPackageName(pkg.name)} ${formatVersion(versionFromKey(key))}`,
    detail: { reason },
  });
  recordEvent(db, { type: "revoked", packageId: pkg.id, versionKey: key, at: now });
}
