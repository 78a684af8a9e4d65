// How long caches may keep what the registry serves, said once for the API's
// answers and for the static mirror's files, so that a CDN in front of either
// behaves the same.

/** A version's bundle never changes: shared caches keep it for good. */
export const IMMUTABLE = "public, max-age=31536000, immutable";

/** An index changes with each publication and revocation, which should reach resolvers within a minute. */
export const SHORT_LIVED = "public, max-age=60";

/** What changes and must never be stale, as the log's newest checkpoint: caches check it each time. */
export const REVALIDATE = "no-cache";

/** What only its owner may read stays out of shared caches, and is checked each time. */
export const PRIVATE = "private, no-cache";

/** The type each kind of file is served as: what the API answers with. */
export const CONTENT_TYPES = {
  json: "application/json; charset=utf-8",
  gzip: "application/gzip",
  text: "text/plain; charset=utf-8",
  binary: "application/octet-stream",
} as const;

/** The Cache-Control each kind of caching is served with. */
export const CACHE_CONTROL = {
  immutable: IMMUTABLE,
  "short-lived": SHORT_LIVED,
  revalidate: REVALIDATE,
} as const;
