import type { Database } from "../ports/database.ts";
import type { Clock, Ports } from "../ports/index.ts";
import type { Mirror, MirrorFailure } from "../ports/mirror.ts";
import { ok, type Result } from "../result.ts";
import {
  fileColumns,
  fileKey,
  filesOfChange,
  type MirrorJobKey,
  VERSION_FILES,
  wantedFile,
} from "./mirrorFiles.ts";
import { updateMirroredLog } from "./mirrorLog.ts";
import {
  enqueueMirrorJob,
  finishMirrorJobs,
  type MirrorJobRecord,
  pendingFile,
  pendingFilesOf,
  pendingMirrorJobs,
  pendingOtherThan,
  postponeMirrorJobs,
} from "./stores/mirrorJobs.ts";
import { findPackageById } from "./stores/packages.ts";
import { MINUTE, SECOND } from "./time.ts";

// The static mirror is written by jobs kept in the database: each change
// queues, in its own transaction, the files it touches, and a worker brings
// each file in line with the database afterwards, retrying until the storage
// takes it. A job does not say what to write: whenever it runs, the file gets
// what the database says now, so jobs may run late, twice, or together.

export interface MirrorPolicy {
  /** Delay before a failed file is first tried again; each later retry waits twice as long. */
  firstRetryMs: number;
  maxDelayMs: number;
  /** Files written at once. */
  concurrency: number;
  /** Files taken up in one pass. */
  batch: number;
}

export const DEFAULT_MIRROR_POLICY = {
  firstRetryMs: SECOND,
  maxDelayMs: 10 * MINUTE,
  concurrency: 4,
  batch: 64,
} as const satisfies MirrorPolicy;

/**
 * Queues the mirror's files that a publication or revocation of one version
 * changes: the version's own files, the transparency log, its package's
 * index, the list of packages, and `mirror.json`. Called in the change's
 * transaction, so a change is never committed without them. A private
 * package's change queues only the log, which holds its commitment; a
 * registry that keeps no mirror queues nothing.
 */
export function queueMirrorUpdate(
  ports: Pick<Ports, "db" | "clock" | "mirror">,
  change: { packageId: number; versionKey: number },
): void {
  if (ports.mirror === undefined) return;
  const pkg = findPackageById(ports.db, change.packageId);
  if (pkg === undefined) return;
  const at = ports.clock.now();
  for (const key of filesOfChange(change, pkg.private)) {
    enqueueMirrorJob(ports.db, { ...fileColumns(key), at });
  }
}

/** A file (or the log) with the jobs that asked for it. */
interface FileJobs {
  key: MirrorJobKey;
  ids: number[];
  dueAt: number;
  attempts: number;
}

const VERSION_FILE_KINDS = Object.keys(VERSION_FILES);

/**
 * Whether the file must wait for other files to be written first, so that a
 * reader of the mirror never finds a file pointing to one not there yet: an
 * index waits for its versions' files and for the log that proves them, the
 * list of packages for the indexes, and `mirror.json` for everything else.
 */
function waits(db: Database, key: MirrorJobKey): boolean {
  switch (key.kind) {
    case "version_file":
    case "log":
      return false;
    case "package_index":
      return pendingFilesOf(db, key.packageId, VERSION_FILE_KINDS) || pendingFile(db, "log");
    case "package_list":
      return pendingFile(db, "package_index");
    case "manifest":
      return pendingOtherThan(db, "manifest");
  }
}

/** The jobs not done yet, by the file they ask for, oldest first. */
function pendingFiles(jobs: readonly MirrorJobRecord[]): FileJobs[] {
  const files = new Map<string, FileJobs>();
  for (const job of jobs) {
    const key = fileKey(job);
    // A kind of file from a newer release of the registry: left for it.
    if (key === undefined) continue;
    const name = JSON.stringify(key);
    const known = files.get(name);
    if (known) {
      known.ids.push(job.id);
      known.dueAt = Math.min(known.dueAt, job.dueAt);
      known.attempts = Math.max(known.attempts, job.attempts);
    } else {
      files.set(name, { key, ids: [job.id], dueAt: job.dueAt, attempts: job.attempts });
    }
  }
  return [...files.values()];
}

/** When a file that has failed this many times is tried again. */
export const mirrorRetryDelay = (policy: MirrorPolicy, attempts: number): number =>
  Math.min(policy.maxDelayMs, policy.firstRetryMs * 2 ** (attempts - 1));

export interface MirrorPass {
  /** Files written or deleted, and files that failed. */
  written: number;
  failed: number;
  /** Why the last file that failed did. */
  lastFailure: string | undefined;
}

/**
 * Brings every file that is due and waits for nothing up to date, a few at a
 * time, and records each outcome: done jobs are deleted, failed ones put off.
 */
export async function updateMirror(
  ports: { db: Database; clock: Clock },
  mirror: Mirror,
  policy: MirrorPolicy,
): Promise<MirrorPass> {
  const { db, clock } = ports;
  const now = clock.now();
  const due = pendingFiles(pendingMirrorJobs(db))
    .filter((file) => file.dueAt <= now && !waits(db, file.key))
    .slice(0, policy.batch);
  const pass: MirrorPass = { written: 0, failed: 0, lastFailure: undefined };
  let next = 0;
  const worker = async () => {
    while (next < due.length) {
      const file = due[next++]!;
      const outcome = await bringUpToDate(ports, mirror, policy, file);
      if (outcome === "written") pass.written++;
      else if (outcome !== undefined) {
        pass.failed++;
        pass.lastFailure = outcome.failure;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(policy.concurrency, due.length) }, worker));
  return pass;
}

async function bringUpToDate(
  ports: { db: Database; clock: Clock },
  mirror: Mirror,
  policy: MirrorPolicy,
  file: FileJobs,
): Promise<"written" | { failure: string } | undefined> {
  const { db, clock } = ports;
  // Another change may have queued what this file must wait for since the pass began.
  if (waits(db, file.key)) return undefined;
  let failure: string | undefined;
  try {
    const done = await bringFile(db, mirror, file.key, clock.now());
    if (!done.ok) failure = done.error;
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
  }
  db.transaction(() => {
    if (failure === undefined) finishMirrorJobs(db, file.ids);
    else {
      const attempts = file.attempts + 1;
      postponeMirrorJobs(db, file.ids, {
        attempts,
        dueAt: clock.now() + mirrorRetryDelay(policy, attempts),
        error: failure,
      });
    }
    return ok(undefined);
  });
  return failure === undefined ? "written" : { failure };
}

/** Writes the file as the database has it now, or deletes it when the mirror must not hold it. */
async function bringFile(
  db: Database,
  mirror: Mirror,
  key: MirrorJobKey,
  at: number,
): Promise<Result<void, MirrorFailure>> {
  if (key.kind === "log") return updateMirroredLog(db, mirror);
  const wanted = wantedFile(db, key, at);
  return wanted.file ? mirror.write(wanted.file) : mirror.delete(wanted.path);
}

/** When the next file waiting for nothing falls due, if any is. */
export function nextMirrorDue(db: Database): number | undefined {
  let next: number | undefined;
  for (const file of pendingFiles(pendingMirrorJobs(db))) {
    if (next !== undefined && file.dueAt >= next) continue;
    if (!waits(db, file.key)) next = file.dueAt;
  }
  return next;
}

export interface MirrorBacklog {
  /** Files not yet brought up to date. */
  files: number;
  /** Of those, the ones that have failed at least once, with the last reason. */
  failing: number;
  lastError: string | undefined;
}

/** What is still to write, for operators. */
export function mirrorBacklog(db: Database): MirrorBacklog {
  const jobs = pendingMirrorJobs(db);
  const files = pendingFiles(jobs);
  const failed = jobs.filter((job) => job.lastError !== undefined);
  return {
    files: files.length,
    failing: files.filter((file) => file.attempts > 0).length,
    lastError: failed.sort((a, b) => a.dueAt - b.dueAt).at(-1)?.lastError,
  };
}
