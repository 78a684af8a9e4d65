/** A member's role in a publishing identity; each includes the ones before it. */
export const ROLES = ["download", "publish", "admin"] as const;
export type Role = (typeof ROLES)[number];

export function parseRole(text: string): Role | undefined {
  return ROLES.find((role) => role === text);
}

/** What a member may do to an identity or its packages. */
export type Action =
  | "see_members"
  | "download_private"
  | "leave"
  | "publish_version"
  | "revoke_version"
  | "revoke_package"
  | "manage_members"
  | "read_audit_log"
  | "read_operations";

const NEEDED: Record<Action, Role> = {
  see_members: "download",
  download_private: "download",
  leave: "download",
  publish_version: "publish",
  revoke_version: "publish",
  revoke_package: "admin",
  manage_members: "admin",
  read_audit_log: "admin",
  read_operations: "admin",
};

export const roleNeeded = (action: Action): Role => NEEDED[action];

/** The single answer to "may a member with this role do this?". */
export function permits(role: Role | undefined, action: Action): boolean {
  return role !== undefined && ROLES.indexOf(role) >= ROLES.indexOf(NEEDED[action]);
}
