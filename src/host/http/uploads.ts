import { Transform, type TransformCallback } from "node:stream";
import type { FastifyReply } from "fastify";
import type { UploadLimits } from "../config.ts";
import { ErrorAnswer } from "./errorAnswer.ts";

// Bundle uploads are the one large thing a client sends, so they are the one
// way a client could hold the server: by sending slowly, or by sending many at
// once. Each upload needs a slot, overall and for its user, and is cut when it
// arrives too slowly or takes too long. Who may publish is decided before any
// of the body is read (see the publish route), so refusals cost nothing.

/** A cut upload's answer closes its connection: the rest of its body is not worth reading. */
const closing = (answer: ErrorAnswer) =>
  new ErrorAnswer(answer.code, answer.message, answer.extra, {
    ...answer.headers,
    connection: "close",
  });

/** Speed is judged only after this long, so a slow start (TLS, a busy client) is forgiven. */
const GRACE_MS = 5000;
const CHECK_EVERY_MS = 1000;

/** How many uploads are being received, in all and per user. */
export class UploadSlots {
  readonly #limits: UploadLimits;
  readonly #perUser = new Map<number | string, number>();
  #total = 0;

  constructor(limits: UploadLimits) {
    this.#limits = limits;
  }

  /**
   * Takes a slot for the user's upload, given back when the answer has gone
   * (or the connection dropped); refused with 429 when none is free. A
   * workflow publishing for a trusted publisher counts as a user of its own.
   */
  take(userId: number | string, reply: FastifyReply): void {
    const mine = this.#perUser.get(userId) ?? 0;
    if (this.#total >= this.#limits.inFlight || mine >= this.#limits.perUser) {
      throw closing(
        new ErrorAnswer(
          "rate_limited",
          mine >= this.#limits.perUser
            ? `You are already uploading ${mine} bundle${mine === 1 ? "" : "s"}, the most one user may at once; send this one when one of them is done.`
            : "The registry is receiving as many uploads as it takes at once; send this one again in a few seconds.",
          {},
          { "retry-after": "5" },
        ),
      );
    }
    this.#total++;
    this.#perUser.set(userId, mine + 1);
    let released = false;
    reply.raw.once("close", () => {
      if (released) return;
      released = true;
      this.#total--;
      const left = (this.#perUser.get(userId) ?? 1) - 1;
      if (left > 0) this.#perUser.set(userId, left);
      else this.#perUser.delete(userId);
    });
  }

  get inFlight(): number {
    return this.#total;
  }
}

/**
 * The upload's body as it arrives, cut with a clear error when it takes
 * longer than the deadline, or arrives on average slower than the minimum rate
 * once the grace period is over.
 */
export class UploadGuard extends Transform {
  readonly #limits: UploadLimits;
  readonly #started = Date.now();
  readonly #timer: NodeJS.Timeout;
  #received = 0;

  /** What the body parser and its limit checks read from the request. */
  receivedEncodedLength = 0;

  constructor(limits: UploadLimits) {
    super();
    this.#limits = limits;
    this.#timer = setInterval(() => this.#check(), CHECK_EVERY_MS);
    this.#timer.unref();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#received += chunk.length;
    this.receivedEncodedLength = this.#received;
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    clearInterval(this.#timer);
    done();
  }

  override _destroy(error: Error | null, done: (error: Error | null) => void): void {
    clearInterval(this.#timer);
    done(error);
  }

  #check(): void {
    const elapsed = Date.now() - this.#started;
    if (elapsed > this.#limits.timeoutMs) {
      this.destroy(
        closing(
          new ErrorAnswer(
            "invalid_request",
            `The upload took longer than ${this.#limits.timeoutMs / 1000} seconds, the most the registry waits for one; send it again over a faster connection.`,
          ),
        ),
      );
    } else if (
      elapsed >= GRACE_MS &&
      (this.#received * 1000) / elapsed < this.#limits.minBytesPerSecond
    ) {
      this.destroy(
        closing(
          new ErrorAnswer(
            "invalid_request",
            `The upload arrived slower than ${this.#limits.minBytesPerSecond} bytes a second, the least the registry waits for; send it again over a faster connection.`,
          ),
        ),
      );
    }
  }
}
