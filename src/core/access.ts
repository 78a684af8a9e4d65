import { type IdentityName, identityKey, parseIdentityName } from "../gren/names.ts";
import type { Database } from "../ports/database.ts";
import { err, ok, type Result } from "../result.ts";
import type { Role } from "../wire/identities.ts";
import { type Action, hiddenFromOutsiders, permits, roleNeeded } from "./roles.ts";
import { findIdentity, type Identity, roleOf } from "./stores/identities.ts";
import type { User } from "./stores/users.ts";

/**
 * Why someone may not act on an identity. Whether an outsider learns that
 * the thing exists is decided here: `hidden` answers as if it did not.
 */
export type AccessError =
  | { kind: "invalid_identity_name"; name: string }
  | { kind: "no_such_identity"; name: string }
  | { kind: "hidden"; identity: IdentityName; action: Action }
  | {
      kind: "forbidden";
      identity: IdentityName;
      action: Action;
      needed: Role;
      /** Undefined for someone who is not a member at all. */
      role: Role | undefined;
    };

/** The identity of that name, in whatever case it is written. */
export const identityNamed = (db: Database, name: string): Identity | undefined =>
  findIdentity(db, identityKey(name));

/** Whether `viewer` belongs to the identity, in any role: members see its private packages. */
export const isMember = (db: Database, identityId: number, viewer: User | undefined): boolean =>
  viewer !== undefined && roleOf(db, identityId, viewer.id) !== undefined;

/**
 * May this user do this to this identity? Every rule that acts on an
 * identity asks here, so the rule lives in one place.
 */
export function authorize(
  db: Database,
  rawName: string,
  user: User | undefined,
  action: Action,
): Result<{ identity: Identity; role: Role }, AccessError> {
  const name = parseIdentityName(rawName);
  if (!name) return err({ kind: "invalid_identity_name", name: rawName });
  const identity = identityNamed(db, name);
  if (!identity) return err({ kind: "no_such_identity", name });
  const role = user && roleOf(db, identity.id, user.id);
  if (role === undefined && hiddenFromOutsiders(action)) {
    return err({ kind: "hidden", identity: identity.name, action });
  }
  if (!permits(role, action)) {
    return err({
      kind: "forbidden",
      identity: identity.name,
      action,
      needed: roleNeeded(action),
      role,
    });
  }
  return ok({ identity, role: role! });
}
