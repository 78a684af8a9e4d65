import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  type JSONWebKeySet,
  type JWTPayload,
  jwtVerify,
} from "jose";
import { providerNamed } from "../../core/ciProviders.ts";
import type { Clock } from "../../ports/clock.ts";
import type { IdTokenRefusal, IdTokenVerifier, VerifiedIdToken } from "../../ports/idTokens.ts";
import { err, ok, type Result } from "../../result.ts";
import { ISSUER_FETCH_LIMITS } from "./boundedFetch.ts";
import { IssuerKeys } from "./issuerKeys.ts";

// Verifies a CI job's ID token with jose: signed by a key its issuer lists
// now, with an algorithm that issuer uses, for this registry's audience,
// within its times. Which issuers are trusted, and as which provider, is the
// registry's configuration.

/** How far the registry's clock and an issuer's may disagree. */
const CLOCK_TOLERANCE_SECONDS = 30;

export interface TrustedIssuer {
  issuer: string;
  /** The name of its CI provider's description (`github`). */
  provider: string;
}

const isoSeconds = (seconds: unknown): string =>
  typeof seconds === "number" ? new Date(seconds * 1000).toISOString() : "an unknown time";

export class JoseIdTokenVerifier implements IdTokenVerifier {
  readonly #issuers: Map<string, { provider: string; keys: IssuerKeys }>;
  readonly #clock: Clock;

  constructor(issuers: readonly TrustedIssuer[], clock: Clock) {
    this.#clock = clock;
    this.#issuers = new Map(
      issuers.map(({ issuer, provider }) => [
        issuer,
        { provider, keys: new IssuerKeys(issuer, clock, ISSUER_FETCH_LIMITS) },
      ]),
    );
  }

  async verify(token: string, audience: string): Promise<Result<VerifiedIdToken, IdTokenRefusal>> {
    let algorithm: string | undefined;
    let unverified: JWTPayload;
    try {
      algorithm = decodeProtectedHeader(token).alg;
      unverified = decodeJwt(token);
    } catch {
      return err({ kind: "id_token_malformed" });
    }
    if (algorithm === undefined || algorithm.toLowerCase() === "none") {
      return err({ kind: "id_token_unsigned" });
    }
    const issuer = typeof unverified.iss === "string" ? unverified.iss : undefined;
    const trusted = issuer === undefined ? undefined : this.#issuers.get(issuer);
    if (issuer === undefined || !trusted) {
      return err({ kind: "id_token_issuer", issuer, trusted: [...this.#issuers.keys()] });
    }
    const allowed = providerNamed(trusted.provider)?.algorithms ?? ["RS256"];
    if (!allowed.includes(algorithm)) {
      return err({ kind: "id_token_algorithm", algorithm, allowed });
    }
    let keys: JSONWebKeySet;
    try {
      keys = await trusted.keys.current();
    } catch (error) {
      return err({ kind: "id_token_issuer_unavailable", issuer, reason: (error as Error).message });
    }
    let verified = await this.#verifyWith(token, keys, { issuer, audience, allowed });
    if (!verified.ok && verified.error.kind === "id_token_unknown_key") {
      // Perhaps a key the issuer has added since its keys were fetched.
      let fresh: JSONWebKeySet | undefined;
      try {
        fresh = await trusted.keys.refresh();
      } catch (error) {
        return err({
          kind: "id_token_issuer_unavailable",
          issuer,
          reason: (error as Error).message,
        });
      }
      if (fresh) verified = await this.#verifyWith(token, fresh, { issuer, audience, allowed });
    }
    if (!verified.ok) return verified;
    const payload = verified.value;
    return ok({
      issuer,
      provider: trusted.provider,
      claims: payload as Record<string, unknown>,
      expiresAt: (payload.exp ?? 0) * 1000,
    });
  }

  async #verifyWith(
    token: string,
    keys: JSONWebKeySet,
    expected: { issuer: string; audience: string; allowed: readonly string[] },
  ): Promise<Result<JWTPayload, IdTokenRefusal>> {
    try {
      const { payload } = await jwtVerify(token, createLocalJWKSet(keys), {
        issuer: expected.issuer,
        audience: expected.audience,
        algorithms: [...expected.allowed],
        currentDate: new Date(this.#clock.now()),
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ["exp", "iat"],
      });
      return ok(payload);
    } catch (error) {
      return err(refusalFor(error, token, expected));
    }
  }
}

function refusalFor(
  error: unknown,
  token: string,
  expected: { issuer: string; audience: string; allowed: readonly string[] },
): IdTokenRefusal {
  if (
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    let keyId: string | undefined;
    try {
      keyId = decodeProtectedHeader(token).kid;
    } catch {
      keyId = undefined;
    }
    return { kind: "id_token_unknown_key", issuer: expected.issuer, keyId };
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return { kind: "id_token_signature", issuer: expected.issuer };
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return {
      kind: "id_token_algorithm",
      algorithm: "another algorithm",
      allowed: expected.allowed,
    };
  }
  if (error instanceof errors.JWTExpired) {
    return { kind: "id_token_expired", at: isoSeconds(error.payload.exp) };
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === "missing") return { kind: "id_token_claim_missing", claim: error.claim };
    switch (error.claim) {
      case "nbf":
        return { kind: "id_token_not_yet_valid", from: isoSeconds(error.payload.nbf) };
      case "aud": {
        const given = error.payload.aud;
        return {
          kind: "id_token_audience",
          expected: expected.audience,
          given: Array.isArray(given) ? given : typeof given === "string" ? [given] : [],
        };
      }
      case "iss":
        return {
          kind: "id_token_issuer",
          issuer: String(error.payload.iss),
          trusted: [expected.issuer],
        };
      case "iat":
        return { kind: "id_token_not_yet_valid", from: isoSeconds(error.payload.iat) };
      default:
        return { kind: "id_token_malformed" };
    }
  }
  return { kind: "id_token_malformed" };
}
