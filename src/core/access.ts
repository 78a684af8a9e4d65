import { type IdentityName, identityKey, parseIdentityName } from "../gren/names.ts";
import type { Database } from "../ports/database.ts";
import { err, ok, type Result } from "../result.ts";
import { type Action, permits, type Role, roleNeeded } from "./roles.ts";
import type { User } from "./users.ts";

export interface Identity {
  id: number;
  name: IdentityName;
}

/** Why someone may not act on an identity. */
export type AccessError =
  | { kind: "invalid_name"; name: string }
  | { kind: "no_such_identity"; name: string }
  /** Not a member: the member list and private packages stay hidden. */
  | { kind: "not_a_member"; identity: IdentityName }
  | { kind: "forbidden"; identity: IdentityName; action: Action; needed: Role; role: Role };

/** The identity of that name, in whatever case it is written. */
export function findIdentity(db: Database, name: string): Identity | undefined {
  const row = db.get("SELECT id, name FROM identities WHERE name_key = ?", [identityKey(name)]);
  return row && { id: Number(row.id), name: row.name as IdentityName };
}

export function roleIn(db: Database, identityId: number, userId: number): Role | undefined {
  const row = db.get("SELECT role FROM members WHERE identity_id = ? AND user_id = ?", [
    identityId,
    userId,
  ]);
  return row && (row.role as Role);
}

/**
 * May this user do this to this identity? Every route that acts on an
 * identity asks here, so the rule lives in one place.
 */
export function authorize(
  db: Database,
  rawName: string,
  user: User | undefined,
  action: Action,
): Result<{ identity: Identity; role: Role }, AccessError> {
  const name = parseIdentityName(rawName);
  if (!name) return err({ kind: "invalid_name", name: rawName });
  const identity = findIdentity(db, name);
  if (!identity) return err({ kind: "no_such_identity", name });
  const role = user && roleIn(db, identity.id, user.id);
  if (!role) return err({ kind: "not_a_member", identity: identity.name });
  if (!permits(role, action)) {
    return err({
      kind: "forbidden",
      identity: identity.name,
      action,
      needed: roleNeeded(action),
      role,
    });
  }
  return ok({ identity, role });
}
