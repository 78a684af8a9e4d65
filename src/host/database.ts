import { migrate } from "../core/stores/schema.ts";
import { SqliteDatabase } from "./sqlite.ts";

/**
 * Opens the registry's database and brings its schema up to date, creating
 * the file on first use: what the server does before it listens, and what
 * `npm run serve:replicated` does before litestream starts watching the file.
 */
export function openDatabase(path: string): SqliteDatabase {
  const db = new SqliteDatabase(path);
  const migration = migrate(db);
  if (!migration.ok) {
    db.close();
    throw new Error(
      `The database at ${path} has schema version ${migration.error.found}, newer than this server's ${migration.error.known}; run a newer version of the registry.`,
    );
  }
  return db;
}
