import type { Result } from "../result.ts";

/** An ID token whose signature, issuer, audience and times were verified. */
export interface VerifiedIdToken {
  issuer: string;
  /** The name of the CI provider the registry knows this issuer as (`github`). */
  provider: string;
  claims: Record<string, unknown>;
  /** When it expires, in milliseconds since the epoch. */
  expiresAt: number;
}

/** Why an ID token was not accepted, each case its own sentence. */
export type IdTokenRefusal =
  | { kind: "id_token_malformed" }
  | { kind: "id_token_unsigned" }
  | { kind: "id_token_algorithm"; algorithm: string; allowed: readonly string[] }
  | { kind: "id_token_issuer"; issuer: string | undefined; trusted: readonly string[] }
  | { kind: "id_token_unknown_key"; issuer: string; keyId: string | undefined }
  | { kind: "id_token_signature"; issuer: string }
  | { kind: "id_token_audience"; expected: string; given: readonly string[] }
  | { kind: "id_token_expired"; at: string }
  | { kind: "id_token_not_yet_valid"; from: string }
  | { kind: "id_token_claim_missing"; claim: string }
  /** The issuer's discovery document or keys could not be had: the registry's trouble, not the token's. */
  | { kind: "id_token_issuer_unavailable"; issuer: string; reason: string };

/** Verifies OIDC ID tokens against the keys their issuers publish. */
export interface IdTokenVerifier {
  verify(token: string, audience: string): Promise<Result<VerifiedIdToken, IdTokenRefusal>>;
}
