import { gzipSync } from "node:zlib";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { LRUCache } from "lru-cache";
import Negotiator from "negotiator";
import { packageKey } from "../../gren/names.ts";
import type { Prerendered } from "../pages/layout.ts";
import { gzippedEtag, matchesEtag } from "./etags.ts";

// What anyone may read about a package (its versions, `latest`, its index)
// changes only when one of its versions is published or revoked, and is read
// far more often than that: by every build of every project that uses it. So
// the answers to anonymous reads are kept, as sent, until the package they are
// about next changes (the notifier tells at once, before the change's own
// answer goes out). Only answers to a reader with neither a token nor a
// cookie are kept: anyone else may be shown private packages, or themselves.
// The same address is a page to a browser and JSON to a client, so the two
// are kept apart.

declare module "fastify" {
  interface FastifyContextConfig {
    /** Anonymous answers of this route may be kept until their package changes. */
    publicAnswer?: boolean;
  }
}

/** The headers an answer is served again with, besides its tag; the rest are the request's own. */
const KEPT_HEADERS = [
  "content-type",
  "cache-control",
  "content-security-policy",
  "x-content-type-options",
  "referrer-policy",
] as const;

/** Below this, compressing saves less than the header announcing it costs. */
const GZIP_FROM_BYTES = 1024;

/**
 * What a kept answer costs besides its bytes: the objects that hold it and its
 * URL. Counted so that many small answers (`latest` is 19 bytes) cannot hold
 * many times the memory the limit says.
 */
export const ENTRY_OVERHEAD_BYTES = 512;

/** A package's state, as its head names it: kept things are good while it holds. */
export interface PackageState {
  /** The package, as the database keys it. */
  packageKey: string;
  /** The change that last moved it. */
  changeSeq: number;
}

interface Kept {
  kind: "answer";
  /** The package the answer is about, as the database keys it. */
  packageKey: string;
  /**
   * Larger answers as UTF-8 bytes, outside the JavaScript heap and not encoded
   * again for each reader; small ones as the string they are, which costs less
   * than a buffer of its own.
   */
  body: Buffer | string;
  headers: Partial<Record<(typeof KEPT_HEADERS)[number], string>>;
  /** The answer's tag as sent plain and as sent gzipped, when it has one. */
  etags: { plain: string; gzipped: string } | undefined;
  /** Made the first time a client that accepts gzip asks; null when not worth it. */
  gzipped: Buffer | null | undefined;
}

/** Page content rendered once for every viewer, until its package changes. */
interface KeptContent extends PackageState {
  kind: "content";
  content: Prerendered;
}

/** Marks a route whose anonymous answers may be kept. */
export const PUBLIC_ANSWER = { publicAnswer: true } as const;

/**
 * What is kept about packages until they next change: the answers to anonymous
 * reads, by URL, and rendered page content, which every viewer is shown. One
 * cache for both, keyed by the change each was made at, the least recently
 * used forgotten first once they take more than `maxBytes`.
 */
export class PublicAnswers {
  // A Map moved to by deleting and setting again (the usual least-recently-used
  // trick) costs V8 about 100 µs a read at 50,000 entries; lru-cache keeps the
  // order in arrays and costs a fraction of a microsecond.
  readonly #entries: LRUCache<string, Kept | KeptContent>;
  /** The keys kept for each package, to forget them together. */
  readonly #urlsOf = new Map<string, Set<string>>();
  /** The change that last moved each package, as far as told. */
  readonly #changedAt = new Map<string, number>();
  #changes: number;
  /** The few different sets of headers answers have, each held once for all. */
  readonly #headerSets = new Map<string, Kept["headers"]>();

  /** `changeSeq`: the last change to any package when the registry started. */
  constructor(maxBytes: number, changeSeq: number) {
    this.#changes = changeSeq;
    this.#entries = new LRUCache<string, Kept | KeptContent>({
      maxSize: maxBytes,
      sizeCalculation: (kept, url) =>
        ENTRY_OVERHEAD_BYTES +
        url.length +
        (kept.kind === "content"
          ? kept.content.prerendered.length
          : kept.body.length + (kept.gzipped?.length ?? 0)),
      // However an answer leaves (forgotten, replaced, or the least recently used).
      dispose: (kept, url) => {
        const urls = this.#urlsOf.get(kept.packageKey);
        urls?.delete(url);
        if (urls?.size === 0) this.#urlsOf.delete(kept.packageKey);
      },
    });
  }

  /** These packages have changed: what was kept about them is forgotten. */
  forget(changes: Iterable<PackageState>): void {
    for (const { packageKey, changeSeq } of changes) {
      this.#changes = Math.max(this.#changes, changeSeq);
      this.#changedAt.set(packageKey, changeSeq);
      for (const url of [...(this.#urlsOf.get(packageKey) ?? [])]) this.#entries.delete(url);
    }
  }

  /** The last change told of: an answer begun before a change to its package is not kept. */
  get now(): number {
    return this.#changes;
  }

  find(url: string): Kept | undefined {
    const kept = this.#entries.get(url);
    return kept?.kind === "answer" ? kept : undefined;
  }

  /**
   * Page content for the package in the state given, rendered once: kept
   * content made at another change is rendered afresh.
   */
  content(key: string, state: PackageState, render: () => Prerendered): Prerendered {
    const url = `content ${key}`;
    const kept = this.#entries.get(url);
    if (kept?.kind === "content" && kept.changeSeq === state.changeSeq) return kept.content;
    const content = render();
    // Rendered from a state older than one already told of: shown, not kept.
    if ((this.#changedAt.get(state.packageKey) ?? 0) <= state.changeSeq) {
      this.#store(url, { kind: "content", ...state, content });
    }
    return content;
  }

  keep(
    url: string,
    begun: number,
    answer: Omit<Kept, "kind" | "gzipped" | "body" | "etags"> & {
      body: string;
      etag: string | undefined;
    },
  ): void {
    if ((this.#changedAt.get(answer.packageKey) ?? 0) > begun) return;
    const { etag, body: text, headers, packageKey } = answer;
    const small = text.length < GZIP_FROM_BYTES;
    this.#store(url, {
      kind: "answer",
      packageKey,
      body: small ? text : ownBytes(text),
      headers: this.#shared(headers),
      etags: etag === undefined ? undefined : { plain: etag, gzipped: gzippedEtag(etag) },
      gzipped: small ? null : undefined,
    });
  }

  /** The body of the answer kept for `url` gzipped, made once, and counted from then on. */
  gzipped(url: string, kept: Kept): Buffer | null {
    if (kept.gzipped !== undefined) return kept.gzipped;
    const gzipped = gzipSync(kept.body);
    this.#store(url, { ...kept, gzipped });
    return gzipped;
  }

  #store(url: string, kept: Kept | KeptContent): void {
    this.#entries.set(url, kept);
    // An answer larger than all the room is not kept at all.
    if (!this.#entries.has(url)) return;
    const urls = this.#urlsOf.get(kept.packageKey) ?? new Set<string>();
    urls.add(url);
    this.#urlsOf.set(kept.packageKey, urls);
  }

  #shared(headers: Kept["headers"]): Kept["headers"] {
    const key = JSON.stringify(headers);
    const known = this.#headerSets.get(key);
    if (known) return known;
    this.#headerSets.set(key, headers);
    return headers;
  }
}

/**
 * The text as UTF-8 in a buffer of its own. Small buffers are otherwise cut
 * from a shared 8 KiB slab, which one kept answer would hold in memory whole.
 */
function ownBytes(text: string): Buffer {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text, "utf8"));
  bytes.write(text, "utf8");
  return bytes;
}

const anonymousRead = (request: FastifyRequest) =>
  request.method === "GET" &&
  request.headers.authorization === undefined &&
  request.headers.cookie === undefined &&
  request.routeOptions.config.publicAnswer === true;

/** Whether the client takes gzip rather than the answer as it is. */
const acceptsGzip = (request: FastifyRequest) =>
  request.headers["accept-encoding"] !== undefined &&
  new Negotiator(request).encoding(["identity", "gzip"]) === "gzip";

/**
 * Serves the routes marked `PUBLIC_ANSWER` in `app` from `answers` when it
 * can, and keeps their anonymous 200 answers for next time, apart from those
 * of the other representation.
 */
export function servePublicAnswers(
  app: FastifyInstance,
  answers: PublicAnswers,
  representation: "api" | "page",
): void {
  const keyOf = (request: FastifyRequest) => `${representation} ${request.url}`;
  const begun = new WeakMap<FastifyRequest, number>();

  // Callbacks rather than promises: these run for every read of a package.
  app.addHook("onRequest", (request, reply, done) => {
    if (!anonymousRead(request)) return done();
    // Kept answers may go out compressed, so every answer here says it depends on that.
    void reply.header("vary", "Accept-Encoding");
    const key = keyOf(request);
    const kept = answers.find(key);
    if (!kept) {
      begun.set(request, answers.now);
      return done();
    }
    sendKept(request, reply, kept, acceptsGzip(request) ? answers.gzipped(key, kept) : null);
  });

  app.addHook("onSend", (request, reply, payload, done) => {
    const since = begun.get(request);
    // The package the handler read from the address: answers about none are not kept.
    const name = request.packageName;
    if (since !== undefined && name && reply.statusCode === 200 && typeof payload === "string") {
      const headers: Kept["headers"] = {};
      for (const header of KEPT_HEADERS) {
        const value = reply.getHeader(header);
        if (value !== undefined) headers[header] = String(value);
      }
      const etag = reply.getHeader("etag");
      answers.keep(keyOf(request), since, {
        packageKey: packageKey(name),
        body: payload,
        headers,
        etag: etag === undefined ? undefined : String(etag),
      });
    }
    done(null, payload);
  });
}

function sendKept(
  request: FastifyRequest,
  reply: FastifyReply,
  kept: Kept,
  gzipped: Buffer | null,
): FastifyReply {
  void reply.headers(kept.headers);
  const { etags } = kept;
  if (etags !== undefined) {
    void reply.header("etag", gzipped ? etags.gzipped : etags.plain);
    // Either form the client holds is as good as the other: they hold the same answer.
    const held = request.headers["if-none-match"];
    if (
      held !== undefined &&
      (matchesEtag(held, etags.plain) || matchesEtag(held, etags.gzipped))
    ) {
      return reply.code(304).send();
    }
  }
  if (gzipped) return reply.header("content-encoding", "gzip").send(gzipped);
  return reply.send(kept.body);
}
