import type { Database, Row } from "../../ports/database.ts";
import type { AuditAction, AuditEntry } from "../../wire/identities.ts";
import { isoTime } from "../time.ts";
import { integer, text } from "./rows.ts";

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
    `INSERT INTO audit_log (at, actor_id, identity_id, action, subject, detail)
     VALUES (:at, :actorId, :identityId, :action, :subject, :detail)`,
    {
      at: entry.at,
      actorId: entry.actorId,
      identityId: entry.identityId,
      action: entry.action,
      subject: entry.subject,
      detail: JSON.stringify(entry.detail ?? {}),
    },
  );
}

const toEntry = (row: Row): AuditEntry => ({
  at: isoTime(integer(row, "at")),
  actor: text(row, "email"),
  action: text(row, "action") as AuditAction,
  subject: text(row, "subject"),
  detail: JSON.parse(text(row, "detail")) as Record<string, unknown>,
});

/** An identity's audit trail, oldest first. */
export function auditTrail(db: Database, identityId: number): AuditEntry[] {
  return db
    .all(
      `SELECT audit_log.at, users.email, audit_log.action, audit_log.subject, audit_log.detail
       FROM audit_log JOIN users ON users.id = audit_log.actor_id
       WHERE audit_log.identity_id = :identityId ORDER BY audit_log.id`,
      { identityId },
    )
    .map(toEntry);
}
