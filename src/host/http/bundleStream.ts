import { Readable } from "node:stream";

// Each chunk read is a buffer outside V8's heap, dead as soon as the socket has
// taken it. V8 collects such buffers only once some 64 MB of them have piled
// up, so a few dozen clients downloading at once would grow the server by that
// much. With `gc` exposed (the start script's --expose-gc), a young-generation
// collection, a fraction of a millisecond, frees them after every few megabytes sent.

const COLLECT_AFTER_BYTES = 8 * 1024 * 1024;
const collect = (globalThis as { gc?: (options: { type: "minor" }) => void }).gc;
let readSinceCollection = 0;

function counted(bytes: number): void {
  if (!collect) return;
  readSinceCollection += bytes;
  if (readSinceCollection < COLLECT_AFTER_BYTES) return;
  readSinceCollection = 0;
  collect({ type: "minor" });
}

/**
 * A bundle's bytes as a stream that reads them from the database a chunk at
 * a time, only when the connection has taken the last one: however slowly a
 * client reads, the server holds one chunk for it here, and what the socket
 * has not sent yet, never the whole bundle.
 */
export class BundleStream extends Readable {
  readonly #readChunk: (index: number) => Uint8Array | undefined;
  readonly #size: number;
  #next = 0;
  #sent = 0;

  constructor(readChunk: (index: number) => Uint8Array | undefined, size: number) {
    // One chunk waits here at most: a chunk pushed fills the buffer.
    super({ highWaterMark: 1 });
    this.#readChunk = readChunk;
    this.#size = size;
  }

  override _read(): void {
    if (this.#sent >= this.#size) {
      this.push(null);
      return;
    }
    const chunk = this.#readChunk(this.#next++);
    if (!chunk || chunk.byteLength === 0) {
      // Revoked while it was being sent: the client gets fewer bytes than the
      // Content-Length it was promised, and sees the answer is broken.
      this.destroy(
        new Error(
          `The bundle was deleted after ${this.#sent} of its ${this.#size} bytes were sent`,
        ),
      );
      return;
    }
    this.#sent += chunk.byteLength;
    counted(chunk.byteLength);
    this.push(chunk);
  }
}
