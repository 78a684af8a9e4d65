import type { AddressRanges } from "../ports/addressRanges.ts";
import type { Ports } from "../ports/index.ts";
import { err, ok, type Result } from "../result.ts";
import { TOKEN_LIMITS } from "../wire/limits.ts";
import { TOKEN_ACTIONS, type TokenAction } from "../wire/tokenActions.ts";
import type { TokenCreated, TokenView } from "../wire/tokens.ts";
import { identityNamed } from "./access.ts";
import { providerNamed, type WorkflowRun } from "./ciProviders.ts";
import type { Grant } from "./grants.ts";
import { tokenCreatedNotice } from "./notices.ts";
import {
  formatPackagePattern,
  type PackagePattern,
  parsePackagePattern,
} from "./packagePatterns.ts";
import { permits } from "./roles.ts";
import {
  type ApiTokenRecord,
  apiTokenByHash,
  apiTokensOf,
  deleteApiToken,
  deleteUserApiToken,
  insertApiToken,
  pruneExpiredApiTokens,
  touchApiToken,
} from "./stores/apiTokens.ts";
import { roleOf } from "./stores/identities.ts";
import { findTrustedPublisher, type TrustedPublisherRecord } from "./stores/trustedPublishers.ts";
import { findOrCreateWorkflowUser, type User } from "./stores/users.ts";
import { isoTime, MINUTE } from "./time.ts";
import { isWellFormedToken, mintTokenText } from "./tokenText.ts";

const DAY = 24 * 60 * MINUTE;

/** A token's last use is written at most this often, so using it is not a write each time. */
const LAST_USE_PRECISION = MINUTE;

export type CreateTokenError =
  | { kind: "invalid_token_name" }
  | { kind: "invalid_token_action"; action: string }
  | { kind: "no_token_actions" }
  | { kind: "invalid_package_pattern"; pattern: string }
  | { kind: "no_package_patterns" }
  | { kind: "too_many_package_patterns"; max: number }
  | { kind: "invalid_token_lifetime"; days: number }
  | { kind: "invalid_address_range"; cidr: string }
  | { kind: "too_many_address_ranges"; max: number }
  /** The creator may not publish to that identity (or it does not exist): the token could do nothing there. */
  | { kind: "pattern_outside_memberships"; pattern: string };

export type RevokeTokenError = { kind: "no_such_token"; id: string };

/** Why an API token does not authenticate a request. */
export type TokenAuthError =
  | { kind: "mistyped_token" }
  | { kind: "unknown_token" }
  | { kind: "expired_token"; at: string }
  | { kind: "token_address"; address: string; ranges: readonly string[] };

export interface NewToken {
  name: string;
  actions: readonly string[];
  packages: readonly string[];
  expiresInDays: number | undefined;
  cidrs: readonly string[] | undefined;
}

const view = (record: ApiTokenRecord): TokenView => ({
  id: record.id,
  name: record.name,
  actions: record.actions,
  packages: record.packages,
  cidrs: record.cidrs,
  createdAt: isoTime(record.createdAt),
  lastUsedAt: record.lastUsedAt === undefined ? null : isoTime(record.lastUsedAt),
  expiresAt: isoTime(record.expiresAt),
});

/** Checks what a user asks a new token to be; each problem gets its own answer. */
function checkNewToken(
  ports: Ports,
  creator: User,
  input: NewToken,
  ranges: AddressRanges,
): Result<
  {
    name: string;
    actions: TokenAction[];
    packages: PackagePattern[];
    days: number;
    cidrs: string[];
  },
  CreateTokenError
> {
  const name = input.name.trim();
  if (name === "" || name.length > TOKEN_LIMITS.nameLength || /[\p{Cc}]/u.test(name)) {
    return err({ kind: "invalid_token_name" });
  }
  const actions: TokenAction[] = [];
  for (const action of input.actions) {
    const known = TOKEN_ACTIONS.find((a) => a === action);
    if (!known) return err({ kind: "invalid_token_action", action });
    if (!actions.includes(known)) actions.push(known);
  }
  if (actions.length === 0) return err({ kind: "no_token_actions" });
  if (input.packages.length === 0) return err({ kind: "no_package_patterns" });
  if (input.packages.length > TOKEN_LIMITS.patterns) {
    return err({ kind: "too_many_package_patterns", max: TOKEN_LIMITS.patterns });
  }
  const packages: PackagePattern[] = [];
  for (const text of input.packages) {
    const pattern = parsePackagePattern(text);
    if (!pattern) return err({ kind: "invalid_package_pattern", pattern: text });
    const identity = identityNamed(ports.db, pattern.author);
    const role = identity && roleOf(ports.db, identity.id, creator.id);
    if (!identity || !permits(role, "publish_version")) {
      return err({ kind: "pattern_outside_memberships", pattern: text });
    }
    // The identity as registered, so the token's scopes read as its packages do.
    packages.push({ author: identity.name, project: pattern.project });
  }
  const days = input.expiresInDays ?? TOKEN_LIMITS.defaultDays;
  if (!Number.isInteger(days) || days < 1 || days > TOKEN_LIMITS.maxDays) {
    return err({ kind: "invalid_token_lifetime", days });
  }
  const given = input.cidrs ?? [];
  if (given.length > TOKEN_LIMITS.cidrs) {
    return err({ kind: "too_many_address_ranges", max: TOKEN_LIMITS.cidrs });
  }
  const cidrs: string[] = [];
  for (const cidr of given) {
    const normal = ranges.normalize(cidr);
    if (normal === undefined) return err({ kind: "invalid_address_range", cidr });
    if (!cidrs.includes(normal)) cidrs.push(normal);
  }
  return ok({ name, actions, packages, days, cidrs });
}

/**
 * Makes a named API token for a signed-in user, limited to some actions on
 * some packages, for some days, perhaps from some addresses. Its text is
 * given this once; the registry keeps its hash. The user is mailed, so a
 * token made behind their back does not go unseen.
 */
export async function createToken(
  ports: Ports,
  creator: User,
  input: NewToken,
  context: { ranges: AddressRanges; accountPage: string },
): Promise<Result<TokenCreated, CreateTokenError>> {
  const checked = checkNewToken(ports, creator, input, context.ranges);
  if (!checked.ok) return checked;
  const { name, actions, packages, days, cidrs } = checked.value;
  const now = ports.clock.now();
  const token = mintTokenText(ports);
  const record: ApiTokenRecord = {
    id: ports.random.uuid(),
    name,
    holder: { kind: "user", user: creator },
    actions,
    packages: packages.map(formatPackagePattern),
    cidrs,
    workflowRun: undefined,
    createdAt: now,
    expiresAt: now + days * DAY,
    lastUsedAt: undefined,
  };
  ports.db.transaction(() => {
    pruneExpiredApiTokens(ports.db, now);
    insertApiToken(ports.db, { ...record, tokenHash: ports.digest.sha256(token) });
    return ok(undefined);
  });
  const created = view(record);
  await ports.mailer.send(tokenCreatedNotice(creator, created, context.accountPage));
  return ok({ ...created, token });
}

/** The user's own tokens that still work, without their text, which nobody can read again. */
export const listTokens = (ports: Ports, user: User): TokenView[] =>
  apiTokensOf(ports.db, user.id, ports.clock.now()).map(view);

/** Revokes one of the user's tokens: it stops working at once. */
export function revokeToken(ports: Ports, user: User, id: string): Result<void, RevokeTokenError> {
  return deleteUserApiToken(ports.db, id, user.id)
    ? ok(undefined)
    : err({ kind: "no_such_token", id });
}

/** The trusted publishers an exchanged token stands for, those still registered. */
function livePublishers(ports: Ports, run: Record<string, unknown>): TrustedPublisherRecord[] {
  const ids = Array.isArray(run.trustedPublishers) ? (run.trustedPublishers as unknown[]) : [];
  return ids.flatMap((id) =>
    typeof id === "string" ? (findTrustedPublisher(ports.db, id) ?? []) : [],
  );
}

/**
 * What an API token lets a request do. A mistyped token is told apart before
 * anything is looked up; an expired one is forgotten there and then; one
 * limited to some addresses works only from them. A use is recorded at most
 * once a minute.
 */
export function authenticateToken(
  ports: Ports,
  text: string,
  client: { address: string; ranges: AddressRanges },
): Result<Grant, TokenAuthError> {
  if (!isWellFormedToken(ports.digest, text)) return err({ kind: "mistyped_token" });
  const { db } = ports;
  const record = apiTokenByHash(db, ports.digest.sha256(text));
  if (!record) return err({ kind: "unknown_token" });
  const now = ports.clock.now();
  if (now >= record.expiresAt) {
    deleteApiToken(db, record.id);
    return err({ kind: "expired_token", at: isoTime(record.expiresAt) });
  }
  if (record.cidrs.length > 0 && !client.ranges.contains(record.cidrs, client.address)) {
    return err({ kind: "token_address", address: client.address, ranges: record.cidrs });
  }
  let holder: Grant["holder"];
  if (record.holder.kind === "user") {
    holder = {
      kind: "user",
      user: record.holder.user,
      packages: record.packages.flatMap((p) => parsePackagePattern(p) ?? []),
    };
  } else {
    const run = (record.workflowRun ?? {}) as Record<string, unknown>;
    const publishers = livePublishers(ports, run);
    const provider = providerNamed(String(run.provider));
    if (publishers.length === 0 || !provider) return err({ kind: "unknown_token" });
    holder = {
      kind: "trusted_publisher",
      publishers,
      run: run as unknown as WorkflowRun,
      account: findOrCreateWorkflowUser(db, provider.label, now),
    };
  }
  if (record.lastUsedAt === undefined || now - record.lastUsedAt >= LAST_USE_PRECISION) {
    touchApiToken(db, record.id, now);
  }
  return ok({ tokenId: record.id, tokenName: record.name, actions: record.actions, holder });
}
