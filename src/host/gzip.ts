import { crc32, inflateRawSync } from "node:zlib";
import type { GunzipFailure, GunzipResult, Gzip } from "../ports/gzip.ts";

// A gzip reader strict enough that a bundle has one meaning: node:zlib's own
// gunzip reads a second member after the first, as if concatenated, and skips
// zero bytes after the last, so the same bytes would unpack differently in
// other readers (the compiler on Node.js 24 refuses them). This one parses the
// member's header itself (RFC 1952), inflates the deflate data, checks the
// trailer's CRC-32 and length, and requires that nothing follows.

// zlib unpacks into buffers of one size, joined at the end. Its default of
// 16 KiB costs a trip back from the inflater for each; one buffer of the size
// the gzip trailer announces costs one allocation and no joining. The trailer
// is the sender's word, so the size is kept within bounds: a lie costs at most
// the largest buffer here, or more steps.
const MIN_INFLATE_CHUNK_BYTES = 16 * 1024;
const MAX_INFLATE_CHUNK_BYTES = 1024 * 1024;

/**
 * The unpacked size a gzip stream's trailer announces (modulo 4 GiB): the
 * sender's word, good for sizing buffers, never for trusting.
 */
export function announcedUnpackedBytes(bytes: Uint8Array): number {
  const end = bytes.length;
  if (end < 4) return 0;
  return (
    (bytes[end - 4]! | (bytes[end - 3]! << 8) | (bytes[end - 2]! << 16)) + bytes[end - 1]! * 2 ** 24
  );
}

/** The unpacked size the trailer announces, plus one so that the last step finds the end. */
function inflateChunkBytes(bytes: Uint8Array, maxBytes: number): number {
  return Math.min(
    Math.max(announcedUnpackedBytes(bytes) + 1, MIN_INFLATE_CHUNK_BYTES),
    MAX_INFLATE_CHUNK_BYTES,
    Math.max(maxBytes + 1, MIN_INFLATE_CHUNK_BYTES),
  );
}

const FLAG = { text: 1, headerCrc: 2, extra: 4, name: 8, comment: 16 } as const;
const KNOWN_FLAGS = 0b11111;
const TRAILER_BYTES = 8;

// The port promises plain bytes; a Buffer would compare unequal to them in tests.
const plainBytes = (buffer: Buffer): Uint8Array =>
  new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);

const failed = (reason: GunzipFailure): GunzipResult => ({ ok: false, reason });

/** Where the deflate data starts, after the member's header; undefined when it is not gzip. */
function dataStart(bytes: Uint8Array): number | "truncated" | undefined {
  if (bytes.length < 10) return bytes[0] === 0x1f && bytes[1] !== 0x8b ? undefined : "truncated";
  const flags = bytes[3]!;
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b || bytes[2] !== 8 || flags & ~KNOWN_FLAGS) {
    return undefined;
  }
  let at = 10;
  if (flags & FLAG.extra) at += 2 + (bytes[at]! | (bytes[at + 1]! << 8));
  for (const field of [FLAG.name, FLAG.comment]) {
    if (!(flags & field)) continue;
    const end = bytes.indexOf(0, at);
    if (end < 0) return "truncated";
    at = end + 1;
  }
  if (flags & FLAG.headerCrc) at += 2;
  return at <= bytes.length ? at : "truncated";
}

export const nodeGzip: Gzip = {
  gunzip(bytes, maxBytes) {
    // zlib calls an empty or cut-off header "unexpected end of file", as it does a
    // cut-off body; only a stream that starts like gzip can be truncated gzip.
    if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return failed("not_gzip");
    const start = dataStart(bytes);
    if (start === undefined) return failed("not_gzip");
    if (start === "truncated") return failed("truncated");
    const data = bytes.subarray(start);
    let inflated: { buffer: Buffer; engine: { bytesWritten: number } };
    try {
      // With maxOutputLength zlib stops and drops its output once it passes the
      // limit, so a gzip bomb costs at most one chunk more than `maxBytes`.
      inflated = inflateRawSync(data, {
        info: true,
        maxOutputLength: maxBytes,
        chunkSize: inflateChunkBytes(bytes, maxBytes),
      }) as unknown as typeof inflated;
    } catch (error) {
      return failed(failureOf(error));
    }
    const output = inflated.buffer;
    const trailer = data.subarray(inflated.engine.bytesWritten);
    if (trailer.length < TRAILER_BYTES) return failed("truncated");
    const view = new DataView(trailer.buffer, trailer.byteOffset, TRAILER_BYTES);
    if (
      view.getUint32(0, true) !== crc32(output) ||
      view.getUint32(4, true) !== output.length % 2 ** 32
    ) {
      return failed("not_gzip");
    }
    if (trailer.length > TRAILER_BYTES) return failed("trailing_data");
    return { ok: true, bytes: plainBytes(output) };
  },
};

function failureOf(error: unknown): GunzipFailure {
  switch ((error as { code?: unknown } | null)?.code) {
    case "ERR_BUFFER_TOO_LARGE":
      return "too_large";
    case "Z_BUF_ERROR":
      return "truncated";
    case "Z_DATA_ERROR":
      return "not_gzip";
    default:
      throw error;
  }
}
