import { randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ErrorAnswer } from "../http/errorAnswer.ts";
import { siteCookies } from "./cookies.ts";
import { FORM_TOKEN_FIELD } from "./formToken.ts";

// The site's forms act for whoever's browser sends them: log in, log out,
// confirm a login. Another site could make a browser send them too, a form
// that submits itself, and so log its visitor in as someone else or out. So
// a form is taken only when it comes from one of this site's own pages:
//
// - the browser says where the form was sent from: its `Origin` must be this
//   site (the public URL, or the address the request came to), or, without
//   an `Origin`, `Sec-Fetch-Site` must say same-origin (or a person typing);
// - and it carries the browser's form token, which is also in a cookie of its
//   own: another site can neither read the token nor set the cookie.

/** Where the browser keeps its form token. */
export const FORM_COOKIE = "gren_form";

/** Answers the pages render for the request, and the token they put in their forms. */
const tokens = new WeakMap<FastifyRequest, () => string>();

/** The form token of the browser the page is for, when the request is a page's: for `renderPage`. */
export const formTokenOf = (request: FastifyRequest): (() => string) | undefined =>
  tokens.get(request);

const refusal = (why: string) =>
  new ErrorAnswer(
    "forbidden",
    `This form was refused: ${why} Go back, reload the page and send it again.`,
  );

export class FormGuard {
  readonly #publicOrigin: string;
  readonly #cookie: ReturnType<typeof siteCookies>;

  constructor(publicUrl: string) {
    this.#publicOrigin = new URL(publicUrl).origin;
    this.#cookie = siteCookies(publicUrl);
  }

  /** Guards every form `app` takes, and gives the pages it renders their form token. */
  guard(app: FastifyInstance): void {
    app.addHook("onRequest", (request, reply, done) => {
      tokens.set(request, () => this.#tokenFor(request, reply));
      done();
    });
    app.addHook("preValidation", (request, _reply, done) => {
      if (request.method !== "POST") return done();
      try {
        this.#check(request);
        done();
      } catch (error) {
        done(error as Error);
      }
    });
  }

  #tokenFor(request: FastifyRequest, reply: FastifyReply): string {
    const held = request.cookies?.[FORM_COOKIE];
    if (held !== undefined && held.length >= 32) return held;
    const token = randomBytes(24).toString("base64url");
    void reply.setCookie(FORM_COOKIE, token, this.#cookie(request));
    // A second form on the same page gets the same token.
    tokens.set(request, () => token);
    return token;
  }

  #check(request: FastifyRequest): void {
    const origin = request.headers.origin;
    if (origin !== undefined) {
      if (!this.#isOwnOrigin(origin, request)) {
        throw refusal(
          `it was sent from ${origin === "null" ? "a page with no address" : origin}, not from this site.`,
        );
      }
    } else {
      const site = request.headers["sec-fetch-site"];
      if (site !== undefined && site !== "same-origin" && site !== "none") {
        throw refusal("it was sent from another site.");
      }
    }
    const held = request.cookies?.[FORM_COOKIE];
    const sent = (request.body as Record<string, unknown> | undefined)?.[FORM_TOKEN_FIELD];
    if (held === undefined || typeof sent !== "string" || !sameText(held, sent)) {
      throw refusal("it did not come from a page of this site in this browser.");
    }
  }

  #isOwnOrigin(origin: string, request: FastifyRequest): boolean {
    if (origin === this.#publicOrigin) return true;
    try {
      // The address the browser sent the form to, whatever the public URL says.
      return new URL(origin).host === request.host;
    } catch {
      return false;
    }
  }
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
