import { LRUCache } from "lru-cache";

/**
 * Answers to inclusion proofs that can never change: a public version's
 * entry, or an entry by index, in a tree of a given size. Each client that
 * installs a version asks for its proof in the newest tree, so between two
 * publishes the same few proofs are asked for again and again; they are kept
 * as sent, the least recently asked forgotten first. A private package's
 * proof is never kept: who may see it is decided each time.
 */
export class ProofAnswers {
  readonly #kept: LRUCache<string, string>;

  constructor(maxBytes: number) {
    this.#kept = new LRUCache<string, string>({
      maxSize: maxBytes,
      sizeCalculation: (body, key) => body.length + key.length + 64,
    });
  }

  find(key: string): string | undefined {
    return this.#kept.get(key);
  }

  keep(key: string, body: string): void {
    this.#kept.set(key, body);
  }
}
