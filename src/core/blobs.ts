import type { Database } from "../ports/database.ts";

/** Stores a bundle's bytes under their SHA-256, once however many versions share them. */
export function storeBlob(db: Database, sha256: string, bytes: Uint8Array): void {
  db.run("INSERT INTO blobs (sha256, bytes) VALUES (?, ?) ON CONFLICT (sha256) DO NOTHING", [
    sha256,
    bytes,
  ]);
}

export function readBlob(db: Database, sha256: string): Uint8Array | undefined {
  const row = db.get("SELECT bytes FROM blobs WHERE sha256 = ?", [sha256]);
  return row?.bytes as Uint8Array | undefined;
}

/**
 * Deletes the bytes once no live version uses them. With secure_delete on,
 * SQLite overwrites the freed pages, so the content leaves the file too.
 */
export function releaseBlob(db: Database, sha256: string): void {
  db.run(
    "DELETE FROM blobs WHERE sha256 = ? AND NOT EXISTS (SELECT 1 FROM versions WHERE sha256 = ? AND revoked_at IS NULL)",
    [sha256, sha256],
  );
}
