import { LRUCache } from "lru-cache";
import type { Prerendered } from "./layout.ts";

/**
 * Page content rendered recently, each kept with a short description of the
 * data it was rendered from: asked again with the same description, the
 * content is served as it is; with another, it is rendered afresh. The least
 * recently used are dropped past `maxEntries`.
 */
export class RenderedPages {
  readonly #entries: LRUCache<string, { state: string; content: Prerendered }>;

  constructor(maxEntries: number) {
    this.#entries = new LRUCache({ max: maxEntries });
  }

  get(key: string, state: string, render: () => Prerendered): Prerendered {
    const entry = this.#entries.get(key);
    if (entry !== undefined && entry.state === state) return entry.content;
    const content = render();
    this.#entries.set(key, { state, content });
    return content;
  }
}
