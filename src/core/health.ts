import type { Database } from "../ports/database.ts";

export function databaseAnswers(db: Database): boolean {
  try {
    return db.get("SELECT 1 AS one")?.one === 1;
  } catch {
    return false;
  }
}
