import type { Database, Row } from "../../ports/database.ts";
import type { Email } from "../../wire/email.ts";
import type { TokenAction } from "../../wire/tokens.ts";
import { integer, optionalInteger, optionalText, text } from "./rows.ts";
import type { User } from "./users.ts";

// API tokens, stored only as hashes: those users make, and those exchanged
// for a trusted publisher's workflow run. Scopes are kept as JSON arrays.

export type TokenHolder =
  | { kind: "user"; user: User }
  | { kind: "trusted_publisher"; trustedPublisherId: string };

export interface ApiTokenRecord {
  id: string;
  name: string;
  holder: TokenHolder;
  actions: TokenAction[];
  /** Package patterns, as written. */
  packages: string[];
  cidrs: string[];
  /** For an exchanged token: the workflow run it was given to. */
  workflowRun: Record<string, unknown> | undefined;
  createdAt: number;
  expiresAt: number;
  lastUsedAt: number | undefined;
}

const COLUMNS = `api_tokens.id, api_tokens.name, api_tokens.user_id, users.email,
  api_tokens.trusted_publisher_id, api_tokens.actions, api_tokens.packages, api_tokens.cidrs,
  api_tokens.workflow_run, api_tokens.created_at, api_tokens.expires_at, api_tokens.last_used_at`;
const FROM = "api_tokens LEFT JOIN users ON users.id = api_tokens.user_id";

const strings = (row: Row, name: string): string[] => JSON.parse(text(row, name)) as string[];

function toRecord(row: Row): ApiTokenRecord {
  const userId = optionalInteger(row, "user_id");
  const run = optionalText(row, "workflow_run");
  return {
    id: text(row, "id"),
    name: text(row, "name"),
    holder:
      userId === undefined
        ? { kind: "trusted_publisher", trustedPublisherId: text(row, "trusted_publisher_id") }
        : { kind: "user", user: { id: userId, email: text(row, "email") as Email } },
    actions: strings(row, "actions") as TokenAction[],
    packages: strings(row, "packages"),
    cidrs: strings(row, "cidrs"),
    workflowRun: run === undefined ? undefined : (JSON.parse(run) as Record<string, unknown>),
    createdAt: integer(row, "created_at"),
    expiresAt: integer(row, "expires_at"),
    lastUsedAt: optionalInteger(row, "last_used_at"),
  };
}

export function insertApiToken(
  db: Database,
  token: {
    id: string;
    tokenHash: string;
    holder: TokenHolder;
    name: string;
    actions: readonly TokenAction[];
    packages: readonly string[];
    cidrs: readonly string[];
    workflowRun?: Record<string, unknown> | undefined;
    createdAt: number;
    expiresAt: number;
  },
): void {
  db.run(
    `INSERT INTO api_tokens (id, token_hash, user_id, trusted_publisher_id, name, actions, packages,
       cidrs, workflow_run, created_at, expires_at)
     VALUES (:id, :tokenHash, :userId, :trustedPublisherId, :name, :actions, :packages,
       :cidrs, :workflowRun, :createdAt, :expiresAt)`,
    {
      id: token.id,
      tokenHash: token.tokenHash,
      userId: token.holder.kind === "user" ? token.holder.user.id : null,
      trustedPublisherId:
        token.holder.kind === "trusted_publisher" ? token.holder.trustedPublisherId : null,
      name: token.name,
      actions: JSON.stringify(token.actions),
      packages: JSON.stringify(token.packages),
      cidrs: JSON.stringify(token.cidrs),
      workflowRun: token.workflowRun === undefined ? null : JSON.stringify(token.workflowRun),
      createdAt: token.createdAt,
      expiresAt: token.expiresAt,
    },
  );
}

export function apiTokenByHash(db: Database, tokenHash: string): ApiTokenRecord | undefined {
  const row = db.get(`SELECT ${COLUMNS} FROM ${FROM} WHERE api_tokens.token_hash = :tokenHash`, {
    tokenHash,
  });
  return row && toRecord(row);
}

/** A user's own tokens that have not expired, oldest first. */
export function apiTokensOf(db: Database, userId: number, now: number): ApiTokenRecord[] {
  return db
    .all(
      `SELECT ${COLUMNS} FROM ${FROM}
       WHERE api_tokens.user_id = :userId AND api_tokens.expires_at > :now
       ORDER BY api_tokens.created_at, api_tokens.id`,
      { userId, now },
    )
    .map(toRecord);
}

export function touchApiToken(db: Database, id: string, at: number): void {
  db.run("UPDATE api_tokens SET last_used_at = :at WHERE id = :id", { id, at });
}

/** Revokes one of a user's tokens; false when they have no such token. */
export function deleteUserApiToken(db: Database, id: string, userId: number): boolean {
  return (
    db.run("DELETE FROM api_tokens WHERE id = :id AND user_id = :userId", { id, userId }).changes >
    0
  );
}

export function deleteApiToken(db: Database, id: string): void {
  db.run("DELETE FROM api_tokens WHERE id = :id", { id });
}

/** Forgets tokens that can no longer be used. */
export function pruneExpiredApiTokens(db: Database, now: number): void {
  db.run("DELETE FROM api_tokens WHERE expires_at <= :now", { now });
}
