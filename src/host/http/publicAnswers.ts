import { gzipSync } from "node:zlib";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { gzippedEtag, matchesEtag } from "./etags.ts";

// What anyone may read about a package (its versions, `latest`, its index)
// changes only when a version is published or revoked, and is read far more
// often than that: by every build of every project that uses it. So the
// answers to anonymous reads are kept, as sent, until the next change commits
// (the notifier tells at once, before the change's own answer goes out).
// Answers to a logged-in reader are never kept: they may hold private packages.

/** The headers an answer is served again with; the rest are the request's own. */
const KEPT_HEADERS = ["content-type", "etag", "cache-control"] as const;

/** Below this, compressing saves less than the header announcing it costs. */
const GZIP_FROM_BYTES = 1024;

interface Kept {
  body: string;
  headers: Partial<Record<(typeof KEPT_HEADERS)[number], string>>;
  /** Made the first time a client that accepts gzip asks; null when not worth it. */
  gzipped: Buffer | null | undefined;
}

/** Marks a route whose anonymous answers may be kept. */
export const PUBLIC_ANSWER = { publicAnswer: true } as const;

/**
 * The kept answers, by URL, the least recently used forgotten first once they
 * take more than `maxBytes`.
 */
export class PublicAnswers {
  readonly #entries = new Map<string, Kept>();
  readonly #maxBytes: number;
  #bytes = 0;
  #generation = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Every kept answer is forgotten: something they may show has changed. */
  forget(): void {
    this.#entries.clear();
    this.#bytes = 0;
    this.#generation++;
  }

  /** Moves on at every change: an answer made across one is not kept. */
  get generation(): number {
    return this.#generation;
  }

  find(url: string): Kept | undefined {
    const kept = this.#entries.get(url);
    if (kept) {
      this.#entries.delete(url);
      this.#entries.set(url, kept);
    }
    return kept;
  }

  keep(url: string, madeIn: number, answer: Omit<Kept, "gzipped">): void {
    if (madeIn !== this.#generation || answer.body.length > this.#maxBytes) return;
    this.#drop(url);
    this.#entries.set(url, { ...answer, gzipped: undefined });
    this.#bytes += answer.body.length;
    for (const [oldest] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#drop(oldest);
    }
  }

  /** The body gzipped, made once per kept answer. */
  gzipped(kept: Kept): Buffer | null {
    if (kept.gzipped === undefined) {
      kept.gzipped = kept.body.length < GZIP_FROM_BYTES ? null : gzipSync(kept.body);
      if (kept.gzipped) this.#bytes += kept.gzipped.length;
    }
    return kept.gzipped;
  }

  #drop(url: string): void {
    const kept = this.#entries.get(url);
    if (!kept) return;
    this.#entries.delete(url);
    this.#bytes -= kept.body.length + (kept.gzipped?.length ?? 0);
  }
}

const anonymousRead = (request: FastifyRequest) =>
  request.method === "GET" &&
  request.headers.authorization === undefined &&
  (request.routeOptions.config as { publicAnswer?: boolean }).publicAnswer === true;

const acceptsGzip = (request: FastifyRequest) =>
  /(^|,)\s*gzip\s*(;\s*q=(1(\.0*)?|0\.\d*[1-9]\d*))?\s*(,|$)/i.test(
    String(request.headers["accept-encoding"] ?? ""),
  );

/**
 * Serves the routes marked `PUBLIC_ANSWER` in `app` from `answers` when it
 * can, and keeps their anonymous 200 answers for next time.
 */
export function servePublicAnswers(app: FastifyInstance, answers: PublicAnswers): void {
  const madeIn = new WeakMap<FastifyRequest, number>();

  // Callbacks rather than promises: these run for every read of a package.
  app.addHook("onRequest", (request, reply, done) => {
    if (!anonymousRead(request)) return done();
    // Kept answers may go out compressed, so every answer here says it depends on that.
    void reply.header("vary", "Accept-Encoding");
    const kept = answers.find(request.url);
    if (!kept) {
      madeIn.set(request, answers.generation);
      return done();
    }
    sendKept(request, reply, answers, kept);
  });

  app.addHook("onSend", (request, reply, payload, done) => {
    const generation = madeIn.get(request);
    if (generation !== undefined && reply.statusCode === 200 && typeof payload === "string") {
      const headers: Kept["headers"] = {};
      for (const name of KEPT_HEADERS) {
        const value = reply.getHeader(name);
        if (value !== undefined) headers[name] = String(value);
      }
      answers.keep(request.url, generation, { body: payload, headers });
    }
    done(null, payload);
  });
}

function sendKept(
  request: FastifyRequest,
  reply: FastifyReply,
  answers: PublicAnswers,
  kept: Kept,
): FastifyReply {
  const { etag, ...others } = kept.headers;
  void reply.headers(others);
  const gzipped = acceptsGzip(request) ? answers.gzipped(kept) : null;
  if (etag !== undefined) {
    const sent = gzipped ? gzippedEtag(etag) : etag;
    void reply.header("etag", sent);
    // Either form the client holds is as good as the other: they hold the same answer.
    const held = request.headers["if-none-match"];
    if (matchesEtag(held, etag) || matchesEtag(held, gzippedEtag(etag))) {
      return reply.code(304).send();
    }
  }
  if (gzipped) return reply.header("content-encoding", "gzip").send(gzipped);
  return reply.send(kept.body);
}
