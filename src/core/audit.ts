import type { Database } from "../ports/database.ts";
import type { Email } from "./email.ts";
import { isoTime } from "./time.ts";

/** What the audit log records; a later change adds a case here, never edits rows. */
export type AuditAction =
  | "identity.create"
  | "member.add"
  | "member.change_role"
  | "member.remove"
  | "version.revoke";

export interface AuditEntry {
  at: string;
  actor: Email;
  action: AuditAction;
  subject: string;
  detail: Record<string, unknown>;
}

/** Records who did what, to what, and when. Rows are never changed or deleted. */
export function recordAudit(
  db: Database,
  entry: {
    at: number;
    actorId: number;
    identityId: number;
    action: AuditAction;
    subject: string;
    detail?: Record<string, unknown>;
  },
): void {
  db.run(
    "INSERT INTO audit_log (at, actor_id, identity_id, action, subject, detail) VALUES (?, ?, ?, ?, ?, ?)",
    [
      entry.at,
      entry.actorId,
      entry.identityId,
      entry.action,
      entry.subject,
      JSON.stringify(entry.detail ?? {}),
    ],
  );
}

/** An identity's audit trail, oldest first. */
export function auditTrail(db: Database, identityId: number): AuditEntry[] {
  return db
    .all(
      `SELECT audit_log.at, users.email, audit_log.action, audit_log.subject, audit_log.detail
       FROM audit_log JOIN users ON users.id = audit_log.actor_id
       WHERE audit_log.identity_id = ? ORDER BY audit_log.id`,
      [identityId],
    )
    .map((row) => ({
      at: isoTime(Number(row.at)),
      actor: row.email as Email,
      action: row.action as AuditAction,
      subject: String(row.subject),
      detail: JSON.parse(String(row.detail)) as Record<string, unknown>,
    }));
}
