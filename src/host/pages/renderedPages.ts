import type { Prerendered } from "./layout.ts";

/**
 * Page content rendered recently, each kept with a short description of the
 * data it was rendered from: asked again with the same description, the
 * content is served as it is; with another, it is rendered afresh. The least
 * recently used are dropped past `maxEntries`.
 */
export class RenderedPages {
  readonly #entries = new Map<string, { state: string; content: Prerendered }>();
  readonly #maxEntries: number;

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  get(key: string, state: string, render: () => Prerendered): Prerendered {
    const entry = this.#entries.get(key);
    this.#entries.delete(key);
    if (entry !== undefined && entry.state === state) {
      this.#entries.set(key, entry);
      return entry.content;
    }
    const content = render();
    this.#entries.set(key, { state, content });
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    return content;
  }
}
