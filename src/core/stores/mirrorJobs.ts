import type { Database, Row } from "../../ports/database.ts";
import { integer, optionalInteger, optionalText, text } from "./rows.ts";

// The static mirror's writes still to do: one row per file a change asked to
// bring up to date, deleted once the mirror holds what the database says.

export interface MirrorJobRecord {
  id: number;
  /** The kind of file, as `mirrorFiles.ts` names them. */
  file: string;
  packageId: number | undefined;
  versionKey: number | undefined;
  /** Not tried before this time. */
  dueAt: number;
  /** Tries that failed so far. */
  attempts: number;
  lastError: string | undefined;
}

const toJob = (row: Row): MirrorJobRecord => ({
  id: integer(row, "id"),
  file: text(row, "file"),
  packageId: optionalInteger(row, "package_id"),
  versionKey: optionalInteger(row, "version_key"),
  dueAt: integer(row, "due_at"),
  attempts: integer(row, "attempts"),
  lastError: optionalText(row, "last_error"),
});

export function enqueueMirrorJob(
  db: Database,
  job: { file: string; packageId?: number; versionKey?: number; at: number },
): void {
  db.run(
    `INSERT INTO mirror_jobs (file, package_id, version_key, created_at, due_at)
     VALUES (:file, :packageId, :versionKey, :at, :at)`,
    {
      file: job.file,
      packageId: job.packageId ?? null,
      versionKey: job.versionKey ?? null,
      at: job.at,
    },
  );
}

/** Every job not done yet, oldest first. */
export function pendingMirrorJobs(db: Database): MirrorJobRecord[] {
  return db
    .all(
      `SELECT id, file, package_id, version_key, due_at, attempts, last_error
       FROM mirror_jobs ORDER BY id`,
    )
    .map(toJob);
}

export function finishMirrorJobs(db: Database, ids: readonly number[]): void {
  for (const id of ids) db.run("DELETE FROM mirror_jobs WHERE id = :id", { id });
}

/** The jobs failed again: tried next at `dueAt`. */
export function postponeMirrorJobs(
  db: Database,
  ids: readonly number[],
  failure: { attempts: number; dueAt: number; error: string },
): void {
  for (const id of ids) {
    db.run(
      `UPDATE mirror_jobs SET attempts = :attempts, due_at = :dueAt, last_error = :error
       WHERE id = :id`,
      { id, ...failure },
    );
  }
}

/** Whether a job not done yet is about one of these kinds of file of the package. */
export function pendingFilesOf(db: Database, packageId: number, files: readonly string[]): boolean {
  const names = files.map((_, i) => `:file${i}`).join(", ");
  const params = Object.fromEntries(files.map((file, i) => [`file${i}`, file]));
  return (
    db.get(
      `SELECT 1 AS pending FROM mirror_jobs
       WHERE package_id = :packageId AND file IN (${names}) LIMIT 1`,
      { packageId, ...params },
    ) !== undefined
  );
}

/** Whether a job not done yet is about a file of this kind. */
export const pendingFile = (db: Database, file: string): boolean =>
  db.get("SELECT 1 AS pending FROM mirror_jobs WHERE file = :file LIMIT 1", { file }) !== undefined;

/** Whether a job not done yet is about a file of another kind than this. */
export const pendingOtherThan = (db: Database, file: string): boolean =>
  db.get("SELECT 1 AS pending FROM mirror_jobs WHERE file != :file LIMIT 1", { file }) !==
  undefined;
