import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  BUSY_TIMEOUT_MS,
  PAGE_CACHE_KIB,
  SqliteDatabase,
  WAL_AUTOCHECKPOINT_PAGES,
} from "../../src/host/sqlite.ts";
import { temporaryDir } from "../support/registry.ts";

describe("a database connection beside litestream", () => {
  it("waits for litestream's locks and leaves checkpoints to it", () => {
    const db = new SqliteDatabase(join(temporaryDir(), "registry.db"));
    try {
      expect(Object.values(db.get("PRAGMA journal_mode")!)).toEqual(["wal"]);
      expect(Object.values(db.get("PRAGMA busy_timeout")!)).toEqual([BUSY_TIMEOUT_MS]);
      expect(Object.values(db.get("PRAGMA wal_autocheckpoint")!)).toEqual([
        WAL_AUTOCHECKPOINT_PAGES,
      ]);
    } finally {
      db.close();
    }
  });
});

describe("a database connection's page cache", () => {
  it("holds the live versions' index of a 400,000-version catalogue", () => {
    const db = new SqliteDatabase(join(temporaryDir(), "registry.db"));
    try {
      expect(Object.values(db.get("PRAGMA cache_size")!)).toEqual([-PAGE_CACHE_KIB]);
      // That index is about 12 MB at 400,000 versions.
      expect(PAGE_CACHE_KIB).toBeGreaterThanOrEqual(12 * 1024);
    } finally {
      db.close();
    }
  });
});
