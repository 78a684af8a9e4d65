/**
 * Why a gzip stream could not be read: `not_gzip` also covers a stream whose
 * compressed data or checksum is damaged; `too_large` means it would have
 * decompressed past the limit asked for.
 */
export type GunzipFailure = "not_gzip" | "truncated" | "too_large";

export type GunzipResult = { ok: true; bytes: Uint8Array } | { ok: false; reason: GunzipFailure };

export interface Gzip {
  /**
   * Decompresses `bytes`, giving up as soon as the output would exceed
   * `maxBytes`, without ever holding much more than that in memory: uploads
   * are untrusted, and a few kilobytes of gzip can unpack to gigabytes.
   */
  gunzip(bytes: Uint8Array, maxBytes: number): Promise<GunzipResult>;
  gzip(bytes: Uint8Array): Promise<Uint8Array>;
}
