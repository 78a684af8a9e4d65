import type { Database } from "../ports/database.ts";

/**
 * The registry's schema as numbered migrations. Each entry is applied once, in
 * order, and never edited after it has shipped: a change is a new entry.
 * Times are milliseconds since the Unix epoch.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: users and login by an emailed code
  `
  CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE fetch_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX fetch_tokens_by_expiry ON fetch_tokens (expires_at);

  CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX sessions_by_user ON sessions (user_id);

  CREATE TABLE session_requests (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    client TEXT NOT NULL,
    at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX session_requests_by_email ON session_requests (email, at);
  CREATE INDEX session_requests_by_client ON session_requests (client, at);
  CREATE INDEX session_requests_by_time ON session_requests (at);
  `,

  // 2: publishing identities, their members, and the audit log
  `
  CREATE TABLE identities (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    -- Names that differ only in case are one name; the registered spelling is kept in name.
    name_key TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE members (
    identity_id INTEGER NOT NULL REFERENCES identities (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    role TEXT NOT NULL CHECK (role IN ('download', 'publish', 'admin')),
    PRIMARY KEY (identity_id, user_id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX members_by_user ON members (user_id);

  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor_id INTEGER NOT NULL REFERENCES users (id),
    identity_id INTEGER NOT NULL REFERENCES identities (id),
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'
  ) STRICT;
  CREATE INDEX audit_log_by_identity ON audit_log (identity_id, id);
  CREATE TRIGGER audit_log_is_append_only_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  CREATE TRIGGER audit_log_is_append_only_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  `,
];

export type MigrationError = { kind: "schema_too_new"; found: number; known: number };

/** Brings the database up to the newest schema in one transaction. */
export function migrate(db: Database): MigrationError | undefined {
  return db.transaction(() => {
    const current = Number(db.get("PRAGMA user_version")?.user_version ?? 0);
    if (current > MIGRATIONS.length) {
      return { kind: "schema_too_new", found: current, known: MIGRATIONS.length } as const;
    }
    for (let version = current + 1; version <= MIGRATIONS.length; version++) {
      db.exec(MIGRATIONS[version - 1]!);
    }
    // user_version is written inside the transaction, so it moves with the schema.
    db.exec(`PRAGMA user_version = ${MIGRATIONS.length}`);
    return undefined;
  });
}
