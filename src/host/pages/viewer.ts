import type { FastifyRequest } from "fastify";
import type { User } from "../../core/sessions.ts";
import type { Authenticator } from "../http/auth.ts";
import { ErrorAnswer } from "../http/errorAnswer.ts";

/**
 * Who is looking at a page, if anyone is logged in. The one place pages
 * learn it, so that a session kept in a cookie can replace the bearer token
 * here alone. A session that no longer works shows the pages as to anyone
 * logged out, rather than an error: a person can simply log in again.
 */
export function pageViewer(auth: Authenticator, request: FastifyRequest): User | undefined {
  try {
    return auth.viewer(request);
  } catch (error) {
    if (error instanceof ErrorAnswer && error.code === "unauthenticated") return undefined;
    throw error;
  }
}
