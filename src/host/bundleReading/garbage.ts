// Each bundle is unpacked into a buffer outside V8's heap, dead as soon as the
// bundle is read. V8 collects such buffers only once some 64 MB of them have
// piled up since its last full collection, and a reader thread makes little
// else that would bring one about: under a stream of publishes they held about
// 100 MB of the server's memory. So a reader collects its garbage itself after
// every few tens of megabytes it has unpacked, which costs it a few
// milliseconds of its own time, off the event loop.

/** Counts what a reader has unpacked, and collects once it is past `limitBytes`. */
export class UnpackedGarbage {
  readonly #limitBytes: number;
  readonly #collect: () => void;
  #sinceCollection = 0;

  constructor(limitBytes: number, collect: () => void) {
    this.#limitBytes = limitBytes;
    this.#collect = collect;
  }

  /** `bytes` more were unpacked and are now garbage. */
  add(bytes: number): void {
    this.#sinceCollection += bytes;
    if (this.#sinceCollection < this.#limitBytes) return;
    this.#sinceCollection = 0;
    this.#collect();
  }
}
