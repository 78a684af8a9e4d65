import type { VersionDocumentation } from "../../core/documentation.ts";
import type { ModuleDocs } from "../../gren/docs.ts";
import type { Prerendered } from "./layout.ts";
import { renderModulePage } from "./modulePage.ts";

/**
 * One version's documentation and its module pages, each rendered the first
 * time someone reads it: a published version never changes, so neither do they.
 */
export class VersionPages {
  readonly #documentation: VersionDocumentation;
  readonly #modules: ReadonlyMap<string, ModuleDocs>;
  readonly #pages = new Map<string, Prerendered>();
  readonly #grew: (chars: number) => void;

  constructor(documentation: VersionDocumentation, grew: (chars: number) => void) {
    this.#documentation = documentation;
    this.#modules = new Map(documentation.modules.map((module) => [module.name, module]));
    this.#grew = grew;
  }

  /** The content of a module's page; undefined when the version documents no such module. */
  page(name: string): Prerendered | undefined {
    const cached = this.#pages.get(name);
    if (cached !== undefined) return cached;
    const module = this.#modules.get(name);
    if (module === undefined) return undefined;
    const page = renderModulePage(this.#documentation, module);
    this.#pages.set(name, page);
    this.#grew(page.prerendered.length);
    return page;
  }
}

/**
 * The documentation of recently read versions, the least recently read
 * dropped first once the text held passes `maxChars`. It holds pages, not
 * permissions: whoever takes pages from it has already asked the core whether
 * the viewer may see that version.
 */
export class DocumentationCache {
  readonly #entries = new Map<string, { pages: VersionPages; chars: number }>();
  readonly #maxChars: number;
  #chars = 0;

  constructor(maxChars: number) {
    this.#maxChars = maxChars;
  }

  get(key: string): VersionPages | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    // A Map keeps insertion order: moving the entry to the end marks it as the most recent.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.pages;
  }

  add(key: string, documentation: VersionDocumentation): VersionPages {
    this.forget(key);
    const entry = {
      pages: new VersionPages(documentation, (chars) => {
        // Pages of a version already dropped are no longer counted.
        if (this.#entries.get(key) !== entry) return;
        entry.chars += chars;
        this.#chars += chars;
        this.#evict(key);
      }),
      chars: textSize(documentation),
    };
    this.#entries.set(key, entry);
    this.#chars += entry.chars;
    this.#evict(key);
    return entry.pages;
  }

  /** Drops a version: after a revocation its content must not be served from here either. */
  forget(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.#chars -= entry.chars;
  }

  get chars(): number {
    return this.#chars;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Drops the least recently read versions, never `keep`, until the text fits. */
  #evict(keep: string): void {
    for (const [key, entry] of this.#entries) {
      if (this.#chars <= this.#maxChars) return;
      if (key === keep) continue;
      this.#entries.delete(key);
      this.#chars -= entry.chars;
    }
  }
}

/** Roughly what the documentation weighs: the text of its comments and signatures. */
function textSize(documentation: VersionDocumentation): number {
  let chars = 0;
  for (const module of documentation.modules) {
    chars += module.comment.length;
    for (const entry of [...module.unions, ...module.aliases, ...module.values, ...module.binops]) {
      chars += entry.name.length + entry.comment.length + ("type" in entry ? entry.type.length : 0);
    }
  }
  return chars;
}
