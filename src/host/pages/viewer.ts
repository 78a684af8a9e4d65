import type { FastifyRequest } from "fastify";
import type { User } from "../../core/sessions.ts";
import type { Authenticator } from "../http/auth.ts";
import { ErrorAnswer } from "../http/errorAnswer.ts";
import { SESSION_COOKIE } from "./loginPages.ts";

/**
 * Who is looking at a page, if anyone is logged in: the session in the
 * browser's cookie, or a bearer token as the API takes. Only pages read the
 * cookie; the API, which changes things, takes only bearer tokens, so no other
 * site can act on someone's behalf. A session that no longer works shows the
 * pages as to anyone logged out, rather than an error: a person can simply log
 * in again.
 */
export function pageViewer(auth: Authenticator, request: FastifyRequest): User | undefined {
  try {
    const cookie = request.cookies?.[SESSION_COOKIE];
    return cookie ? auth.user(request, cookie) : auth.viewer(request);
  } catch (error) {
    if (error instanceof ErrorAnswer && error.code === "unauthenticated") return undefined;
    throw error;
  }
}
