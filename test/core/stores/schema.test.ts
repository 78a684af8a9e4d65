import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lastPublicSeq, recordEvent } from "../../../src/core/stores/events.ts";
import { readBlob, readBlobChunk } from "../../../src/core/stores/packages.ts";
import { MIGRATIONS, migrate } from "../../../src/core/stores/schema.ts";
import { SqliteDatabase } from "../../../src/host/sqlite.ts";
import { err, failKeepingWrites, ok } from "../../../src/result.ts";
import { temporaryDir } from "../../support/registry.ts";

describe("migrations", () => {
  it("bring a new database to the newest schema, and do nothing the second time", () => {
    const path = join(temporaryDir(), "r.db");
    const db = new SqliteDatabase(path);
    expect(migrate(db)).toEqual(ok(undefined));
    expect(db.get("PRAGMA user_version")).toEqual({ user_version: MIGRATIONS.length });
    db.run("INSERT INTO users (email, created_at) VALUES ('a@example.com', 1)");
    db.close();

    const reopened = new SqliteDatabase(path);
    expect(migrate(reopened)).toEqual(ok(undefined));
    expect(reopened.all("SELECT email FROM users")).toEqual([{ email: "a@example.com" }]);
    reopened.close();
  });

  it("give each package of an older database its head: latest and highest, counts, last published", () => {
    const db = new SqliteDatabase(join(temporaryDir(), "r.db"));
    const heads = MIGRATIONS.findIndex((sql) => sql.includes("CREATE TABLE package_heads"));
    for (const sql of MIGRATIONS.slice(0, heads)) db.exec(sql);
    db.exec(`PRAGMA user_version = ${heads}`);
    db.exec(`
      INSERT INTO users (id, email, created_at) VALUES (1, 'a@example.com', 1);
      INSERT INTO identities (id, name, name_key, created_at) VALUES (1, 'acme', 'acme', 1);
      INSERT INTO packages (id, identity_id, project, name_key, private, summary, license, created_at)
        VALUES (1, 1, 'widgets', 'acme/widgets', 0, 's', 'BSD-3-Clause', 1),
               (2, 1, 'gears', 'acme/gears', 0, 's', 'BSD-3-Clause', 1);
      INSERT INTO versions (package_id, version_key, gren_lower, gren_upper, outline, sha256, size,
                            published_at, publisher_id, revoked_at, revoked_reason)
        VALUES (1, 1000000, 0, 1, '{}', 'a', 1, 10, 1, NULL, NULL),
               (1, 3000000, 0, 1, '{}', 'b', 1, 20, 1, 25, 'Broken'),
               (1, 2000000, 0, 1, '{}', 'c', 1, 30, 1, NULL, NULL),
               (2, 1000000, 0, 1, '{}', 'd', 1, 40, 1, 45, 'Gone');
      INSERT INTO events (type, package_id, version_key, at) VALUES ('published', 1, 1000000, 10),
        ('published', 2, 1000000, 40), ('published', 1, 2000000, 30);
    `);
    expect(migrate(db)).toEqual(ok(undefined));
    expect(
      db.all(
        `SELECT package_id, latest_key, highest_key, versions, live_versions, last_published_key,
                last_published_at, change_seq FROM package_heads ORDER BY package_id`,
      ),
    ).toEqual([
      {
        package_id: 1,
        latest_key: 2000000,
        highest_key: 3000000,
        versions: 3,
        live_versions: 2,
        last_published_key: 2000000,
        last_published_at: 30,
        change_seq: 3,
      },
      {
        package_id: 2,
        latest_key: null,
        highest_key: 1000000,
        versions: 1,
        live_versions: 0,
        last_published_key: null,
        last_published_at: null,
        change_seq: 2,
      },
    ]);
    db.close();
  });

  it("open the database in WAL mode with foreign keys on", () => {
    const db = new SqliteDatabase(join(temporaryDir(), "r.db"));
    expect(db.get("PRAGMA journal_mode")).toEqual({ journal_mode: "wal" });
    expect(db.get("PRAGMA foreign_keys")).toEqual({ foreign_keys: 1 });
    expect(db.get("PRAGMA busy_timeout")).toEqual({ timeout: 5000 });
    db.close();
  });

  it("refuse a database written by a newer server, leaving it untouched", () => {
    const db = new SqliteDatabase(join(temporaryDir(), "r.db"));
    db.exec(`PRAGMA user_version = ${MIGRATIONS.length + 1}`);
    expect(migrate(db)).toEqual(
      err({ kind: "schema_too_new", found: MIGRATIONS.length + 1, known: MIGRATIONS.length }),
    );
    expect(db.all("SELECT name FROM sqlite_master WHERE type = 'table'")).toEqual([]);
    db.close();
  });
});

describe("the migration to bundles in chunks", () => {
  it("moves each stored bundle into chunks, byte for byte, and keeps its size", () => {
    const db = new SqliteDatabase(join(temporaryDir(), "r.db"));
    const chunking = MIGRATIONS.findIndex((sql) => sql.includes("CREATE TABLE blob_chunks"));
    expect(chunking).toBeGreaterThan(0);
    for (const sql of MIGRATIONS.slice(0, chunking)) db.exec(sql);
    db.exec(`PRAGMA user_version = ${chunking}`);
    // Three bundles as the server stored them before: a small one, one of
    // exactly two chunks, and one that ends in a short third.
    const stored = [100, 2 * 65536, 2 * 65536 + 7].map((size, index) => ({
      sha256: `sha-${index}`,
      bytes: new Uint8Array(randomBytes(size)),
    }));
    for (const blob of stored) {
      db.run("INSERT INTO blobs (sha256, bytes) VALUES (:sha256, :bytes)", blob);
    }

    expect(migrate(db)).toEqual(ok(undefined));
    for (const blob of stored) {
      expect(readBlob(db, blob.sha256)).toEqual(blob.bytes);
      expect(
        db.get("SELECT size FROM blobs WHERE sha256 = :sha256", { sha256: blob.sha256 }),
      ).toEqual({
        size: blob.bytes.byteLength,
      });
    }
    expect(
      db.all(
        "SELECT blob_id, count(*) AS chunks FROM blob_chunks GROUP BY blob_id ORDER BY blob_id",
      ),
    ).toEqual([
      { blob_id: 1, chunks: 1 },
      { blob_id: 2, chunks: 2 },
      { blob_id: 3, chunks: 3 },
    ]);
    expect(readBlobChunk(db, "sha-2", 2)?.byteLength).toBe(7);
    db.close();
  });
});

describe("indexes", () => {
  it("answer latest, latest for a compiler and previous from the live-versions index alone", () => {
    const db = new SqliteDatabase(join(temporaryDir(), "r.db"));
    migrate(db);
    const plan = (sql: string, params: Record<string, number>) =>
      db
        .all(`EXPLAIN QUERY PLAN ${sql}`, params)
        .map((row) => row.detail)
        .join("; ");
    const live = "FROM versions WHERE package_id = :p AND revoked_at IS NULL";
    expect(plan(`SELECT max(version_key) ${live}`, { p: 1 })).toMatch(
      /COVERING INDEX versions_live/,
    );
    expect(
      plan(
        `SELECT version_key ${live} AND gren_lower <= :c AND gren_upper > :c ORDER BY version_key DESC LIMIT 1`,
        { p: 1, c: 2 },
      ),
    ).toMatch(/COVERING INDEX versions_live/);
    expect(
      plan(`SELECT version_key ${live} AND version_key < :v ORDER BY version_key DESC LIMIT 1`, {
        p: 1,
        v: 2,
      }),
    ).toMatch(/COVERING INDEX versions_live/);
    db.close();
  });
});

describe("the store's own statements", () => {
  it("number public events from the end of their index, not by reading every event", () => {
    const db = new SqliteDatabase(join(temporaryDir(), "r.db"));
    migrate(db);
    // The statements are only recorded, then their plans read.
    const statements: { sql: string; params: Record<string, number | string> | undefined }[] = [];
    const recording = new Proxy(db, {
      get: () => (sql: string, params?: Record<string, number | string>) => {
        statements.push({ sql, params });
        return undefined;
      },
    });
    recordEvent(recording, { type: "published", packageId: 1, versionKey: 1, at: 1 });
    lastPublicSeq(recording);
    expect(statements).toHaveLength(2);
    for (const { sql, params } of statements) {
      const plan = db.all(`EXPLAIN QUERY PLAN ${sql}`, params).map((row) => String(row.detail));
      const eventsReads = plan.filter((step) => / events\b/.test(step));
      expect(eventsReads.length).toBeGreaterThan(0);
      for (const step of eventsReads) expect(step).toMatch(/INDEX events_by_public_seq/);
    }
    db.close();
  });
});

describe("transactions", () => {
  const opened = () => {
    const db = new SqliteDatabase(join(temporaryDir(), "r.db"));
    migrate(db);
    return db;
  };
  const addUser = (db: SqliteDatabase, email: string) =>
    db.run("INSERT INTO users (email, created_at) VALUES (:email, 1)", { email });
  const emails = (db: SqliteDatabase) =>
    db.all("SELECT email FROM users ORDER BY email").map((row) => row.email);

  it("keep nothing of work that throws", () => {
    const db = opened();
    expect(() =>
      db.transaction(() => {
        addUser(db, "b@example.com");
        db.transaction(() => ok(addUser(db, "c@example.com")));
        throw new Error("half-way");
      }),
    ).toThrow("half-way");
    expect(emails(db)).toEqual([]);
    db.close();
  });

  it("keep nothing of work that returns a failure, even what it wrote before the check", () => {
    const db = opened();
    const result = db.transaction(() => {
      addUser(db, "b@example.com");
      return err("a check failed");
    });
    expect(result).toEqual(err("a check failed"));
    expect(emails(db)).toEqual([]);
    db.close();
  });

  it("keep the writes of a failure that says so", () => {
    const db = opened();
    const result = db.transaction(() => {
      addUser(db, "counted@example.com");
      return failKeepingWrites("wrong code");
    });
    expect(result.ok).toBe(false);
    expect(emails(db)).toEqual(["counted@example.com"]);
    db.close();
  });

  it("undo a nested failure alone, keeping the outer transaction's writes", () => {
    const db = opened();
    const result = db.transaction(() => {
      addUser(db, "outer@example.com");
      const inner = db.transaction(() => {
        addUser(db, "inner@example.com");
        return err("inner check failed");
      });
      expect(inner.ok).toBe(false);
      return ok("done");
    });
    expect(result).toEqual(ok("done"));
    expect(emails(db)).toEqual(["outer@example.com"]);
    db.close();
  });
});
