import type { FastifyRequest } from "fastify";
import {
  type Authenticated,
  authenticate,
  type SessionPolicy,
  type User,
} from "../../core/sessions.ts";
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

export function unauthenticated(token: string | undefined): ErrorAnswer {
  return new ErrorAnswer(
    "unauthenticated",
    token === undefined
      ? "This needs a session token: log in and send it as `Authorization: Bearer <token>`."
      : "That session token is not valid (it may have been logged out or have expired); log in again.",
  );
}

/** Who a request comes from, by its session token, for every route alike. */
export class Authenticator {
  readonly #ports: Ports;
  readonly #policy: SessionPolicy;

  constructor(ports: Ports, policy: SessionPolicy) {
    this.#ports = ports;
    this.#policy = policy;
  }

  /** The session a request was made with; 401 without one, or with one not (or no longer) valid. */
  session(request: FastifyRequest, token = bearerToken(request)): Authenticated {
    const session =
      token === undefined ? undefined : authenticate(this.#ports, token, this.#policy);
    if (!session) throw unauthenticated(token);
    return session;
  }

  /** The logged-in user, or a 401 answer. */
  user(request: FastifyRequest, token = bearerToken(request)): User {
    return this.session(request, token).user;
  }

  /** The logged-in user when a token is sent (which must then be valid), else undefined. */
  viewer(request: FastifyRequest): User | undefined {
    const token = bearerToken(request);
    return token === undefined ? undefined : this.user(request, token);
  }

  get policy(): SessionPolicy {
    return this.#policy;
  }
}
