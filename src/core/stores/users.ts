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

/**
 * The account that stands for a CI service's workflows (`GitHub Actions`) as
 * the publisher of what they publish. Its name is no email address, so nobody
 * can log in as it or make it a member.
 */
export function findOrCreateWorkflowUser(db: Database, label: string, now: number): User {
  db.run(
    `INSERT INTO users (email, created_at, kind) VALUES (:label, :now, 'workflow')
     ON CONFLICT (email) DO NOTHING`,
    { label, now },
  );
  const row = db.get("SELECT id, email FROM users WHERE email = :label AND kind = 'workflow'", {
    label,
  });
  if (!row) throw new Error(`${label} names a person, not a workflow account`);
  return toUser(row);
}
