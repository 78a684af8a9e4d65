import type { Database, Row } from "../../ports/database.ts";
import type { Email } from "../email.ts";
import { integer, text } from "./rows.ts";
import { toUser, type User } from "./users.ts";

// Login requests (for rate limits), fetch tokens waiting for their code, and
// sessions. Tokens and codes are stored only as hashes.

export interface PendingLogin {
  userId: number;
  codeHash: string;
  expiresAt: number;
  failedAttempts: number;
}

const toPendingLogin = (row: Row): PendingLogin => ({
  userId: integer(row, "user_id"),
  codeHash: text(row, "code_hash"),
  expiresAt: integer(row, "expires_at"),
  failedAttempts: integer(row, "failed_attempts"),
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
  token: { tokenHash: string; userId: number; codeHash: string; expiresAt: number },
): void {
  db.run(
    `INSERT INTO fetch_tokens (token_hash, user_id, code_hash, expires_at)
     VALUES (:tokenHash, :userId, :codeHash, :expiresAt)`,
    { ...token },
  );
}

export function findPendingLogin(db: Database, tokenHash: string): PendingLogin | undefined {
  const row = db.get(
    "SELECT user_id, code_hash, expires_at, failed_attempts FROM fetch_tokens WHERE token_hash = :tokenHash",
    { tokenHash },
  );
  return row && toPendingLogin(row);
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

export function insertSession(
  db: Database,
  session: { tokenHash: string; userId: number; createdAt: number },
): void {
  db.run(
    "INSERT INTO sessions (token_hash, user_id, created_at) VALUES (:tokenHash, :userId, :createdAt)",
    { ...session },
  );
}

export function sessionUser(db: Database, tokenHash: string): User | undefined {
  const row = db.get(
    `SELECT users.id, users.email FROM sessions JOIN users ON users.id = sessions.user_id
     WHERE sessions.token_hash = :tokenHash`,
    { tokenHash },
  );
  return row && toUser(row);
}

/** Ends a session; false when there was none. */
export function deleteSession(db: Database, tokenHash: string): boolean {
  return db.run("DELETE FROM sessions WHERE token_hash = :tokenHash", { tokenHash }).changes > 0;
}
