import { createHash } from "node:crypto";

export const sha256Of = (bytes: Uint8Array): string =>
  createHash("sha256").update(bytes).digest("hex");

/** The hash an `ETag: "<sha256>"` names, weak or not; undefined for any other tag. */
export function etagSha256(etag: string | null): string | undefined {
  const match = etag && /^(?:W\/)?"([0-9a-fA-F]{64})"$/.exec(etag.trim());
  return match ? match[1]!.toLowerCase() : undefined;
}

/**
 * Why downloaded bytes are not the bundle that was published, or undefined
 * when they are: their sha256 must be the one the version's metadata gives,
 * and the one the download's `ETag` gives.
 */
export const bundleMismatch = (
  bytes: Uint8Array,
  expected: { sha256: string; etag: string | null },
): string | undefined => digestMismatch(sha256Of(bytes), expected);

/** The same, for bytes whose sha256 (in hex) was computed as they arrived. */
export function digestMismatch(
  actual: string,
  expected: { sha256: string; etag: string | null },
): string | undefined {
  const published = expected.sha256.toLowerCase();
  if (actual !== published) {
    return `the bytes received have sha256 ${actual}, but the version was published with sha256 ${published}`;
  }
  if (expected.etag !== null) {
    const tagged = etagSha256(expected.etag);
    if (tagged !== actual) {
      return `the bytes received have sha256 ${actual}, but the download was tagged ${expected.etag}`;
    }
  }
  return undefined;
}
