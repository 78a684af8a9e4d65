export interface Digest {
  /** Lower-case hex SHA-256 of UTF-8 text or bytes. */
  sha256(data: string | Uint8Array): string;
  /** Lower-case hex HMAC-SHA256 of `data` under `key`. */
  hmacSha256(key: string, data: string | Uint8Array): string;
  /** Compares two secrets in time that does not depend on where they differ. */
  secretsEqual(a: string, b: string): boolean;
}
