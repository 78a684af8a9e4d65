import type { Ports } from "../ports/index.ts";
import { err, ok, type Result } from "../result.ts";
import { type Email, parseEmail } from "./email.ts";
import { MINUTE } from "./time.ts";
import { findOrCreateUser, type User } from "./users.ts";

/** Confirmation codes avoid characters that look alike: no 0 O 1 I L. */
export const CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
export const CODE_LENGTH = 8;
export const FETCH_TOKEN_LIFETIME = 15 * MINUTE;
export const MAX_WRONG_CODES = 5;

/** Login mails a person may be sent, and a client address may ask for, per window. */
export const LOGIN_LIMITS = { window: 15 * MINUTE, perEmail: 5, perClient: 60 } as const;

export type LoginRequestError =
  | { kind: "invalid_email" }
  | { kind: "rate_limited"; retryAfterSeconds: number }
  | { kind: "mail_failed"; reason: string };

/** Every failure to trade a code for a session looks the same from outside. */
export type CodeExchangeError = { kind: "invalid_code" };

/**
 * Starts a login: records the request, creates the user on first sight, and
 * mails a confirmation code. The fetch token is what the client later trades,
 * together with the code, for a session.
 */
export async function requestLogin(
  ports: Ports,
  input: { email: string; client: string },
): Promise<Result<{ fetchSessionToken: string }, LoginRequestError>> {
  const email = parseEmail(input.email);
  if (!email) return err({ kind: "invalid_email" });

  const { db, clock, random, digest } = ports;
  const now = clock.now();
  const fetchSessionToken = random.uuid();
  const code = Array.from({ length: CODE_LENGTH }, () =>
    CODE_ALPHABET.charAt(random.below(CODE_ALPHABET.length)),
  ).join("");
  const tokenHash = digest.sha256(fetchSessionToken);

  const admitted = db.transaction(() => {
    const retryAfter = loginRetryAfter(ports, email, input.client, now);
    if (retryAfter !== undefined) {
      return err<LoginRequestError>({ kind: "rate_limited", retryAfterSeconds: retryAfter });
    }
    db.run("INSERT INTO session_requests (email, client, at) VALUES (?, ?, ?)", [
      email,
      input.client,
      now,
    ]);
    const user = findOrCreateUser(db, email, now);
    db.run(
      "INSERT INTO fetch_tokens (token_hash, user_id, code_hash, expires_at) VALUES (?, ?, ?, ?)",
      [tokenHash, user.id, codeHash(ports, fetchSessionToken, code), now + FETCH_TOKEN_LIFETIME],
    );
    return ok(undefined);
  });
  if (!admitted.ok) return admitted;

  const sent = await ports.mailer.send({
    to: email,
    subject: `Your Gren package registry login code: ${code}`,
    textBody: [
      `Your confirmation code is: ${code}`,
      "",
      "Enter it where you started logging in to the Gren package registry. It works once, for 15 minutes.",
      "If you did not try to log in, ignore this mail: nobody can log in without the code.",
      "",
    ].join("\n"),
  });
  if (!sent.ok) {
    db.run("DELETE FROM fetch_tokens WHERE token_hash = ?", [tokenHash]);
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
  const windowStart = now - LOGIN_LIMITS.window;
  db.run("DELETE FROM session_requests WHERE at <= ?", [windowStart]);
  db.run("DELETE FROM fetch_tokens WHERE expires_at <= ?", [now]);
  // The request that must leave the window before another is allowed is the
  // limit-th most recent one.
  const blockers = [
    db.get("SELECT at FROM session_requests WHERE email = ? ORDER BY at DESC LIMIT 1 OFFSET ?", [
      email,
      LOGIN_LIMITS.perEmail - 1,
    ]),
    db.get("SELECT at FROM session_requests WHERE client = ? ORDER BY at DESC LIMIT 1 OFFSET ?", [
      client,
      LOGIN_LIMITS.perClient - 1,
    ]),
  ];
  const waits = blockers
    .filter((row) => row !== undefined)
    .map((row) => Math.ceil((Number(row.at) + LOGIN_LIMITS.window - now) / 1000));
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
  const { db, clock, random, digest } = ports;
  const now = clock.now();
  const tokenHash = digest.sha256(input.fetchSessionToken);
  return db.transaction(() => {
    const pending = db.get(
      "SELECT user_id, code_hash, expires_at, failed_attempts FROM fetch_tokens WHERE token_hash = ?",
      [tokenHash],
    );
    if (
      !pending ||
      Number(pending.expires_at) <= now ||
      Number(pending.failed_attempts) >= MAX_WRONG_CODES
    ) {
      return err({ kind: "invalid_code" });
    }
    const given = codeHash(ports, input.fetchSessionToken, normalizeCode(input.code));
    if (!digest.secretsEqual(given, String(pending.code_hash))) {
      db.run("UPDATE fetch_tokens SET failed_attempts = failed_attempts + 1 WHERE token_hash = ?", [
        tokenHash,
      ]);
      return err({ kind: "invalid_code" });
    }
    db.run("DELETE FROM fetch_tokens WHERE token_hash = ?", [tokenHash]);
    const sessionToken = random.uuid();
    db.run("INSERT INTO sessions (token_hash, user_id, created_at) VALUES (?, ?, ?)", [
      digest.sha256(sessionToken),
      Number(pending.user_id),
      now,
    ]);
    return ok({ sessionToken });
  });
}

/** The user a session token belongs to, if it is a live session. */
export function authenticate(ports: Ports, sessionToken: string): User | undefined {
  const row = ports.db.get(
    "SELECT users.id, users.email FROM sessions JOIN users ON users.id = sessions.user_id WHERE sessions.token_hash = ?",
    [ports.digest.sha256(sessionToken)],
  );
  return row && { id: Number(row.id), email: row.email as Email };
}

/** Ends a session at once; false when there was no such session. */
export function logout(ports: Ports, sessionToken: string): boolean {
  const { changes } = ports.db.run("DELETE FROM sessions WHERE token_hash = ?", [
    ports.digest.sha256(sessionToken),
  ]);
  return changes > 0;
}
