import type { IdentityName } from "../../gren/names.ts";
import type { Database, Row } from "../../ports/database.ts";
import type { ProviderName } from "../../wire/trustedPublishing.ts";
import { integer, optionalText, text } from "./rows.ts";

// The CI workflows an identity lets publish, and the ID tokens already
// exchanged, each accepted once.

export interface TrustedPublisherRecord {
  id: string;
  identityId: number;
  identityName: IdentityName;
  provider: ProviderName;
  repository: string;
  workflow: string;
  environment: string | undefined;
  /** Package patterns, as written. */
  packages: string[];
  createdAt: number;
  createdBy: string;
  /** The provider's ids of the repository and its owner, once a first run showed them. */
  repositoryId: string | undefined;
  ownerId: string | undefined;
}

const COLUMNS = `trusted_publishers.id, trusted_publishers.identity_id, identities.name AS identity_name,
  trusted_publishers.provider, trusted_publishers.repository, trusted_publishers.workflow,
  trusted_publishers.environment, trusted_publishers.packages, trusted_publishers.created_at,
  users.email AS created_by, trusted_publishers.repository_id, trusted_publishers.owner_id`;
const FROM = `trusted_publishers
  JOIN identities ON identities.id = trusted_publishers.identity_id
  JOIN users ON users.id = trusted_publishers.created_by`;

const toRecord = (row: Row): TrustedPublisherRecord => ({
  id: text(row, "id"),
  identityId: integer(row, "identity_id"),
  identityName: text(row, "identity_name") as IdentityName,
  provider: text(row, "provider") as ProviderName,
  repository: text(row, "repository"),
  workflow: text(row, "workflow"),
  environment: optionalText(row, "environment"),
  packages: JSON.parse(text(row, "packages")) as string[],
  createdAt: integer(row, "created_at"),
  createdBy: text(row, "created_by"),
  repositoryId: optionalText(row, "repository_id"),
  ownerId: optionalText(row, "owner_id"),
});

export function insertTrustedPublisher(
  db: Database,
  publisher: {
    id: string;
    identityId: number;
    provider: ProviderName;
    repository: string;
    workflow: string;
    environment: string | undefined;
    packages: readonly string[];
    createdAt: number;
    createdBy: number;
  },
): void {
  db.run(
    `INSERT INTO trusted_publishers (id, identity_id, provider, repository, workflow, environment,
       packages, created_at, created_by)
     VALUES (:id, :identityId, :provider, :repository, :workflow, :environment,
       :packages, :createdAt, :createdBy)`,
    {
      ...publisher,
      environment: publisher.environment ?? null,
      packages: JSON.stringify(publisher.packages),
    },
  );
}

export function trustedPublishersOf(db: Database, identityId: number): TrustedPublisherRecord[] {
  return db
    .all(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE trusted_publishers.identity_id = :identityId
       ORDER BY trusted_publishers.created_at, trusted_publishers.id`,
      { identityId },
    )
    .map(toRecord);
}

export function findTrustedPublisher(db: Database, id: string): TrustedPublisherRecord | undefined {
  const row = db.get(`SELECT ${COLUMNS} FROM ${FROM} WHERE trusted_publishers.id = :id`, { id });
  return row && toRecord(row);
}

/** Every trusted publisher of any identity that names this repository, whatever its case. */
export function trustedPublishersFor(
  db: Database,
  provider: ProviderName,
  repository: string,
): TrustedPublisherRecord[] {
  return db
    .all(
      `SELECT ${COLUMNS} FROM ${FROM}
       WHERE trusted_publishers.provider = :provider
         AND trusted_publishers.repository = :repository COLLATE NOCASE
       ORDER BY trusted_publishers.created_at, trusted_publishers.id`,
      { provider, repository },
    )
    .map(toRecord);
}

/** Records the provider's ids of the repository and its owner, seen at a first exchange. */
export function pinRepositoryIds(
  db: Database,
  id: string,
  ids: { repositoryId: string; ownerId: string },
): void {
  db.run(
    `UPDATE trusted_publishers SET repository_id = :repositoryId, owner_id = :ownerId
     WHERE id = :id AND repository_id IS NULL`,
    { id, ...ids },
  );
}

/** Removes a trusted publisher, and every token exchanged for it. */
export function deleteTrustedPublisher(db: Database, id: string): void {
  db.run("DELETE FROM api_tokens WHERE trusted_publisher_id = :id", { id });
  db.run("DELETE FROM trusted_publishers WHERE id = :id", { id });
}

/**
 * Records an ID token as exchanged; false when it was already. Forgets those
 * past their expiry first: an expired one is refused for that reason anyway.
 */
export function useIdTokenOnce(
  db: Database,
  token: { issuer: string; jti: string; expiresAt: number; now: number },
): boolean {
  db.run("DELETE FROM used_id_tokens WHERE expires_at <= :now", { now: token.now });
  return (
    db.run(
      `INSERT INTO used_id_tokens (issuer, jti, expires_at) VALUES (:issuer, :jti, :expiresAt)
       ON CONFLICT DO NOTHING`,
      { issuer: token.issuer, jti: token.jti, expiresAt: token.expiresAt },
    ).changes > 0
  );
}
