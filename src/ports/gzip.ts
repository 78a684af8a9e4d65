/**
 * Why a gzip stream could not be read: `not_gzip` also covers a stream whose
 * compressed data or checksum is damaged; `trailing_data` means bytes follow
 * the stream (a second gzip member, or anything else); `too_large` means it
 * would have decompressed past the limit asked for.
 */
export type GunzipFailure = "not_gzip" | "truncated" | "trailing_data" | "too_large";

export type GunzipResult = { ok: true; bytes: Uint8Array } | { ok: false; reason: GunzipFailure };

export interface Gzip {
  /**
   * Decompresses exactly one gzip member, giving up as soon as the output
   * would exceed `maxBytes`, without ever holding much more than that in
   * memory: uploads are untrusted, and a few kilobytes of gzip can unpack to
   * gigabytes. Synchronous: bundles are read off the event loop, in workers.
   */
  gunzip(bytes: Uint8Array, maxBytes: number): GunzipResult;
}
