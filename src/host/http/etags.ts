// Entity tags, for answers a client may already hold.

/** `If-None-Match` may list several tags, weak or not, or be `*`. */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header
    .split(",")
    .map((tag) => tag.trim().replace(/^W\//, ""))
    .some((tag) => tag === etag || tag === "*");
}

/**
 * The tag of the gzipped form of an answer. A strong tag names one exact
 * sequence of bytes, so the compressed answer may not share the plain one's.
 */
export const gzippedEtag = (etag: string): string => etag.replace(/"$/, '-gzip"');
