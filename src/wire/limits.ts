// The numbers both ends of the API agree on, in a module of plain values: the
// core and the CLI use them without loading the schemas of the wire shapes.

/** A fetch token works for this long after its login mail was sent. */
export const FETCH_TOKEN_MINUTES = 15;

/** A reason is read by people whose dependency disappeared: a sentence or a paragraph. */
export const MAX_REASON_LENGTH = 1000;

/** Packages in a page of the listing. */
export const LISTING_LIMIT = { default: 20, max: 100 } as const;

/** Events in a page of the feed. */
export const FEED_LIMIT = { default: 100, max: 1000 } as const;

/** The bounds of an API token's scopes and life. */
export const TOKEN_LIMITS = {
  nameLength: 100,
  patterns: 20,
  cidrs: 20,
  defaultDays: 90,
  maxDays: 365,
} as const;

/** How long a token exchanged for a workflow's ID token works. */
export const PUBLISH_TOKEN_MINUTES = 30;

/** Entries of the transparency log in one answer. */
export const LOG_ENTRIES_LIMIT = { max: 1000 } as const;

/** The most bytes a README sent beside a bundle may have. */
export const README_MAX_BYTES = 512 * 1024;

/** The Gren compiler's own check wants a README at least this long; the registry takes a shorter one. */
export const README_ADVISED_BYTES = 300;
