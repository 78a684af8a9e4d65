import type { Database } from "../ports/database.ts";
import type { Email } from "./email.ts";

export interface User {
  id: number;
  email: Email;
}

/** Users exist from the first time anyone names their address; they have no password. */
export function findOrCreateUser(db: Database, email: Email, now: number): User {
  db.run("INSERT INTO users (email, created_at) VALUES (?, ?) ON CONFLICT (email) DO NOTHING", [
    email,
    now,
  ]);
  return findUser(db, email)!;
}

export function findUser(db: Database, email: Email): User | undefined {
  const row = db.get("SELECT id, email FROM users WHERE email = ?", [email]);
  return row && { id: Number(row.id), email: row.email as Email };
}
