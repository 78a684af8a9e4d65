import { readFileSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";

/** Every row of every table of the registry's database, to check a request changed nothing. */
export function databaseSnapshot(dbPath: string): Record<string, unknown[]> {
  const db = new DatabaseSync(dbPath, { readOnly: true });
  try {
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .all()
      .map((row) => String(row.name));
    return Object.fromEntries(
      tables.map((table) => [table, db.prepare(`SELECT * FROM "${table}"`).all()]),
    );
  } finally {
    db.close();
  }
}

/**
 * The raw bytes of the database file and its WAL, as text, to search for
 * content that must never be stored (secrets) or must be gone (revoked bundles).
 * With `checkpoint`, the WAL is first folded into the file, as it is in time.
 */
export function databaseFileText(dbPath: string, options: { checkpoint?: boolean } = {}): string {
  if (options.checkpoint) {
    const db = new DatabaseSync(dbPath);
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    db.close();
  }
  return ["", "-wal"]
    .map((suffix) => {
      try {
        return readFileSync(dbPath + suffix).toString("latin1");
      } catch {
        return "";
      }
    })
    .join("");
}
