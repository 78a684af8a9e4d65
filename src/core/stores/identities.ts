import type { IdentityName } from "../../gren/names.ts";
import type { Database, Row } from "../../ports/database.ts";
import type { Email } from "../../wire/email.ts";
import type { Role } from "../../wire/identities.ts";
import { integer, text } from "./rows.ts";

// Publishing identities and their members.

export interface Identity {
  id: number;
  /** As registered: the case it was first written in is kept. */
  name: IdentityName;
}

export interface Membership {
  email: Email;
  role: Role;
}

const toIdentity = (row: Row): Identity => ({
  id: integer(row, "id"),
  name: text(row, "name") as IdentityName,
});

const toRole = (row: Row): Role => text(row, "role") as Role;

const toMembership = (row: Row): Membership => ({
  email: text(row, "email") as Email,
  role: toRole(row),
});

/** The identity whose case-folded name is `key`. */
export function findIdentity(db: Database, key: string): Identity | undefined {
  const row = db.get("SELECT id, name FROM identities WHERE name_key = :key", { key });
  return row && toIdentity(row);
}

/** An identity whose name looks like one whose `lookAlikeKey` is `key`. */
export function findIdentityLookingLike(db: Database, key: string): Identity | undefined {
  const row = db.get("SELECT id, name FROM identities WHERE look_alike_key = :key LIMIT 1", {
    key,
  });
  return row && toIdentity(row);
}

export function insertIdentity(
  db: Database,
  identity: { name: IdentityName; key: string; lookAlikeKey: string; createdAt: number },
): Identity {
  const { lastInsertRowid: id } = db.run(
    `INSERT INTO identities (name, name_key, look_alike_key, created_at)
     VALUES (:name, :key, :lookAlikeKey, :createdAt)`,
    identity,
  );
  return { id, name: identity.name };
}

export function roleOf(db: Database, identityId: number, userId: number): Role | undefined {
  const row = db.get(
    "SELECT role FROM members WHERE identity_id = :identityId AND user_id = :userId",
    { identityId, userId },
  );
  return row && toRole(row);
}

export function membersOf(db: Database, identityId: number): Membership[] {
  return db
    .all(
      `SELECT users.email, members.role FROM members JOIN users ON users.id = members.user_id
       WHERE members.identity_id = :identityId ORDER BY users.email`,
      { identityId },
    )
    .map(toMembership);
}

/** A member found by address, with their user id. */
export function memberByEmail(
  db: Database,
  identityId: number,
  email: Email,
): (Membership & { userId: number }) | undefined {
  const row = db.get(
    `SELECT users.id, users.email, members.role FROM members JOIN users ON users.id = members.user_id
     WHERE members.identity_id = :identityId AND users.email = :email`,
    { identityId, email },
  );
  return row && { ...toMembership(row), userId: integer(row, "id") };
}

/** The identities a user belongs to, with their role in each, in name order. */
export function identitiesOf(db: Database, userId: number): { name: IdentityName; role: Role }[] {
  return db
    .all(
      `SELECT identities.name, members.role FROM members
       JOIN identities ON identities.id = members.identity_id
       WHERE members.user_id = :userId ORDER BY identities.name_key`,
      { userId },
    )
    .map((row) => ({ name: text(row, "name") as IdentityName, role: toRole(row) }));
}

export function adminCount(db: Database, identityId: number): number {
  const row = db.get(
    "SELECT count(*) AS n FROM members WHERE identity_id = :identityId AND role = 'admin'",
    { identityId },
  );
  return row ? integer(row, "n") : 0;
}

/** Adds the member, or changes their role. */
export function setRole(
  db: Database,
  member: { identityId: number; userId: number; role: Role },
): void {
  db.run(
    `INSERT INTO members (identity_id, user_id, role) VALUES (:identityId, :userId, :role)
     ON CONFLICT (identity_id, user_id) DO UPDATE SET role = excluded.role`,
    member,
  );
}

export function removeMembership(db: Database, identityId: number, userId: number): void {
  db.run("DELETE FROM members WHERE identity_id = :identityId AND user_id = :userId", {
    identityId,
    userId,
  });
}
