import type { Ports } from "../ports/index.ts";
import { err, failKeepingWrites, ok, type Result } from "../result.ts";
import { type Email, parseEmail } from "../wire/email.ts";
import { FETCH_TOKEN_MINUTES } from "../wire/limits.ts";
import type { SessionView } from "../wire/session.ts";
import {
  confirmPendingLogin,
  countWrongCode,
  deleteFetchToken,
  deleteSession,
  findPendingLogin,
  insertFetchToken,
  insertSession,
  limitingRequestAt,
  type PendingLogin,
  pruneLogins,
  recordLoginRequest,
  type SessionRecord,
  sessionByToken,
  sessionsOf,
  touchSession,
} from "./stores/sessions.ts";
import { findOrCreateUser, type User } from "./stores/users.ts";

export type { User };

import { isoTime, MINUTE } from "./time.ts";

/** Confirmation codes avoid characters that look alike: no 0 O 1 I L. */
export const CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
export const CODE_LENGTH = 8;
export const FETCH_TOKEN_LIFETIME = FETCH_TOKEN_MINUTES * MINUTE;
export const MAX_WRONG_CODES = 5;

/**
 * A login may still end in a session: not expired, and not given up on after
 * too many wrong codes. Given up, it is closed to its link too, or guessing
 * the code would only be one way in of two.
 */
const stillOpen = (pending: PendingLogin, now: number): boolean =>
  pending.expiresAt > now && pending.failedAttempts < MAX_WRONG_CODES;

/** Login mails a person may be sent, and a client address may ask for, per window. */
export const LOGIN_LIMITS = { window: 15 * MINUTE, perEmail: 5, perClient: 60 } as const;

export type LoginRequestError =
  | { kind: "invalid_email"; email: string }
  | { kind: "rate_limited"; retryAfterSeconds: number }
  | { kind: "mail_failed"; reason: string };

/** Every failure to trade a code for a session looks the same from outside. */
export type CodeExchangeError = { kind: "invalid_code" };

/** Trading a fetch token for a session on the strength of the emailed link. */
export type LinkedLoginError =
  | CodeExchangeError
  /** Not confirmed yet: ask again, the person may be about to press the button. */
  | { kind: "not_confirmed" };

/** A link that is not (or no longer) one the registry mailed. */
export type LoginLinkError = { kind: "invalid_link" };

/**
 * Starts a login: records the request, creates the user on first sight, and
 * mails a confirmation code. The fetch token is what the client later trades,
 * together with the code, for a session.
 */
export async function requestLogin(
  ports: Ports,
  input: {
    email: string;
    client: string;
    /** The page that confirms a login, which the mailed link opens with its secret. */
    confirmationPage: string;
  },
): Promise<Result<{ fetchSessionToken: string }, LoginRequestError>> {
  const email = parseEmail(input.email);
  if (!email) return err({ kind: "invalid_email", email: input.email });

  const { db, clock, random, digest } = ports;
  const now = clock.now();
  const fetchSessionToken = random.uuid();
  const code = Array.from({ length: CODE_LENGTH }, () =>
    CODE_ALPHABET.charAt(random.below(CODE_ALPHABET.length)),
  ).join("");
  const tokenHash = digest.sha256(fetchSessionToken);
  const linkToken = random.uuid();

  const admitted = db.transaction(() => {
    const retryAfter = loginRetryAfter(ports, email, input.client, now);
    if (retryAfter !== undefined) {
      return err<LoginRequestError>({ kind: "rate_limited", retryAfterSeconds: retryAfter });
    }
    recordLoginRequest(db, { email, client: input.client, at: now });
    const user = findOrCreateUser(db, email, now);
    insertFetchToken(db, {
      tokenHash,
      userId: user.id,
      codeHash: codeHash(ports, fetchSessionToken, code),
      linkHash: digest.sha256(linkToken),
      expiresAt: now + FETCH_TOKEN_LIFETIME,
      client: input.client,
      requestedAt: now,
    });
    return ok(undefined);
  });
  if (!admitted.ok) return admitted;

  const sent = await ports.mailer.send({
    to: email,
    subject: `Your Gren package registry login code: ${code}`,
    textBody: [
      `Your confirmation code is: ${code}`,
      "",
      `Enter it where you started logging in to the Gren package registry, or open this link and confirm there:`,
      "",
      `${input.confirmationPage}?token=${linkToken}`,
      "",
      `The code and the link work once, for ${FETCH_TOKEN_MINUTES} minutes.`,
      "If you did not try to log in, ignore this mail: nobody can log in without the code or the link.",
      "",
    ].join("\n"),
  });
  if (!sent.ok) {
    deleteFetchToken(db, tokenHash);
    return err({ kind: "mail_failed", reason: sent.reason });
  }
  return ok({ fetchSessionToken });
}

/**
 * Seconds until this login request would be allowed, or undefined when it is
 * allowed now. Only admitted requests are counted, so hammering the endpoint
 * does not extend the wait.
 */
function loginRetryAfter(ports: Ports, email: Email, client: string, now: number) {
  const { db } = ports;
  pruneLogins(db, { windowStart: now - LOGIN_LIMITS.window, now });
  const waits = [
    limitingRequestAt(db, { email }, LOGIN_LIMITS.perEmail),
    limitingRequestAt(db, { client }, LOGIN_LIMITS.perClient),
  ]
    .filter((at) => at !== undefined)
    .map((at) => Math.ceil((at + LOGIN_LIMITS.window - now) / 1000));
  return waits.length === 0 ? undefined : Math.max(1, ...waits);
}

/** The code is hashed together with its token, so a stolen database cannot be used to guess it. */
function codeHash(ports: Ports, fetchSessionToken: string, code: string): string {
  return ports.digest.sha256(`${fetchSessionToken}:${code}`);
}

/** Codes are read case-insensitively, with spaces and hyphens ignored. */
export function normalizeCode(code: string): string {
  return code.replace(/[\s-]/g, "").toUpperCase();
}

/** Trades a fetch token and the mailed code for a session token. */
export function exchangeCode(
  ports: Ports,
  input: { fetchSessionToken: string; code: string },
): Result<{ sessionToken: string }, CodeExchangeError> {
  const { db, clock, digest } = ports;
  const now = clock.now();
  const tokenHash = digest.sha256(input.fetchSessionToken);
  return db.transaction(() => {
    const pending = findPendingLogin(db, { tokenHash });
    if (!pending || !stillOpen(pending, now)) return err({ kind: "invalid_code" } as const);
    const given = codeHash(ports, input.fetchSessionToken, normalizeCode(input.code));
    if (!digest.secretsEqual(given, pending.codeHash)) {
      // The count must outlive the failure it records, or guessing would be free.
      countWrongCode(db, tokenHash);
      return failKeepingWrites({ kind: "invalid_code" } as const);
    }
    return ok(startSession(ports, pending, now));
  });
}

/** Ends the login that was waiting, and begins the session it was for. */
function startSession(ports: Ports, pending: PendingLogin, now: number): { sessionToken: string } {
  const { db, random, digest } = ports;
  deleteFetchToken(db, pending.tokenHash);
  const sessionToken = random.uuid();
  insertSession(db, {
    id: random.uuid(),
    tokenHash: digest.sha256(sessionToken),
    userId: pending.userId,
    createdAt: now,
  });
  return { sessionToken };
}

/** What the person who opened the mailed link is asked to confirm. */
export interface LoginToConfirm {
  email: Email;
  /** The client address that asked for the login. */
  client: string;
  requestedAt: string;
  confirmed: boolean;
}

function liveLinkedLogin(ports: Ports, linkToken: string): PendingLogin | undefined {
  const pending = findPendingLogin(ports.db, { linkHash: ports.digest.sha256(linkToken) });
  return pending && stillOpen(pending, ports.clock.now()) ? pending : undefined;
}

/**
 * The login a mailed link is for, to show before confirming it. Opening the
 * link confirms nothing by itself: mail scanners open links too.
 */
export function loginToConfirm(
  ports: Ports,
  linkToken: string,
): Result<LoginToConfirm, LoginLinkError> {
  const pending = liveLinkedLogin(ports, linkToken);
  if (!pending) return err({ kind: "invalid_link" });
  return ok({
    email: pending.email,
    client: pending.client,
    requestedAt: isoTime(pending.requestedAt),
    confirmed: pending.confirmedAt !== undefined,
  });
}

/**
 * The person pressed the button on the link's page: whoever holds the fetch
 * token (the CLI or browser that asked) may now trade it for a session.
 * Gives the fetch token's hash, so waiting clients can be woken.
 */
export function confirmLogin(
  ports: Ports,
  linkToken: string,
): Result<{ email: Email; fetchTokenHash: string }, LoginLinkError> {
  const { db } = ports;
  return db.transaction(() => {
    const pending = liveLinkedLogin(ports, linkToken);
    if (!pending) return err({ kind: "invalid_link" } as const);
    confirmPendingLogin(db, pending.tokenHash, ports.clock.now());
    return ok({ email: pending.email, fetchTokenHash: pending.tokenHash });
  });
}

/** The hash a fetch token is kept under, by which a waiting client is woken. */
export const fetchTokenHash = (ports: Pick<Ports, "digest">, fetchSessionToken: string): string =>
  ports.digest.sha256(fetchSessionToken);

/** Trades a fetch token for a session once its login was confirmed by the mailed link. */
export function collectConfirmedLogin(
  ports: Ports,
  fetchSessionToken: string,
): Result<{ sessionToken: string }, LinkedLoginError> {
  const { db, clock } = ports;
  const now = clock.now();
  return db.transaction((): Result<{ sessionToken: string }, LinkedLoginError> => {
    const pending = findPendingLogin(db, { tokenHash: fetchTokenHash(ports, fetchSessionToken) });
    if (!pending || !stillOpen(pending, now)) return err({ kind: "invalid_code" });
    if (pending.confirmedAt === undefined) return err({ kind: "not_confirmed" });
    return ok(startSession(ports, pending, now));
  });
}

/** How long a session lasts: unused for `idleMs` it ends, and after `lifetimeMs` in any case. */
export interface SessionPolicy {
  idleMs: number;
  lifetimeMs: number;
}

/** A session's last use is written at most this often, so reading is not a write each time. */
const LAST_USE_PRECISION = MINUTE;

/** When the session ends unless it is used again before then. */
const expiresAt = (session: SessionRecord, policy: SessionPolicy): number =>
  Math.min(session.lastUsedAt + policy.idleMs, session.createdAt + policy.lifetimeMs);

/** Who a request is from: the user, and which of their sessions it came with. */
export interface Authenticated {
  user: User;
  sessionId: string;
}

/**
 * The user a session token belongs to, if it is a live session. A session
 * found expired is ended there and then; a live one records its use.
 */
export function authenticate(
  ports: Ports,
  sessionToken: string,
  policy: SessionPolicy,
): Authenticated | undefined {
  const { db } = ports;
  const tokenHash = ports.digest.sha256(sessionToken);
  const session = sessionByToken(db, tokenHash);
  if (!session) return undefined;
  const now = ports.clock.now();
  if (now >= expiresAt(session, policy)) {
    deleteSession(db, { tokenHash });
    return undefined;
  }
  if (now - session.lastUsedAt >= LAST_USE_PRECISION) touchSession(db, session.id, now);
  return { user: session.user, sessionId: session.id };
}

/** Ends a session at once; false when there was no such session. */
export function logout(ports: Ports, sessionToken: string): boolean {
  return deleteSession(ports.db, { tokenHash: ports.digest.sha256(sessionToken) });
}

/** A user's live sessions, the one asking marked as current. */
export function listSessions(
  ports: Ports,
  asking: Authenticated,
  policy: SessionPolicy,
): SessionView[] {
  const now = ports.clock.now();
  return sessionsOf(ports.db, asking.user.id)
    .filter((session) => expiresAt(session, policy) > now)
    .map((session) => ({
      id: session.id,
      createdAt: isoTime(session.createdAt),
      lastUsedAt: isoTime(session.lastUsedAt),
      expiresAt: isoTime(expiresAt(session, policy)),
      current: session.id === asking.sessionId,
    }));
}

export type EndSessionError = { kind: "no_such_session"; id: string };

/** Ends one of the user's own sessions; another user's is not found. */
export function endSession(ports: Ports, user: User, id: string): Result<void, EndSessionError> {
  return deleteSession(ports.db, { id, userId: user.id })
    ? ok(undefined)
    : err({ kind: "no_such_session", id });
}
