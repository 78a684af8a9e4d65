import { type IdentityName, identityKey, parseIdentityName } from "../gren/names.ts";
import type { Database } from "../ports/database.ts";
import type { Ports } from "../ports/index.ts";
import { err, ok, type Result } from "../result.ts";
import { type AccessError, authorize, findIdentity, roleIn } from "./access.ts";
import { type AuditEntry, auditTrail, recordAudit } from "./audit.ts";
import { type Email, parseEmail } from "./email.ts";
import { identityPackages } from "./packages.ts";
import { parseRole, type Role } from "./roles.ts";
import { findOrCreateUser, type User } from "./users.ts";

export interface Member {
  email: Email;
  role: Role;
}

export type CreateIdentityError =
  | { kind: "invalid_name"; name: string }
  | { kind: "name_taken"; name: IdentityName };

export type MembershipError =
  | AccessError
  | { kind: "invalid_email"; email: string }
  | { kind: "invalid_role"; role: string }
  | { kind: "no_such_member"; identity: IdentityName; email: Email }
  | { kind: "last_admin"; identity: IdentityName };

/** Registers an identity with its creator as the first admin. */
export function createIdentity(
  ports: Ports,
  creator: User,
  rawName: string,
): Result<{ name: IdentityName; role: Role }, CreateIdentityError> {
  const name = parseIdentityName(rawName);
  if (!name) return err({ kind: "invalid_name", name: rawName });
  const { db } = ports;
  const now = ports.clock.now();
  return db.transaction(() => {
    const existing = findIdentity(db, name);
    if (existing) return err<CreateIdentityError>({ kind: "name_taken", name: existing.name });
    const { lastInsertRowid: id } = db.run(
      "INSERT INTO identities (name, name_key, created_at) VALUES (?, ?, ?)",
      [name, identityKey(name), now],
    );
    db.run("INSERT INTO members (identity_id, user_id, role) VALUES (?, ?, 'admin')", [
      id,
      creator.id,
    ]);
    recordAudit(db, {
      at: now,
      actorId: creator.id,
      identityId: id,
      action: "identity.create",
      subject: name,
    });
    return ok({ name, role: "admin" as const });
  });
}

export type LookupError =
  | { kind: "invalid_name"; name: string }
  | { kind: "no_such_identity"; name: string };

export interface IdentityView {
  name: IdentityName;
  packages: string[];
  /** Only for the identity's own members. */
  members?: Member[];
}

/** An identity as `viewer` may see it: its members only to members. */
export function describeIdentity(
  db: Database,
  rawName: string,
  viewer: User | undefined,
): Result<IdentityView, LookupError> {
  const name = parseIdentityName(rawName);
  if (!name) return err({ kind: "invalid_name", name: rawName });
  const identity = findIdentity(db, name);
  if (!identity) return err({ kind: "no_such_identity", name });
  const isMember = viewer !== undefined && roleIn(db, identity.id, viewer.id) !== undefined;
  return ok({
    name: identity.name,
    packages: identityPackages(db, identity.id, isMember),
    ...(isMember ? { members: membersOf(db, identity.id) } : {}),
  });
}

/** The member list, for members only. */
export function listMembers(
  db: Database,
  rawName: string,
  viewer: User | undefined,
): Result<Member[], AccessError> {
  const access = authorize(db, rawName, viewer, "see_members");
  return access.ok ? ok(membersOf(db, access.value.identity.id)) : access;
}

/** Every change to the identity's membership, for its admins. */
export function readAuditLog(
  db: Database,
  rawName: string,
  viewer: User,
): Result<AuditEntry[], AccessError> {
  const access = authorize(db, rawName, viewer, "read_audit_log");
  return access.ok ? ok(auditTrail(db, access.value.identity.id)) : access;
}

export function membersOf(db: Database, identityId: number): Member[] {
  return db
    .all(
      "SELECT users.email, members.role FROM members JOIN users ON users.id = members.user_id WHERE members.identity_id = ? ORDER BY users.email",
      [identityId],
    )
    .map((row) => ({ email: row.email as Email, role: row.role as Role }));
}

/** The identities a user belongs to, with their role in each. */
export function identitiesOf(db: Database, userId: number): { name: IdentityName; role: Role }[] {
  return db
    .all(
      "SELECT identities.name, members.role FROM members JOIN identities ON identities.id = members.identity_id WHERE members.user_id = ? ORDER BY identities.name_key",
      [userId],
    )
    .map((row) => ({ name: row.name as IdentityName, role: row.role as Role }));
}

function adminCount(db: Database, identityId: number): number {
  return Number(
    db.get("SELECT count(*) AS n FROM members WHERE identity_id = ? AND role = 'admin'", [
      identityId,
    ])?.n,
  );
}

/**
 * Adds a member or changes their role. An address that has never logged in
 * becomes a user at once, so the role is theirs when they first log in.
 */
export function setMember(
  ports: Ports,
  actor: User,
  input: { identity: string; email: string; role: string },
): Result<Member, MembershipError> {
  const email = parseEmail(input.email);
  if (!email) return err({ kind: "invalid_email", email: input.email });
  const role = parseRole(input.role);
  if (!role) return err({ kind: "invalid_role", role: input.role });
  const { db } = ports;
  const now = ports.clock.now();
  return db.transaction(() => {
    const access = authorize(db, input.identity, actor, "manage_members");
    if (!access.ok) return access;
    const { identity } = access.value;
    const member = findOrCreateUser(db, email, now);
    const previous = roleIn(db, identity.id, member.id);
    if (previous === role) return ok({ email, role });
    if (previous === "admin" && adminCount(db, identity.id) === 1) {
      return err<MembershipError>({ kind: "last_admin", identity: identity.name });
    }
    db.run(
      "INSERT INTO members (identity_id, user_id, role) VALUES (?, ?, ?) ON CONFLICT (identity_id, user_id) DO UPDATE SET role = excluded.role",
      [identity.id, member.id, role],
    );
    recordAudit(db, {
      at: now,
      actorId: actor.id,
      identityId: identity.id,
      subject: email,
      ...(previous
        ? { action: "member.change_role", detail: { from: previous, to: role } }
        : { action: "member.add", detail: { role } }),
    });
    return ok({ email, role });
  });
}

/** Removes a member: an admin may remove anyone, any member may leave. */
export function removeMember(
  ports: Ports,
  actor: User,
  input: { identity: string; email: string },
): Result<void, MembershipError> {
  const email = parseEmail(input.email);
  if (!email) return err({ kind: "invalid_email", email: input.email });
  const { db } = ports;
  const now = ports.clock.now();
  return db.transaction(() => {
    const leaving = email === actor.email;
    const access = authorize(db, input.identity, actor, leaving ? "leave" : "manage_members");
    if (!access.ok) return access;
    const { identity } = access.value;
    const member = db.get(
      "SELECT users.id, members.role FROM members JOIN users ON users.id = members.user_id WHERE members.identity_id = ? AND users.email = ?",
      [identity.id, email],
    );
    if (!member)
      return err<MembershipError>({ kind: "no_such_member", identity: identity.name, email });
    if (member.role === "admin" && adminCount(db, identity.id) === 1) {
      return err<MembershipError>({ kind: "last_admin", identity: identity.name });
    }
    db.run("DELETE FROM members WHERE identity_id = ? AND user_id = ?", [
      identity.id,
      Number(member.id),
    ]);
    recordAudit(db, {
      at: now,
      actorId: actor.id,
      identityId: identity.id,
      action: "member.remove",
      subject: email,
      detail: { role: member.role },
    });
    return ok(undefined);
  });
}
