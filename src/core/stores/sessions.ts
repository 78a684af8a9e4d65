import type { Database, Row } from "../../ports/database.ts";
import type { Email } from "../../wire/email.ts";
import { integer, optionalInteger, text } from "./rows.ts";
import type { User } from "./users.ts";

// Login requests (for rate limits), fetch tokens waiting for their code, and
// sessions. Tokens and codes are stored only as hashes.

export interface PendingLogin {
  tokenHash: string;
  userId: number;
  email: Email;
  codeHash: string;
  expiresAt: number;
  failedAttempts: number;
  /** When the emailed link was confirmed, if it was. */
  confirmedAt: number | undefined;
  /** Who asked for the login, and when: shown to the person confirming by the link. */
  client: string;
  requestedAt: number;
}

const PENDING_COLUMNS = `fetch_tokens.token_hash, fetch_tokens.user_id, users.email,
  fetch_tokens.code_hash, fetch_tokens.expires_at, fetch_tokens.failed_attempts,
  fetch_tokens.confirmed_at, fetch_tokens.client, fetch_tokens.requested_at`;

const toPendingLogin = (row: Row): PendingLogin => ({
  tokenHash: text(row, "token_hash"),
  userId: integer(row, "user_id"),
  email: text(row, "email") as Email,
  codeHash: text(row, "code_hash"),
  expiresAt: integer(row, "expires_at"),
  failedAttempts: integer(row, "failed_attempts"),
  confirmedAt: optionalInteger(row, "confirmed_at"),
  client: text(row, "client"),
  requestedAt: integer(row, "requested_at"),
});

/** Forgets login requests that left the rate-limit window, and fetch tokens that expired. */
export function pruneLogins(db: Database, input: { windowStart: number; now: number }): void {
  db.run("DELETE FROM session_requests WHERE at <= :windowStart", {
    windowStart: input.windowStart,
  });
  db.run("DELETE FROM fetch_tokens WHERE expires_at <= :now", { now: input.now });
}

/**
 * When the `limit`-th most recent login request for this address (or from this
 * client) was made: the one that must leave the window before another is allowed.
 */
export function limitingRequestAt(
  db: Database,
  by: { email: Email } | { client: string },
  limit: number,
): number | undefined {
  const row =
    "email" in by
      ? db.get(
          "SELECT at FROM session_requests WHERE email = :email ORDER BY at DESC LIMIT 1 OFFSET :skip",
          { email: by.email, skip: limit - 1 },
        )
      : db.get(
          "SELECT at FROM session_requests WHERE client = :client ORDER BY at DESC LIMIT 1 OFFSET :skip",
          { client: by.client, skip: limit - 1 },
        );
  return row && integer(row, "at");
}

export function recordLoginRequest(
  db: Database,
  request: { email: Email; client: string; at: number },
): void {
  db.run("INSERT INTO session_requests (email, client, at) VALUES (:email, :client, :at)", {
    ...request,
  });
}

export function insertFetchToken(
  db: Database,
  token: {
    tokenHash: string;
    userId: number;
    codeHash: string;
    linkHash: string;
    expiresAt: number;
    client: string;
    requestedAt: number;
  },
): void {
  db.run(
    `INSERT INTO fetch_tokens (token_hash, user_id, code_hash, link_hash, expires_at, client, requested_at)
     VALUES (:tokenHash, :userId, :codeHash, :linkHash, :expiresAt, :client, :requestedAt)`,
    token,
  );
}

export function findPendingLogin(
  db: Database,
  by: { tokenHash: string } | { linkHash: string },
): PendingLogin | undefined {
  const row =
    "tokenHash" in by
      ? db.get(
          `SELECT ${PENDING_COLUMNS} FROM fetch_tokens JOIN users ON users.id = fetch_tokens.user_id
           WHERE fetch_tokens.token_hash = :tokenHash`,
          { tokenHash: by.tokenHash },
        )
      : db.get(
          `SELECT ${PENDING_COLUMNS} FROM fetch_tokens JOIN users ON users.id = fetch_tokens.user_id
           WHERE fetch_tokens.link_hash = :linkHash`,
          { linkHash: by.linkHash },
        );
  return row && toPendingLogin(row);
}

export function confirmPendingLogin(db: Database, tokenHash: string, at: number): void {
  db.run(
    "UPDATE fetch_tokens SET confirmed_at = :at WHERE token_hash = :tokenHash AND confirmed_at IS NULL",
    { tokenHash, at },
  );
}

export function countWrongCode(db: Database, tokenHash: string): void {
  db.run(
    "UPDATE fetch_tokens SET failed_attempts = failed_attempts + 1 WHERE token_hash = :tokenHash",
    { tokenHash },
  );
}

export function deleteFetchToken(db: Database, tokenHash: string): void {
  db.run("DELETE FROM fetch_tokens WHERE token_hash = :tokenHash", { tokenHash });
}

export interface SessionRecord {
  /** Shown to the session's user, who may end it; never the token, nor its hash. */
  id: string;
  user: User;
  createdAt: number;
  lastUsedAt: number;
}

const toSession = (row: Row): SessionRecord => ({
  id: text(row, "id"),
  user: { id: integer(row, "user_id"), email: text(row, "email") as Email },
  createdAt: integer(row, "created_at"),
  lastUsedAt: integer(row, "last_used_at"),
});

const SESSION_COLUMNS =
  "sessions.id, users.id AS user_id, users.email, sessions.created_at, sessions.last_used_at";

export function insertSession(
  db: Database,
  session: { id: string; tokenHash: string; userId: number; createdAt: number },
): void {
  db.run(
    `INSERT INTO sessions (id, token_hash, user_id, created_at, last_used_at)
     VALUES (:id, :tokenHash, :userId, :createdAt, :createdAt)`,
    session,
  );
}

export function sessionByToken(db: Database, tokenHash: string): SessionRecord | undefined {
  const row = db.get(
    `SELECT ${SESSION_COLUMNS} FROM sessions JOIN users ON users.id = sessions.user_id
     WHERE sessions.token_hash = :tokenHash`,
    { tokenHash },
  );
  return row && toSession(row);
}

export function sessionsOf(db: Database, userId: number): SessionRecord[] {
  return db
    .all(
      `SELECT ${SESSION_COLUMNS} FROM sessions JOIN users ON users.id = sessions.user_id
       WHERE sessions.user_id = :userId ORDER BY sessions.created_at, sessions.id`,
      { userId },
    )
    .map(toSession);
}

export function touchSession(db: Database, id: string, at: number): void {
  db.run("UPDATE sessions SET last_used_at = :at WHERE id = :id", { id, at });
}

/** Ends a session; false when there was none. */
export function deleteSession(
  db: Database,
  by: { tokenHash: string } | { id: string; userId: number },
): boolean {
  return (
    ("tokenHash" in by
      ? db.run("DELETE FROM sessions WHERE token_hash = :tokenHash", { tokenHash: by.tokenHash })
      : db.run("DELETE FROM sessions WHERE id = :id AND user_id = :userId", {
          id: by.id,
          userId: by.userId,
        })
    ).changes > 0
  );
}
