import { type Static, Type } from "typebox";
import { Revocation } from "./packages.ts";

/** The contract's error codes, each with its one HTTP status. */
export const ERROR_STATUS = {
  invalid_request: 400,
  invalid_bundle: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
  mail_failed: 502,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Every non-2xx answer: a code, a sentence a person can act on, and what some codes add. */
export const ErrorBody = Type.Object({
  code: Type.Enum(Object.keys(ERROR_STATUS) as ErrorCode[]),
  message: Type.String(),
  /** With `invalid_bundle` and a resolution's `conflict`: one sentence per problem. */
  problems: Type.Optional(Type.Array(Type.String())),
  /** With `gone`, and a `conflict` from revoking a revoked version: when and why it was revoked. */
  revoked: Type.Optional(Revocation),
  /** With `not_found` for a package: close names of packages the caller may see, perhaps none. */
  suggestions: Type.Optional(Type.Array(Type.String())),
  /** With `unavailable` from /health. */
  status: Type.Optional(Type.String()),
});
export type ErrorBody = Static<typeof ErrorBody>;
