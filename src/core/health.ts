import type { Database } from "../ports/database.ts";
import { schemaVersion } from "./stores/schema.ts";

export function databaseAnswers(db: Database): boolean {
  try {
    return schemaVersion(db) > 0;
  } catch {
    return false;
  }
}
