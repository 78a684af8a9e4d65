import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { getCACertificates, setDefaultCACertificates } from "node:tls";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { temporaryDir } from "./registry.ts";

// A local OpenID Connect issuer, as a CI service runs one: its discovery
// document and its keys (JWKS) over HTTPS on loopback, with a certificate made
// for the test and trusted the way a Node.js process trusts one (its default
// CA certificates, or NODE_EXTRA_CA_CERTS for a process of its own). It signs
// ID tokens with keys jose generates, and can retire them.

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];

export interface SigningKey {
  kid: string;
  privateKey: PrivateKey;
  publicJwk: JWK;
}

export async function signingKey(kid = `key-${randomUUID().slice(0, 8)}`): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  return {
    kid,
    privateKey,
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" },
  };
}

export interface MintOptions {
  /** Signed with this key instead of the issuer's current one. */
  key?: SigningKey;
  /** The header's kid, when it should name another key than the one that signs. */
  kid?: string;
  issuer?: string;
  audience?: string;
  /** Seconds since the epoch. */
  issuedAt?: number;
  notBefore?: number;
  expiresAt?: number;
}

/** The claims GitHub Actions puts in a job's ID token, for a run of a workflow. */
export function githubClaims(
  repository: string,
  workflow: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const owner = repository.split("/")[0]!;
  const ref = "refs/tags/v1.0.0";
  return {
    jti: randomUUID(),
    sub: `repo:${repository}:ref:${ref}`,
    ref,
    sha: "2f1e4a8c7b9d0e3f6a5b4c3d2e1f0a9b8c7d6e5f",
    repository,
    repository_id: "74581203",
    repository_owner: owner,
    repository_owner_id: "9919",
    repository_visibility: "public",
    run_id: "9876543210",
    run_number: "42",
    run_attempt: "1",
    actor: "octocat",
    actor_id: "583231",
    workflow: "Release",
    workflow_ref: `${repository}/.github/workflows/${workflow}@${ref}`,
    workflow_sha: "2f1e4a8c7b9d0e3f6a5b4c3d2e1f0a9b8c7d6e5f",
    job_workflow_ref: `${repository}/.github/workflows/${workflow}@${ref}`,
    event_name: "push",
    ref_type: "tag",
    runner_environment: "github-hosted",
    ...extra,
  };
}

const base64url = (value: unknown): string =>
  Buffer.from(JSON.stringify(value)).toString("base64url");

export class OidcIssuer {
  readonly url: string;
  /** The certificate's file, for NODE_EXTRA_CA_CERTS. */
  readonly caFile: string;
  /** How long the issuer lets its keys be kept, in seconds. */
  keysMaxAge = 300;
  /** How many times its keys were fetched. */
  keyFetches = 0;
  #listed: SigningKey[];
  readonly #server: Server;
  readonly #dir: string;
  readonly #now: () => number;

  private constructor(
    server: Server,
    url: string,
    dir: string,
    key: SigningKey,
    now: () => number,
  ) {
    this.#server = server;
    this.url = url;
    this.#dir = dir;
    this.caFile = join(dir, "cert.pem");
    this.#listed = [key];
    this.#now = now;
  }

  /** Starts an issuer on a loopback port; `now` is the clock its tokens are dated by (ms). */
  static async start(now: () => number = Date.now): Promise<OidcIssuer> {
    const dir = temporaryDir("oidc-issuer-");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
      ],
      { stdio: "ignore" },
    );
    let issuer: OidcIssuer | undefined;
    const server = createServer(
      { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) },
      (request, response) => issuer!.answer(request.url ?? "", response),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    issuer = new OidcIssuer(server, `https://127.0.0.1:${port}`, dir, await signingKey(), now);
    return issuer;
  }

  answer(path: string, response: import("node:http").ServerResponse): void {
    if (path === "/.well-known/openid-configuration") {
      response.setHeader("content-type", "application/json");
      response.end(
        JSON.stringify({
          issuer: this.url,
          jwks_uri: `${this.url}/.well-known/jwks`,
          id_token_signing_alg_values_supported: ["RS256"],
        }),
      );
      return;
    }
    if (path === "/.well-known/jwks") {
      this.keyFetches++;
      response.setHeader("content-type", "application/json");
      response.setHeader("cache-control", `public, max-age=${this.keysMaxAge}`);
      response.end(JSON.stringify({ keys: this.#listed.map((key) => key.publicJwk) }));
      return;
    }
    response.statusCode = 404;
    response.end();
  }

  /** The key it signs with now. */
  get currentKey(): SigningKey {
    return this.#listed.at(-1)!;
  }

  /** Signs with a new key and stops listing the old ones; the retired key, to sign stale tokens with. */
  async rotate(): Promise<SigningKey> {
    const retired = this.currentKey;
    this.#listed = [await signingKey()];
    return retired;
  }

  /** An ID token for these claims, for `audience`, valid from now for 5 minutes unless told. */
  async mint(
    claims: Record<string, unknown>,
    audience: string,
    options: MintOptions = {},
  ): Promise<string> {
    const key = options.key ?? this.currentKey;
    const now = Math.floor(this.#now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: options.kid ?? key.kid })
      .setIssuer(options.issuer ?? this.url)
      .setAudience(options.audience ?? audience)
      .setIssuedAt(options.issuedAt ?? now)
      .setNotBefore(options.notBefore ?? now - 5)
      .setExpirationTime(options.expiresAt ?? now + 300)
      .sign(key.privateKey);
  }

  /** The same claims with `"alg": "none"` and no signature at all. */
  unsigned(claims: Record<string, unknown>, audience: string): string {
    const now = Math.floor(this.#now() / 1000);
    const payload = {
      ...claims,
      iss: this.url,
      aud: audience,
      iat: now,
      nbf: now - 5,
      exp: now + 300,
    };
    return `${base64url({ alg: "none", typ: "JWT" })}.${base64url(payload)}.`;
  }

  /** Lets this process's TLS clients (fetch included) trust the issuer's certificate. */
  trustInThisProcess(): void {
    const pem = readFileSync(this.caFile, "utf8");
    setDefaultCACertificates([...getCACertificates("default"), pem]);
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/**
 * A stand-in for GitHub Actions' ID token request endpoint (what
 * ACTIONS_ID_TOKEN_REQUEST_URL points at): given the job's request token as a
 * bearer token, it answers `{"value": <ID token>}` for the audience asked,
 * signed by the local issuer.
 */
export class GithubTokenService {
  readonly url: string;
  readonly requestToken = randomUUID();
  /** The audiences asked for, in order. */
  readonly audiences: string[] = [];
  readonly #server: Server;

  private constructor(server: Server, url: string) {
    this.#server = server;
    this.url = url;
  }

  static async start(
    issuer: OidcIssuer,
    claims: () => Record<string, unknown>,
  ): Promise<GithubTokenService> {
    let service: GithubTokenService | undefined;
    const server = createHttpServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://localhost");
      const audience = url.searchParams.get("audience");
      if (request.headers.authorization !== `Bearer ${service!.requestToken}`) {
        response.statusCode = 401;
        response.end(JSON.stringify({ message: "Bad credentials" }));
        return;
      }
      if (url.searchParams.get("api-version") !== "2.0" || audience === null) {
        response.statusCode = 400;
        response.end(JSON.stringify({ message: "api-version and audience are required" }));
        return;
      }
      service!.audiences.push(audience);
      void issuer.mint(claims(), audience).then((value) => {
        response.setHeader("content-type", "application/json");
        response.end(JSON.stringify({ count: value.length, value }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    // As GitHub gives it: a URL that already carries a query.
    service = new GithubTokenService(
      server,
      `http://127.0.0.1:${port}/_apis/distributedtask/token?api-version=2.0`,
    );
    return service;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
