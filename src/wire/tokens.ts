import { type Static, Type } from "typebox";

import { TOKEN_LIMITS } from "./limits.ts";
import { TOKEN_ACTIONS, type TokenAction as TokenActionName } from "./tokenActions.ts";

export const TokenAction = Type.Enum(TOKEN_ACTIONS);
export type TokenAction = TokenActionName;

/**
 * A package pattern: `author/project` for one package, `author/*` for every
 * package of an identity. Checked by the registry, which explains a wrong one.
 */
export const PackagePattern = Type.String({
  maxLength: 300,
  description: "author/project, or author/* for every package of the identity",
});

/** Actions, patterns and ranges are checked by the registry, so a wrong one gets a sentence. */
export const CreateToken = Type.Object({
  name: Type.String({ maxLength: 200, description: "what the token is for, shown in lists" }),
  actions: Type.Array(Type.String({ maxLength: 50, description: "publish or revoke" }), {
    maxItems: 10,
  }),
  packages: Type.Array(PackagePattern, { maxItems: 100 }),
  expiresInDays: Type.Optional(
    Type.Integer({
      description: `1 to ${TOKEN_LIMITS.maxDays}; ${TOKEN_LIMITS.defaultDays} when left out`,
    }),
  ),
  cidrs: Type.Optional(
    Type.Array(
      Type.String({
        maxLength: 100,
        description: "an IPv4 or IPv6 address range, as 203.0.113.0/24",
      }),
      { maxItems: 100 },
    ),
  ),
});
export type CreateToken = Static<typeof CreateToken>;

export const TokenView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  actions: Type.Array(TokenAction),
  packages: Type.Array(Type.String()),
  /** Address ranges the token may be used from; empty for anywhere. */
  cidrs: Type.Array(Type.String()),
  createdAt: Type.String(),
  /** Updated at most once a minute; null until first used. */
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
  expiresAt: Type.String(),
});
export type TokenView = Static<typeof TokenView>;

/** The token's text is in this answer only: the registry keeps its hash alone. */
export const TokenCreated = Type.Object({
  ...TokenView.properties,
  token: Type.String({ description: "the token itself, shown this once" }),
});
export type TokenCreated = Static<typeof TokenCreated>;

export const TokenList = Type.Object({ tokens: Type.Array(TokenView) });
export type TokenList = Static<typeof TokenList>;

export const TokenParams = Type.Object({ id: Type.String({ maxLength: 100 }) });
