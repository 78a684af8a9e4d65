import type { Database } from "../../ports/database.ts";
import { err, ok, type Result } from "../../result.ts";
import { integer } from "./rows.ts";

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

  // 3: packages, their versions and bundles, and the change feed's events
  `
  CREATE TABLE packages (
    id INTEGER PRIMARY KEY,
    identity_id INTEGER NOT NULL REFERENCES identities (id),
    project TEXT NOT NULL,
    -- lower(author) || '/' || project: the listing's order and its cursor
    name_key TEXT NOT NULL UNIQUE,
    -- fixed by the first version, so no release can expose or hide a package
    private INTEGER NOT NULL CHECK (private IN (0, 1)),
    -- of the highest version, shown in listings
    summary TEXT NOT NULL,
    license TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (identity_id, project)
  ) STRICT;

  -- Searched by substring over the name, summary and module names.
  CREATE VIRTUAL TABLE package_search USING fts5 (text, tokenize = 'trigram');

  -- Each distinct bundle once, however many versions share its bytes.
  CREATE TABLE blobs (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    bytes BLOB NOT NULL
  ) STRICT;

  CREATE TABLE versions (
    id INTEGER PRIMARY KEY,
    package_id INTEGER NOT NULL REFERENCES packages (id),
    -- the version as one integer that orders like it (see semver.ts)
    version_key INTEGER NOT NULL,
    -- the compiler versions it works with: gren_lower <= v < gren_upper, as keys
    gren_lower INTEGER NOT NULL,
    gren_upper INTEGER NOT NULL,
    outline TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    published_at INTEGER NOT NULL,
    publisher_id INTEGER NOT NULL REFERENCES users (id),
    revoked_at INTEGER,
    revoked_reason TEXT,
    revoked_by INTEGER REFERENCES users (id),
    UNIQUE (package_id, version_key),
    CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
  ) STRICT;
  -- "latest" and "previous" walk this backwards from the top and stop at the
  -- first fit, reading only the index.
  CREATE INDEX versions_live ON versions (package_id, version_key DESC, gren_lower, gren_upper)
    WHERE revoked_at IS NULL;
  CREATE INDEX versions_by_blob ON versions (sha256) WHERE revoked_at IS NULL;

  CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    type TEXT NOT NULL CHECK (type IN ('published', 'revoked')),
    package_id INTEGER NOT NULL REFERENCES packages (id),
    version_key INTEGER NOT NULL,
    at INTEGER NOT NULL
  ) STRICT;
  `,

  // 4: webhook deliveries, a queue that survives restarts
  `
  -- The last event each webhook URL has been given deliveries for.
  CREATE TABLE webhook_cursors (
    url TEXT PRIMARY KEY,
    last_seq INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    event_seq INTEGER NOT NULL REFERENCES events (seq),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    delivered_at INTEGER,
    gave_up_at INTEGER,
    last_error TEXT,
    UNIQUE (url, event_seq)
  ) STRICT;
  CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
    WHERE delivered_at IS NULL AND gave_up_at IS NULL;
  `,

  // 5: "latest" and "previous" read only the index, as migration 3 meant them
  // to. SQLite uses a partial index as a covering index only when it holds
  // every column the query names, so without revoked_at it read each version's
  // row (outline and all) to test revoked_at, and preferred the unique index.
  `
  DROP INDEX versions_live;
  CREATE INDEX versions_live
    ON versions (package_id, version_key DESC, gren_lower, gren_upper, revoked_at)
    WHERE revoked_at IS NULL;
  `,

  // 6: what installing and resolving need of each version without reading its
  // outline, and the name each package's bundles are installed under. That
  // name's index is not unique, since a database may hold two packages that
  // shared one from before the rule: publishing checks it in its transaction.
  `
  ALTER TABLE versions ADD COLUMN platform TEXT NOT NULL DEFAULT 'common'
    CHECK (platform IN ('common', 'browser', 'node'));
  ALTER TABLE versions ADD COLUMN dependencies TEXT NOT NULL DEFAULT '{}';
  UPDATE versions SET
    platform = coalesce(json_extract(outline, '$.platform'), 'common'),
    dependencies = coalesce(json_extract(outline, '$.dependencies'), '{}');

  ALTER TABLE packages ADD COLUMN install_key TEXT NOT NULL DEFAULT '';
  UPDATE packages SET install_key =
    (SELECT lower(replace(replace(identities.name || '_' || packages.project, '-', '_'), '.', '_'))
     FROM identities WHERE identities.id = packages.identity_id);
  CREATE INDEX packages_by_install_key ON packages (install_key);
  `,

  // 7: the public feed's own sequence, gap-free, so an outsider cannot count
  // private changes; sessions that end; identity names folded for look-alikes.
  `
  ALTER TABLE events ADD COLUMN public_seq INTEGER;
  WITH numbered AS (
    SELECT events.seq, row_number() OVER (ORDER BY events.seq) AS n
    FROM events JOIN packages ON packages.id = events.package_id
    WHERE packages.private = 0
  )
  UPDATE events SET public_seq = numbered.n FROM numbered WHERE numbered.seq = events.seq;
  CREATE UNIQUE INDEX events_by_public_seq ON events (public_seq) WHERE public_seq IS NOT NULL;
  -- Webhook cursors counted every event; now they count public ones.
  UPDATE webhook_cursors SET last_seq =
    (SELECT coalesce(max(public_seq), 0) FROM events WHERE events.seq <= webhook_cursors.last_seq);

  ALTER TABLE sessions ADD COLUMN id TEXT NOT NULL DEFAULT '';
  ALTER TABLE sessions ADD COLUMN last_used_at INTEGER NOT NULL DEFAULT 0;
  UPDATE sessions SET id = lower(hex(randomblob(16))), last_used_at = created_at;
  CREATE UNIQUE INDEX sessions_by_id ON sessions (id);

  ALTER TABLE identities ADD COLUMN look_alike_key TEXT NOT NULL DEFAULT '';
  UPDATE identities SET look_alike_key =
    replace(replace(replace(replace(lower(replace(name, 'I', 'l')), '1', 'l'), '0', 'o'), 'rn', 'm'), 'vv', 'w');
  CREATE INDEX identities_by_look_alike_key ON identities (look_alike_key);
  `,

  // 8: work that must outlive a restart, done after the change that asked for
  // it: scrubbing deleted content out of the database's files after a revoke.
  `
  CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('scrub_deleted_content')),
    created_at INTEGER NOT NULL,
    done_at INTEGER
  ) STRICT;
  CREATE INDEX jobs_pending ON jobs (kind, id) WHERE done_at IS NULL;

  -- Written over the stale end of the WAL file, then deleted: see the scrubber.
  CREATE TABLE scrub_filler (bytes BLOB NOT NULL) STRICT;
  `,

  // 9: login by the emailed link as well as the code: the link's secret (hashed),
  // when it was confirmed, and which client asked, to show the person confirming.
  `
  ALTER TABLE fetch_tokens ADD COLUMN link_hash TEXT;
  ALTER TABLE fetch_tokens ADD COLUMN confirmed_at INTEGER;
  ALTER TABLE fetch_tokens ADD COLUMN client TEXT NOT NULL DEFAULT '';
  ALTER TABLE fetch_tokens ADD COLUMN requested_at INTEGER NOT NULL DEFAULT 0;
  CREATE UNIQUE INDEX fetch_tokens_by_link ON fetch_tokens (link_hash);
  `,

  // 10: what every read of a package asks first, written by one function in the
  // transaction of each publication and revocation (see packageHead.ts), so
  // that no read works it out again.
  `
  CREATE TABLE package_heads (
    package_id INTEGER PRIMARY KEY REFERENCES packages (id),
    -- the highest version not revoked; null once every version is revoked
    latest_key INTEGER,
    -- the highest version ever published, revoked or not
    highest_key INTEGER NOT NULL,
    versions INTEGER NOT NULL,
    live_versions INTEGER NOT NULL,
    -- the live version published last, and when: what "recently published" shows
    last_published_key INTEGER,
    last_published_at INTEGER,
    -- the number of the package's last change (a version published or
    -- revoked, or its docs made), counted across all packages: kept answers
    -- about it are good while this stays where it was when they were made
    change_seq INTEGER NOT NULL,
    -- new at every change, never seen before, so it survives a restore to an
    -- older state without naming two contents: the index's ETag
    tag TEXT NOT NULL,
    CHECK ((latest_key IS NULL) = (live_versions = 0))
  ) STRICT;
  CREATE INDEX package_heads_by_change ON package_heads (change_seq);
  CREATE INDEX package_heads_by_last_published ON package_heads (last_published_at)
    WHERE last_published_at IS NOT NULL;

  INSERT INTO package_heads (package_id, latest_key, highest_key, versions, live_versions,
                             last_published_key, last_published_at, change_seq, tag)
  SELECT packages.id,
         (SELECT max(version_key) FROM versions
          WHERE package_id = packages.id AND revoked_at IS NULL),
         (SELECT max(version_key) FROM versions WHERE package_id = packages.id),
         (SELECT count(*) FROM versions WHERE package_id = packages.id),
         (SELECT count(*) FROM versions WHERE package_id = packages.id AND revoked_at IS NULL),
         (SELECT version_key FROM versions WHERE package_id = packages.id AND revoked_at IS NULL
          ORDER BY published_at DESC, version_key DESC LIMIT 1),
         (SELECT max(published_at) FROM versions
          WHERE package_id = packages.id AND revoked_at IS NULL),
         coalesce((SELECT max(seq) FROM events WHERE package_id = packages.id), 0),
         lower(hex(randomblob(16)))
  FROM packages WHERE EXISTS (SELECT 1 FROM versions WHERE package_id = packages.id);
  `,

  // 11: API tokens: named, scoped, expiring credentials a user makes for machines,
  // stored only as hashes. Trusted publishers: the CI workflows an identity's
  // admins let publish, and the ID tokens (by issuer and jti) already exchanged,
  // each accepted once. A version a workflow published names the provider's
  // own account as its publisher (a user of kind 'workflow', who cannot log in).
  `
  ALTER TABLE users ADD COLUMN kind TEXT NOT NULL DEFAULT 'person'
    CHECK (kind IN ('person', 'workflow'));

  CREATE TABLE trusted_publishers (
    id TEXT PRIMARY KEY,
    identity_id INTEGER NOT NULL REFERENCES identities (id),
    provider TEXT NOT NULL,
    repository TEXT NOT NULL,
    workflow TEXT NOT NULL,
    -- NULL: any environment, or none
    environment TEXT,
    -- a JSON array of package patterns within the identity
    packages TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    -- the provider's own ids of the repository and its owner, pinned at the first
    -- exchange, so a repository deleted and made again by someone else is refused
    repository_id TEXT,
    owner_id TEXT
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX trusted_publishers_by_identity ON trusted_publishers (identity_id);
  CREATE INDEX trusted_publishers_by_repository ON trusted_publishers (provider, repository COLLATE NOCASE);

  CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    -- who made it, or the trusted publisher it was exchanged for
    user_id INTEGER REFERENCES users (id),
    trusted_publisher_id TEXT REFERENCES trusted_publishers (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- JSON arrays: the actions, the package patterns, the client address ranges
    actions TEXT NOT NULL,
    packages TEXT NOT NULL,
    cidrs TEXT NOT NULL DEFAULT '[]',
    -- for an exchanged token: the workflow run it was given to, as JSON
    workflow_run TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    last_used_at INTEGER,
    CHECK ((user_id IS NULL) <> (trusted_publisher_id IS NULL))
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX api_tokens_by_user ON api_tokens (user_id);
  CREATE INDEX api_tokens_by_trusted_publisher ON api_tokens (trusted_publisher_id);
  CREATE INDEX api_tokens_by_expiry ON api_tokens (expires_at);

  CREATE TABLE used_id_tokens (
    issuer TEXT NOT NULL,
    jti TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (issuer, jti)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX used_id_tokens_by_expiry ON used_id_tokens (expires_at);
  `,

  // 12: the transparency log: one entry per publish and revoke, the hashes of its
  // Merkle tree's complete subtrees, and the checkpoints the registry signed.
  // All three only grow.
  `
  CREATE TABLE log_entries (
    -- the leaf's index in the tree, from 0
    idx INTEGER PRIMARY KEY,
    -- the canonical bytes the leaf's hash is taken of
    entry BLOB NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('publish', 'revoke')),
    package_id INTEGER NOT NULL REFERENCES packages (id),
    version_key INTEGER NOT NULL,
    -- a private package's change: the salt and the entry it commits to
    salt BLOB,
    opening BLOB,
    CHECK ((salt IS NULL) = (opening IS NULL))
  ) STRICT;
  CREATE INDEX log_entries_by_version ON log_entries (package_id, version_key, kind);

  -- The complete subtree over leaves idx * 2^level up to (idx + 1) * 2^level.
  CREATE TABLE log_nodes (
    level INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    hash BLOB NOT NULL,
    PRIMARY KEY (level, idx)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE log_checkpoints (
    id INTEGER PRIMARY KEY,
    size INTEGER NOT NULL,
    -- the signed note, as served
    note TEXT NOT NULL,
    signed_at INTEGER NOT NULL
  ) STRICT;

  CREATE TRIGGER log_entries_are_append_only_delete BEFORE DELETE ON log_entries
    BEGIN SELECT RAISE(ABORT, 'the transparency log is append-only'); END;
  CREATE TRIGGER log_entries_are_append_only_update BEFORE UPDATE ON log_entries
    BEGIN SELECT RAISE(ABORT, 'the transparency log is append-only'); END;
  CREATE TRIGGER log_nodes_are_append_only_delete BEFORE DELETE ON log_nodes
    BEGIN SELECT RAISE(ABORT, 'the transparency log is append-only'); END;
  CREATE TRIGGER log_nodes_are_append_only_update BEFORE UPDATE ON log_nodes
    BEGIN SELECT RAISE(ABORT, 'the transparency log is append-only'); END;
  `,

  // 13: a package asked for by a name that is not one is told of the names close
  // to it: those that share its identity, found by (identity_id, project), and
  // those that share its project, found here.
  `
  CREATE INDEX packages_by_project ON packages (project);
  `,

  // 14: each version's API and documentation, made once from its bundle when
  // it is published (or, for versions published before, in the background),
  // and only read afterwards. A revocation deletes the pages with the bundle
  // but keeps the API, which later versions are compared with.
  `
  CREATE TABLE version_docs (
    version_id INTEGER PRIMARY KEY REFERENCES versions (id),
    -- docs.json as served, every type qualified; NULL when the docs could not be made
    docs_json TEXT,
    -- why they could not be (a JSON array of sentences), or NULL
    refusal TEXT,
    -- module name to {"package", "version"} that defines the types it names (JSON)
    type_homes TEXT NOT NULL,
    -- each exposed module's exposed types, for dependents to qualify theirs (JSON)
    exposed_types TEXT NOT NULL,
    -- what the docs reader could not make sense of (JSON)
    problems TEXT NOT NULL,
    -- 1 when a dependency's own docs were still to be made: made again once they are
    awaiting INTEGER NOT NULL DEFAULT 0 CHECK (awaiting IN (0, 1)),
    made_at INTEGER NOT NULL,
    CHECK ((docs_json IS NULL) = (refusal IS NOT NULL))
  ) STRICT;

  CREATE TABLE module_pages (
    version_id INTEGER NOT NULL REFERENCES versions (id),
    module TEXT NOT NULL,
    -- the module's article, rendered
    content TEXT NOT NULL,
    PRIMARY KEY (version_id, module)
  ) STRICT, WITHOUT ROWID;
  `,

  // 15: the static mirror's writes (see mirror.ts): each job makes one file of the
  // mirror agree with the database, written in the transaction of the change
  // that asks for it, retried with backoff until it succeeds, then deleted.
  // Which file is named by its kind and, for a package's files, the package
  // and version; the kinds are checked by the code, not here, so that a new
  // kind of file needs no new table.
  `
  CREATE TABLE mirror_jobs (
    id INTEGER PRIMARY KEY,
    file TEXT NOT NULL,
    package_id INTEGER REFERENCES packages (id),
    version_key INTEGER,
    created_at INTEGER NOT NULL,
    due_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
  ) STRICT;
  -- What a job waits for: the files of its package, or of any kind, written first.
  CREATE INDEX mirror_jobs_by_package ON mirror_jobs (package_id, file);
  CREATE INDEX mirror_jobs_by_file ON mirror_jobs (file);
  `,

  // 16: bundles in chunks of 64 KiB, each read as the client can take it: a blob
  // column is read whole (substr too), so sending one held all of it in memory.
  `
  CREATE TABLE blob_chunks (
    blob_id INTEGER NOT NULL REFERENCES blobs (id),
    seq INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (blob_id, seq)
  ) STRICT;
  INSERT INTO blob_chunks (blob_id, seq, bytes)
    WITH RECURSIVE pieces (blob_id, seq) AS (
      SELECT id, 0 FROM blobs
      UNION ALL
      SELECT pieces.blob_id, pieces.seq + 1 FROM pieces JOIN blobs ON blobs.id = pieces.blob_id
      WHERE (pieces.seq + 1) * 65536 < length(blobs.bytes)
    )
    SELECT pieces.blob_id, pieces.seq, substr(blobs.bytes, pieces.seq * 65536 + 1, 65536)
    FROM pieces JOIN blobs ON blobs.id = pieces.blob_id;
  ALTER TABLE blobs ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
  UPDATE blobs SET size = length(bytes);
  ALTER TABLE blobs DROP COLUMN bytes;
  `,

  // 17: what the package website shows besides the docs: each version's README,
  // as sent beside its bundle and as rendered once when it was published; the
  // packages each package's latest version depends on, rewritten whenever its
  // head moves, so that "used by" is one indexed read; and downloads, counted
  // per version and per day (never who downloaded), with each version's total
  // beside them so that no page adds up days.
  `
  CREATE TABLE version_readmes (
    version_id INTEGER PRIMARY KEY REFERENCES versions (id),
    sha256 TEXT NOT NULL,
    -- the README as sent (UTF-8 Markdown); NULL once the version is revoked
    markdown TEXT,
    -- the README rendered and sanitised; NULL once the version is revoked
    html TEXT
  ) STRICT;

  CREATE TABLE latest_dependencies (
    package_id INTEGER NOT NULL REFERENCES packages (id),
    -- the dependency as the database keys packages (see packageKey)
    dependency_key TEXT NOT NULL,
    PRIMARY KEY (dependency_key, package_id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX latest_dependencies_by_package ON latest_dependencies (package_id);
  INSERT OR IGNORE INTO latest_dependencies (package_id, dependency_key)
    SELECT versions.package_id, lower(dependency.key)
    FROM package_heads
    JOIN versions ON versions.package_id = package_heads.package_id
                 AND versions.version_key = package_heads.latest_key,
         json_each(versions.dependencies) AS dependency;

  CREATE TABLE download_days (
    version_id INTEGER NOT NULL REFERENCES versions (id),
    -- days since the Unix epoch, in UTC
    day INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (version_id, day)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE download_totals (
    version_id INTEGER PRIMARY KEY REFERENCES versions (id),
    count INTEGER NOT NULL
  ) STRICT;

  -- Module pages made before had no index and linked no type to another
  -- module: the background pass makes every live version's docs again from
  -- its bundle, each replacing the old in one transaction, which serve meanwhile.
  UPDATE version_docs SET awaiting = 1
  WHERE docs_json IS NOT NULL
    AND version_id IN (SELECT versions.id FROM versions
                       WHERE versions.revoked_at IS NULL
                         AND EXISTS (SELECT 1 FROM blobs WHERE blobs.sha256 = versions.sha256));
  `,

  // 18: what each version's API changed since the version it bumps, decided when it was published
  `
  CREATE TABLE version_changes (
    version_id INTEGER PRIMARY KEY REFERENCES versions (id),
    -- the version compared with, the one it bumps, as a key; NULL for a package's first version
    since_key INTEGER,
    -- how far the number had to move from it: 'major', 'minor' or 'patch'; NULL when not compared
    magnitude TEXT,
    -- what decided that: 'api', or 'compiler_ranges' when no compiler builds both; NULL when not compared
    decided_by TEXT,
    -- the API changes, without doc comments (JSON); NULL when not compared
    changes TEXT,
    -- each change in words (a JSON array of sentences), for the version's page; NULL when not compared
    sentences TEXT,
    -- why the API could not be compared, when a version was there to compare with
    unknown TEXT,
    -- 1 when it was published as history, its number not held to the rules
    history INTEGER NOT NULL,
    -- published as history with a number its API did not call for: the one it did, as a key
    called_for_key INTEGER
  ) STRICT;
  `,
];

export type MigrationError = { kind: "schema_too_new"; found: number; known: number };

/** The schema version the database is at: how many migrations it has had. */
export function schemaVersion(db: Database): number {
  const row = db.get("PRAGMA user_version");
  return row ? integer(row, "user_version") : 0;
}

/** Brings the database up to the newest schema in one transaction. */
export function migrate(db: Database): Result<void, MigrationError> {
  return db.transaction(() => {
    const current = schemaVersion(db);
    if (current > MIGRATIONS.length) {
      return err({ kind: "schema_too_new", found: current, known: MIGRATIONS.length } as const);
    }
    for (let version = current + 1; version <= MIGRATIONS.length; version++) {
      db.exec(MIGRATIONS[version - 1]!);
    }
    // user_version is written inside the transaction, so it moves with the schema.
    db.exec(`PRAGMA user_version = ${MIGRATIONS.length}`);
    return ok(undefined);
  });
}
