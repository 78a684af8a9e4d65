/** A member's role in a publishing identity; each includes the ones before it. */
export const ROLES = ["download", "publish", "admin"] as const;
export type Role = (typeof ROLES)[number];
