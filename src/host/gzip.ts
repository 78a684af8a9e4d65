import { promisify } from "node:util";
import { gunzip, gzip } from "node:zlib";
import type { GunzipFailure, Gzip } from "../ports/gzip.ts";

const gunzipAsync = promisify(gunzip);
const gzipAsync = promisify(gzip);

// zlib's thread-pool work hands each chunk of output back to the event loop,
// which costs about as much as inflating it: with zlib's default 16 KiB chunks
// a 100 KB bundle that unpacks to 500 KB took three times as long to read as
// with synchronous gunzip. A chunk this size reads most bundles in one step.
const GUNZIP_CHUNK_BYTES = 256 * 1024;

// Every gzip stream starts with these two bytes (RFC 1952).
const startsLikeGzip = (bytes: Uint8Array): boolean => bytes[0] === 0x1f && bytes[1] === 0x8b;

// The port promises plain bytes; a Buffer would compare unequal to them in tests.
const plainBytes = (buffer: Buffer): Uint8Array =>
  new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);

export const nodeGzip: Gzip = {
  async gunzip(bytes, maxBytes) {
    // zlib calls an empty or cut-off header "unexpected end of file", as it does a
    // cut-off body; only a stream that starts like gzip can be truncated gzip.
    if (!startsLikeGzip(bytes)) return { ok: false, reason: "not_gzip" };
    try {
      // With maxOutputLength zlib stops and drops its output once it passes the
      // limit, so a gzip bomb costs at most one chunk more than `maxBytes`.
      const output = await gunzipAsync(bytes, {
        maxOutputLength: maxBytes,
        chunkSize: GUNZIP_CHUNK_BYTES,
      });
      return { ok: true, bytes: plainBytes(output) };
    } catch (error) {
      return { ok: false, reason: failureOf(error) };
    }
  },
  async gzip(bytes) {
    return plainBytes(await gzipAsync(bytes));
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
