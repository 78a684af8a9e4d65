import { type Static, Type } from "typebox";

import { ROLES, type Role as RoleName } from "./roles.ts";

export const Role = Type.Enum(ROLES);
export type Role = RoleName;

/** Longer than any identity name can be, so a long name reaches the rule that explains it. */
const IdentityName = Type.String({ maxLength: 255 });

export const IdentityParams = Type.Object({ name: IdentityName });
export const MemberParams = Type.Object({
  name: IdentityName,
  email: Type.String({ maxLength: 320 }),
});

export const CreateIdentity = Type.Object({
  name: IdentityName,
  /** The registry's first API took the session token in the body; it still works. */
  session: Type.Optional(Type.String({ maxLength: 200 })),
});
export type CreateIdentity = Static<typeof CreateIdentity>;

export const IdentityCreated = Type.Object({ name: Type.String(), role: Role });
export type IdentityCreated = Static<typeof IdentityCreated>;

export const Member = Type.Object({ email: Type.String(), role: Role });
export type Member = Static<typeof Member>;

export const MemberList = Type.Object({ members: Type.Array(Member) });
export type MemberList = Static<typeof MemberList>;

/** The role asked for is checked by the registry, so a wrong one gets a sentence, not a schema error. */
export const RoleChange = Type.Object({ role: Type.String({ maxLength: 50 }) });
export type RoleChange = Static<typeof RoleChange>;

export const IdentityView = Type.Object({
  name: Type.String(),
  packages: Type.Array(Type.String()),
  /** Only for the identity's own members. */
  members: Type.Optional(Type.Array(Member)),
});
export type IdentityView = Static<typeof IdentityView>;

export const AUDIT_ACTIONS = [
  "identity.create",
  "member.add",
  "member.change_role",
  "member.remove",
  "version.revoke",
  "version.publish",
  "version.publish_history",
  "trusted_publisher.add",
  "trusted_publisher.remove",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AuditEntry = Type.Object({
  at: Type.String(),
  actor: Type.String(),
  action: Type.Enum(AUDIT_ACTIONS),
  subject: Type.String(),
  detail: Type.Record(Type.String(), Type.Unknown()),
});
export type AuditEntry = Static<typeof AuditEntry>;

export const AuditLog = Type.Object({ entries: Type.Array(AuditEntry) });
export type AuditLog = Static<typeof AuditLog>;
