import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MIGRATIONS, migrate } from "../../src/core/schema.ts";
import { SqliteDatabase } from "../../src/host/sqlite.ts";
import { temporaryDir } from "../support/registry.ts";

describe("migrations", () => {
  it("bring a new database to the newest schema, and do nothing the second time", () => {
    const path = join(temporaryDir(), "r.db");
    const db = new SqliteDatabase(path);
    expect(migrate(db)).toBeUndefined();
    expect(db.get("PRAGMA user_version")).toEqual({ user_version: MIGRATIONS.length });
    db.run("INSERT INTO users (email, created_at) VALUES ('a@example.com', 1)");
    db.close();

    const reopened = new SqliteDatabase(path);
    expect(migrate(reopened)).toBeUndefined();
    expect(reopened.all("SELECT email FROM users")).toEqual([{ email: "a@example.com" }]);
    reopened.close();
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
    expect(migrate(db)).toEqual({
      kind: "schema_too_new",
      found: MIGRATIONS.length + 1,
      known: MIGRATIONS.length,
    });
    expect(db.all("SELECT name FROM sqlite_master WHERE type = 'table'")).toEqual([]);
    db.close();
  });
});

describe("indexes", () => {
  it("answer latest, latest for a compiler and previous from the live-versions index alone", () => {
    const db = new SqliteDatabase(join(temporaryDir(), "r.db"));
    migrate(db);
    const plan = (sql: string, params: number[]) =>
      db
        .all(`EXPLAIN QUERY PLAN ${sql}`, params)
        .map((row) => row.detail)
        .join("; ");
    const live = "FROM versions WHERE package_id = ? AND revoked_at IS NULL";
    expect(plan(`SELECT max(version_key) ${live}`, [1])).toMatch(/COVERING INDEX versions_live/);
    expect(
      plan(
        `SELECT version_key ${live} AND gren_lower <= ? AND gren_upper > ? ORDER BY version_key DESC LIMIT 1`,
        [1, 2, 2],
      ),
    ).toMatch(/COVERING INDEX versions_live/);
    expect(
      plan(
        `SELECT version_key ${live} AND version_key < ? ORDER BY version_key DESC LIMIT 1`,
        [1, 2],
      ),
    ).toMatch(/COVERING INDEX versions_live/);
    db.close();
  });
});

describe("transactions", () => {
  it("keep nothing of work that throws", () => {
    const db = new SqliteDatabase(join(temporaryDir(), "r.db"));
    migrate(db);
    expect(() =>
      db.transaction(() => {
        db.run("INSERT INTO users (email, created_at) VALUES ('b@example.com', 1)");
        db.transaction(() =>
          db.run("INSERT INTO users (email, created_at) VALUES ('c@example.com', 1)"),
        );
        throw new Error("half-way");
      }),
    ).toThrow("half-way");
    expect(db.all("SELECT email FROM users")).toEqual([]);
    db.close();
  });
});
