import type { Database, Row } from "../../ports/database.ts";
import type { Email } from "../../wire/email.ts";
import { integer, text } from "./rows.ts";

export interface User {
  id: number;
  email: Email;
}

export const toUser = (row: Row): User => ({
  id: integer(row, "id"),
  email: text(row, "email") as Email,
});

/** Users exist from the first time anyone names their address; they have no password. */
export function findOrCreateUser(db: Database, email: Email, now: number): User {
  db.run(
    "INSERT INTO users (email, created_at) VALUES (:email, :now) ON CONFLICT (email) DO NOTHING",
    { email, now },
  );
  return findUser(db, email)!;
}

export function findUser(db: Database, email: Email): User | undefined {
  const row = db.get("SELECT id, email FROM users WHERE email = :email", { email });
  return row && toUser(row);
}
