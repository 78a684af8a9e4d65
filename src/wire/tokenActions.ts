/** What an API token may be allowed to do. */
export const TOKEN_ACTIONS = ["publish", "revoke"] as const;
export type TokenAction = (typeof TOKEN_ACTIONS)[number];

/** The text every API token begins with, so secret scanners can find leaked ones. */
export const TOKEN_PREFIX = "grenreg_";
