import fresh from "fresh";

// Entity tags, for answers a client may already hold.

/** `If-None-Match` may list several tags, weak or not, or be `*`: compared as `fresh` compares them. */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  return header !== undefined && fresh({ "if-none-match": header }, { etag });
}

/**
 * The tag of the gzipped form of an answer. A strong tag names one exact
 * sequence of bytes, so the compressed answer may not share the plain one's.
 */
export const gzippedEtag = (etag: string): string => etag.replace(/"$/, '-gzip"');
