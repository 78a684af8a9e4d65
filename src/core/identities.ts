import {
  formatPackageName,
  type IdentityName,
  identityKey,
  parseIdentityName,
} from "../gren/names.ts";
import type { Database } from "../ports/database.ts";
import type { Ports } from "../ports/index.ts";
import { err, ok, type Result } from "../result.ts";
import { type Email, parseEmail } from "../wire/email.ts";
import type {
  AuditEntry,
  IdentityCreated,
  IdentityView,
  Member,
  Role,
} from "../wire/identities.ts";
import type { UserView } from "../wire/session.ts";
import { type AccessError, authorize, identityNamed, isMember } from "./access.ts";
import { parseRole } from "./roles.ts";
import { auditTrail, recordAudit } from "./stores/audit.ts";
import {
  adminCount,
  findIdentityLookingLike,
  identitiesOf,
  insertIdentity,
  memberByEmail,
  membersOf,
  removeMembership,
  roleOf,
  setRole,
} from "./stores/identities.ts";
import { packageNamesOf, packageSummariesOf } from "./stores/packages.ts";
import { findOrCreateUser, type User } from "./stores/users.ts";
import { isoTime } from "./time.ts";
import { versionText } from "./views.ts";

export type CreateIdentityError =
  | { kind: "invalid_identity_name"; name: string }
  | { kind: "identity_taken"; name: IdentityName }
  | { kind: "identity_look_alike"; name: IdentityName; existing: IdentityName }
  | { kind: "identity_reserved"; name: IdentityName; reserved: string };

/** Who may create which names. */
export interface NamingPolicy {
  /** Names, and names that look like them, that only operators may create. */
  reserved: readonly string[];
  /** The operators' addresses, lower case. */
  operators: readonly string[];
}

/**
 * A name with the characters people confuse folded together: case, `I` (a
 * capital i), `l` and `1`; `0` and `o`; `rn` and `m`; `vv` and `w`. Two names
 * with one key look alike, so `gren-Iang` and `gren-1ang` both look like
 * `gren-lang`. (Migration 7 computes the same key in SQL.)
 */
export const lookAlikeKey = (name: string): string =>
  name
    .replaceAll("I", "l")
    .toLowerCase()
    .replaceAll("1", "l")
    .replaceAll("0", "o")
    .replaceAll("rn", "m")
    .replaceAll("vv", "w");

export type IdentityLookupError =
  | { kind: "invalid_identity_name"; name: string }
  | { kind: "no_such_identity"; name: string };

export type MembershipError =
  | AccessError
  | { kind: "invalid_email"; email: string }
  | { kind: "invalid_role"; role: string }
  | { kind: "no_such_member"; identity: IdentityName; email: Email }
  | { kind: "last_admin"; identity: IdentityName };

/**
 * Registers an identity with its creator as the first admin. A name that
 * looks like an existing one is refused, so nobody can pass for another; a
 * reserved name (or one like it) only an operator may create.
 */
export function createIdentity(
  ports: Ports,
  creator: User,
  rawName: string,
  policy: NamingPolicy,
): Result<IdentityCreated, CreateIdentityError> {
  const name = parseIdentityName(rawName);
  if (!name) return err({ kind: "invalid_identity_name", name: rawName });
  const key = lookAlikeKey(name);
  const reserved = policy.reserved.find((reservedName) => lookAlikeKey(reservedName) === key);
  if (reserved && !policy.operators.includes(creator.email)) {
    return err({ kind: "identity_reserved", name, reserved });
  }
  const { db } = ports;
  const now = ports.clock.now();
  return db.transaction((): Result<IdentityCreated, CreateIdentityError> => {
    const existing = identityNamed(db, name);
    if (existing) return err({ kind: "identity_taken", name: existing.name });
    const lookingLike = findIdentityLookingLike(db, key);
    if (lookingLike) {
      return err({ kind: "identity_look_alike", name, existing: lookingLike.name });
    }
    const identity = insertIdentity(db, {
      name,
      key: identityKey(name),
      lookAlikeKey: key,
      createdAt: now,
    });
    setRole(db, { identityId: identity.id, userId: creator.id, role: "admin" });
    recordAudit(db, {
      at: now,
      actorId: creator.id,
      identityId: identity.id,
      action: "identity.create",
      subject: name,
    });
    return ok({ name, role: "admin" as const });
  });
}

/** An identity as `viewer` may see it: its private packages and members only to members. */
export function describeIdentity(
  db: Database,
  rawName: string,
  viewer: User | undefined,
): Result<IdentityView, IdentityLookupError> {
  const name = parseIdentityName(rawName);
  if (!name) return err({ kind: "invalid_identity_name", name: rawName });
  const identity = identityNamed(db, name);
  if (!identity) return err({ kind: "no_such_identity", name });
  const member = isMember(db, identity.id, viewer);
  return ok({
    name: identity.name,
    packages: packageNamesOf(db, identity.id, member),
    ...(member ? { members: membersOf(db, identity.id) } : {}),
  });
}

/** One of an identity's packages as its page lists it. */
export interface IdentityPackage {
  name: string;
  summary: string;
  private: boolean;
  /** Its highest live version; undefined once every version is revoked. */
  latest: string | undefined;
  /** When its last live version was published, ISO 8601. */
  publishedAt: string | undefined;
}

/** An identity as its page shows it: its packages with their summaries and latest versions. */
export function showIdentity(
  db: Database,
  rawName: string,
  viewer: User | undefined,
): Result<IdentityView & { packageSummaries: IdentityPackage[] }, IdentityLookupError> {
  const described = describeIdentity(db, rawName, viewer);
  if (!described.ok) return described;
  const identity = identityNamed(db, described.value.name as IdentityName);
  const member = identity !== undefined && isMember(db, identity.id, viewer);
  const summaries = identity === undefined ? [] : packageSummariesOf(db, identity.id, member);
  return ok({
    ...described.value,
    packageSummaries: summaries.map((pkg) => ({
      name: formatPackageName(pkg.name),
      summary: pkg.summary,
      private: pkg.private,
      latest: pkg.latestKey === undefined ? undefined : versionText(pkg.latestKey),
      publishedAt: pkg.lastPublishedAt === undefined ? undefined : isoTime(pkg.lastPublishedAt),
    })),
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

/** Every change to the identity's membership, and every revocation, for its admins. */
export function readAuditLog(
  db: Database,
  rawName: string,
  viewer: User,
): Result<AuditEntry[], AccessError> {
  const access = authorize(db, rawName, viewer, "read_audit_log");
  return access.ok ? ok(auditTrail(db, access.value.identity.id)) : access;
}

/** Who the user is, and their identities with their role in each. */
export const userView = (db: Database, user: User): UserView => ({
  email: user.email,
  identities: identitiesOf(db, user.id),
});

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
  return db.transaction((): Result<Member, MembershipError> => {
    const access = authorize(db, input.identity, actor, "manage_members");
    if (!access.ok) return access;
    const { identity } = access.value;
    const member = findOrCreateUser(db, email, now);
    const previous: Role | undefined = roleOf(db, identity.id, member.id);
    if (previous === role) return ok({ email, role });
    if (previous === "admin" && adminCount(db, identity.id) === 1) {
      return err({ kind: "last_admin", identity: identity.name });
    }
    setRole(db, { identityId: identity.id, userId: member.id, role });
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
  return db.transaction((): Result<void, MembershipError> => {
    const leaving = email === actor.email;
    const access = authorize(db, input.identity, actor, leaving ? "leave" : "manage_members");
    if (!access.ok) return access;
    const { identity } = access.value;
    const member = memberByEmail(db, identity.id, email);
    if (!member) return err({ kind: "no_such_member", identity: identity.name, email });
    if (member.role === "admin" && adminCount(db, identity.id) === 1) {
      return err({ kind: "last_admin", identity: identity.name });
    }
    removeMembership(db, identity.id, member.userId);
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
