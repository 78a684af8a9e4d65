import type { FastifyRequest } from "fastify";
import { authenticate, type User } from "../../core/sessions.ts";
import type { Ports } from "../../ports/index.ts";
import { ErrorAnswer } from "./errorAnswer.ts";

/** For a route's OpenAPI schema: it needs a session token. */
export const SESSION_REQUIRED = [{ session: [] }];
/** For a route's OpenAPI schema: a session token, when sent, shows what members see. */
export const SESSION_OPTIONAL = [{}, { session: [] }];

/** The session token of `Authorization: Bearer <token>`, if there is one. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? "");
  return match?.[1];
}

/** The logged-in user, or a 401 answer. */
export function requireUser(ports: Ports, token: string | undefined): User {
  const user = token === undefined ? undefined : authenticate(ports, token);
  if (!user) throw unauthenticated(token);
  return user;
}

export function unauthenticated(token: string | undefined): ErrorAnswer {
  return new ErrorAnswer(
    "unauthenticated",
    token === undefined
      ? "This needs a session token: log in and send it as `Authorization: Bearer <token>`."
      : "That session token is not valid (it may have been logged out); log in again.",
  );
}

/** The logged-in user when a token is sent (which must then be valid), else undefined. */
export function optionalUser(ports: Ports, token: string | undefined): User | undefined {
  return token === undefined ? undefined : requireUser(ports, token);
}
