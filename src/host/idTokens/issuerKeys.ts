import type { JSONWebKeySet } from "jose";
import type { Clock } from "../../ports/clock.ts";
import { type FetchLimits, fetchJson } from "./boundedFetch.ts";

// An issuer's signing keys, found through its OpenID discovery document and
// kept as long as the issuer's own Cache-Control says (within bounds). A key
// the kept set does not list may be new: the set is fetched again, but at
// most once a minute, so tokens naming made-up keys cannot make the registry
// hammer the issuer.

const SECOND = 1000;
/** Kept at least this long, whatever the issuer says, and at most a day. */
const SHORTEST_KEEP = 60 * SECOND;
const LONGEST_KEEP = 24 * 60 * 60 * SECOND;
/** Kept this long when the issuer does not say. */
const DEFAULT_KEEP = 15 * 60 * SECOND;
/** Fetched again for an unknown key at most this often. */
const REFETCH_COOLDOWN = 60 * SECOND;

interface Kept<T> {
  value: T;
  until: number;
}

const keepUntil = (now: number, maxAgeSeconds: number | undefined): number =>
  now +
  (maxAgeSeconds === undefined
    ? DEFAULT_KEEP
    : Math.min(Math.max(maxAgeSeconds * SECOND, SHORTEST_KEEP), LONGEST_KEEP));

export class IssuerKeys {
  readonly issuer: string;
  readonly #clock: Clock;
  readonly #limits: FetchLimits;
  #discovery: Kept<string> | undefined;
  #keys: Kept<JSONWebKeySet> | undefined;
  #fetchedAt = Number.NEGATIVE_INFINITY;
  /** A fetch under way, shared by every request that needs it meanwhile. */
  #pending: Promise<JSONWebKeySet> | undefined;

  constructor(issuer: string, clock: Clock, limits: FetchLimits) {
    this.issuer = issuer;
    this.#clock = clock;
    this.#limits = limits;
  }

  /** The issuer's keys, fetched when none are kept or what is kept has expired. */
  async current(): Promise<JSONWebKeySet> {
    const kept = this.#keys;
    if (kept && kept.until > this.#clock.now()) return kept.value;
    return this.#fetch();
  }

  /** Fetches the keys again unless that was done less than a minute ago; whether it was. */
  async refresh(): Promise<JSONWebKeySet | undefined> {
    if (this.#clock.now() - this.#fetchedAt < REFETCH_COOLDOWN) return undefined;
    return this.#fetch();
  }

  #fetch(): Promise<JSONWebKeySet> {
    this.#pending ??= this.#load().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #load(): Promise<JSONWebKeySet> {
    const jwksUri = await this.#jwksUri();
    this.#fetchedAt = this.#clock.now();
    const fetched = await fetchJson(jwksUri, this.#limits);
    const keys = (fetched.body as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(keys)) throw new Error(`${jwksUri} holds no "keys"`);
    const set = { keys: keys.filter((key) => typeof key === "object" && key !== null) };
    this.#keys = {
      value: set as JSONWebKeySet,
      until: keepUntil(this.#clock.now(), fetched.maxAgeSeconds),
    };
    return this.#keys.value;
  }

  async #jwksUri(): Promise<string> {
    const kept = this.#discovery;
    if (kept && kept.until > this.#clock.now()) return kept.value;
    const url = `${this.issuer}/.well-known/openid-configuration`;
    const fetched = await fetchJson(url, this.#limits);
    const document = (fetched.body ?? {}) as { issuer?: unknown; jwks_uri?: unknown };
    // OpenID Connect Discovery: the document must name the issuer it was fetched for.
    if (document.issuer !== this.issuer) {
      throw new Error(`its discovery document names the issuer ${JSON.stringify(document.issuer)}`);
    }
    if (typeof document.jwks_uri !== "string" || !document.jwks_uri.startsWith("https://")) {
      throw new Error("its discovery document gives no https jwks_uri");
    }
    this.#discovery = {
      value: document.jwks_uri,
      until: keepUntil(this.#clock.now(), fetched.maxAgeSeconds),
    };
    return document.jwks_uri;
  }
}
