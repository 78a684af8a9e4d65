import { ROLES, type Role } from "../wire/roles.ts";

/** What a member may do to an identity or its packages. */
export type Action =
  | "see_members"
  | "read_audit_log"
  | "leave"
  | "publish_version"
  | "publish_history"
  | "revoke_version"
  | "revoke_package"
  | "manage_members"
  | "manage_trusted_publishers"
  | "read_operations";

interface Rule {
  needed: Role;
  /**
   * What someone outside the identity is told: `hidden` when even knowing the
   * thing exists is for members (the member list), `forbidden` when it is
   * public (a public identity, to which only members may publish).
   */
  outsiders: "hidden" | "forbidden";
}

const RULES: Record<Action, Rule> = {
  see_members: { needed: "download", outsiders: "hidden" },
  read_audit_log: { needed: "admin", outsiders: "hidden" },
  leave: { needed: "download", outsiders: "hidden" },
  publish_version: { needed: "publish", outsiders: "forbidden" },
  // Bringing in versions that exist elsewhere, numbers unchecked: an admin's decision.
  publish_history: { needed: "admin", outsiders: "forbidden" },
  revoke_version: { needed: "publish", outsiders: "forbidden" },
  revoke_package: { needed: "admin", outsiders: "forbidden" },
  manage_members: { needed: "admin", outsiders: "hidden" },
  manage_trusted_publishers: { needed: "admin", outsiders: "hidden" },
  read_operations: { needed: "admin", outsiders: "forbidden" },
};

export const roleNeeded = (action: Action): Role => RULES[action].needed;

export const hiddenFromOutsiders = (action: Action): boolean =>
  RULES[action].outsiders === "hidden";

export function parseRole(text: string): Role | undefined {
  return ROLES.find((role) => role === text);
}

/** The single answer to "may a member with this role do this?". */
export function permits(role: Role | undefined, action: Action): boolean {
  return role !== undefined && ROLES.indexOf(role) >= ROLES.indexOf(RULES[action].needed);
}
