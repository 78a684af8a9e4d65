import { DatabaseSync } from "node:sqlite";
import { MIGRATIONS } from "../../src/core/stores/schema.ts";

// A registry's database as it was before the registry kept each version's
// docs: made by the migrations that came before, holding rows as that
// registry wrote them.

/** The migrations a registry had before it kept docs: those before the one that made their table. */
export const MIGRATIONS_BEFORE_DOCS = MIGRATIONS.slice(
  0,
  MIGRATIONS.findIndex((migration) => migration.includes("CREATE TABLE version_docs")),
);

/**
 * Makes a database at `path` with the migrations before docs, holding every
 * row of `source`'s tables of that time: the users, identities, packages,
 * versions and bundles a registry then had.
 */
export function databaseBeforeDocs(path: string, source: string): void {
  const db = new DatabaseSync(path);
  try {
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("BEGIN");
    for (const migration of MIGRATIONS_BEFORE_DOCS) db.exec(migration);
    db.exec(`PRAGMA user_version = ${MIGRATIONS_BEFORE_DOCS.length}`);
    db.exec("COMMIT");
    db.prepare("ATTACH DATABASE ? AS source").run(source);
    const tables = db
      .prepare(
        // The search index's own tables are filled through it.
        `SELECT name FROM main.sqlite_master WHERE type = 'table'
         AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'package_search_%'`,
      )
      .all()
      .map((row) => String(row.name));
    db.exec("BEGIN");
    for (const table of tables.filter((name) => name !== "blobs")) {
      db.exec(`INSERT INTO main."${table}" SELECT * FROM source."${table}"`);
    }
    // Bundles were kept whole then; they are in chunks now.
    const insertBlob = db.prepare("INSERT INTO main.blobs (id, sha256, bytes) VALUES (?, ?, ?)");
    for (const blob of db.prepare("SELECT id, sha256 FROM source.blobs").all()) {
      const chunks = db
        .prepare("SELECT bytes FROM source.blob_chunks WHERE blob_id = ? ORDER BY seq")
        .all(blob.id as number)
        .map((row) => row.bytes as Uint8Array);
      insertBlob.run(blob.id as number, blob.sha256 as string, Buffer.concat(chunks));
    }
    db.exec("COMMIT");
    db.exec("DETACH DATABASE source");
  } finally {
    db.close();
  }
}
