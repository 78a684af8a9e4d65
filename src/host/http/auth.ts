import type { FastifyRequest } from "fastify";
import { authenticateToken } from "../../core/apiTokens.ts";
import { actingUser, type Grant } from "../../core/grants.ts";
import {
  type Authenticated,
  authenticate,
  type SessionPolicy,
  type User,
} from "../../core/sessions.ts";
import { looksLikeApiToken } from "../../core/tokenText.ts";
import type { AddressRanges } from "../../ports/addressRanges.ts";
import type { Ports } from "../../ports/index.ts";
import { orAnswer } from "./coreErrors.ts";
import { ErrorAnswer } from "./errorAnswer.ts";

/** For a route's OpenAPI schema: it needs a session token. */
export const SESSION_REQUIRED = [{ session: [] }];
/** For a route's OpenAPI schema: a session token, when sent, shows what members see. */
export const SESSION_OPTIONAL = [{}, { session: [] }, { apiToken: [] }];
/** For a route's OpenAPI schema: a session token, or an API token whose scopes allow it. */
export const TOKEN_ACCEPTED = [{ session: [] }, { apiToken: [] }];

/** The token of `Authorization: Bearer <token>`, if there is one. */
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

const needsSession = (): ErrorAnswer =>
  new ErrorAnswer(
    "forbidden",
    "This needs a session: an API token can only publish and revoke within its scopes. Log in, and send your session token.",
  );

/** Who a request comes from: a user by their session, or whoever an API token stands for. */
export interface Caller {
  user: User;
  /** What the API token allows, when the request came with one. */
  grant?: Grant;
}

/** Who a request comes from, by its session token or API token, for every route alike. */
export class Authenticator {
  readonly #ports: Ports;
  readonly #policy: SessionPolicy;
  readonly #ranges: AddressRanges;

  constructor(ports: Ports, policy: SessionPolicy, ranges: AddressRanges) {
    this.#ports = ports;
    this.#policy = policy;
    this.#ranges = ranges;
  }

  /** What an API token allows; 401 for a mistyped, unknown or expired one. */
  #grant(request: FastifyRequest, token: string): Grant {
    return orAnswer(
      authenticateToken(this.#ports, token, { address: request.ip, ranges: this.#ranges }),
    );
  }

  /**
   * The session a request was made with; 401 without one, or with one not (or
   * no longer) valid; 403 for an API token, which never stands for a session.
   */
  session(request: FastifyRequest, token = bearerToken(request)): Authenticated {
    if (token !== undefined && looksLikeApiToken(token)) {
      this.#grant(request, token);
      throw needsSession();
    }
    const session =
      token === undefined ? undefined : authenticate(this.#ports, token, this.#policy);
    if (!session) throw unauthenticated(token);
    return session;
  }

  /** The logged-in user, or a 401 answer. */
  user(request: FastifyRequest, token = bearerToken(request)): User {
    return this.session(request, token).user;
  }

  /**
   * The logged-in user when a session token is sent (which must then be
   * valid), else undefined. An API token reads what anyone may: its scopes are
   * publishing and revoking, not seeing private packages.
   */
  viewer(request: FastifyRequest): User | undefined {
    const token = bearerToken(request);
    if (token === undefined) return undefined;
    if (looksLikeApiToken(token)) {
      this.#grant(request, token);
      return undefined;
    }
    return this.user(request, token);
  }

  /** Who publishes or revokes: a session's user, or an API token's grant and who stands behind it. */
  caller(request: FastifyRequest): Caller {
    const token = bearerToken(request);
    if (token !== undefined && looksLikeApiToken(token)) {
      const grant = this.#grant(request, token);
      return { user: actingUser(grant), grant };
    }
    return { user: this.user(request, token) };
  }

  get policy(): SessionPolicy {
    return this.#policy;
  }
}
