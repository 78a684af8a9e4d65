import type { Database } from "../ports/database.ts";
import type { Clock } from "../ports/index.ts";
import type { Mirror, MirrorFailure } from "../ports/mirror.ts";
import { ok, type Result } from "../result.ts";
import type { MirrorManifest } from "../wire/mirror.ts";
import { expectedFiles, type MirrorFileKey, toleratedFile, wantedFile } from "./mirrorFiles.ts";
import { lastPublicSeq } from "./stores/events.ts";

// Comparing the whole mirror with the database, and writing it whole from
// the database: for a new bucket, after an outage that outlasted the jobs'
// patience, or after someone else changed the files.

/** How the mirror differs from what the database says it should hold. */
export type MirrorDifference =
  | { kind: "missing"; path: string }
  | { kind: "different"; path: string; detail: string | undefined }
  /** A file the mirror must not hold: a revoked version's, a private package's, or no file of ours. */
  | { kind: "unexpected"; path: string }
  | { kind: "unreadable"; path: string; reason: MirrorFailure };

const CONCURRENCY = 8;

/** Runs `work` on each item, a few at once. */
async function eachAtOnce<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** What `mirror.json` says of the mirror's content. */
const manifestSays = (manifest: Partial<MirrorManifest>): string =>
  `change ${manifest.change}, ${manifest.packages} packages, ${manifest.versions} versions`;

/** How `mirror.json` differs from what it should say, leaving out when it was written. */
function compareManifest(found: Uint8Array, wanted: Uint8Array): string | undefined {
  const decoder = new TextDecoder();
  const expected = JSON.parse(decoder.decode(wanted)) as MirrorManifest;
  let held: Partial<MirrorManifest>;
  try {
    held = JSON.parse(decoder.decode(found)) as Partial<MirrorManifest>;
  } catch {
    return "it is not JSON";
  }
  if (held.format !== expected.format) {
    return `its format is ${JSON.stringify(held.format)}, not ${expected.format}`;
  }
  if (manifestSays(held) !== manifestSays(expected)) {
    return `it says ${manifestSays(held)}; the database has ${manifestSays(expected)}`;
  }
  if (JSON.stringify(held.files) !== JSON.stringify(expected.files)) {
    return `it lists the files ${JSON.stringify(held.files)}, not ${JSON.stringify(expected.files)}`;
  }
  return undefined;
}

/**
 * Every difference between the mirror and the database, by path: files
 * missing, different or unexpected. `mirror.json` is compared by what it
 * says, not by when it was written. A partial tile of the log that an older
 * checkpoint needed is expected to be there until its tile is full, so it
 * is checked when it is there, and not missed when it is not.
 */
export async function checkMirror(
  ports: { db: Database; clock: Clock },
  mirror: Mirror,
): Promise<Result<{ differences: MirrorDifference[]; files: number }, MirrorFailure>> {
  const { db, clock } = ports;
  const expected = expectedFiles(db);
  const listed = await mirror.list();
  if (!listed.ok) return listed;
  const held = new Set(listed.value);
  const differences: MirrorDifference[] = [];
  const toCheck = [...expected];
  for (const path of listed.value.filter((path) => !expected.has(path))) {
    const tolerated = toleratedFile(db, path);
    if (tolerated) toCheck.push([path, tolerated]);
    else differences.push({ kind: "unexpected", path });
  }
  await eachAtOnce(toCheck, async ([path, key]) => {
    if (!held.has(path)) {
      differences.push({ kind: "missing", path });
      return;
    }
    const found = await mirror.read(path);
    if (!found.ok) {
      differences.push({ kind: "unreadable", path, reason: found.error });
      return;
    }
    const wanted = wantedFile(db, key, clock.now()).file;
    // Revoked while the check ran: what the mirror holds is the next check's business.
    if (wanted === undefined) return;
    if (found.value === undefined) {
      differences.push({ kind: "missing", path });
    } else if (key.kind === "manifest") {
      const detail = compareManifest(found.value, wanted.bytes);
      if (detail !== undefined) differences.push({ kind: "different", path, detail });
    } else if (!sameBytes(found.value, wanted.bytes)) {
      differences.push({ kind: "different", path, detail: undefined });
    }
  });
  differences.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return ok({ differences, files: expected.size });
}

export interface Rebuilt {
  written: number;
  /** Files the mirror held and must not: revoked versions', private packages', strangers. */
  deleted: string[];
  failures: { path: string; reason: MirrorFailure }[];
}

/**
 * The order files are written in, so that none points to one not written
 * yet: the log's checkpoint after its tiles, the indexes after the log.
 */
const STAGES: MirrorFileKey["kind"][][] = [
  ["version_file"],
  ["log_tile"],
  ["log_checkpoint"],
  ["package_index"],
  ["package_list"],
];

/**
 * Writes every file the mirror should hold from the database, deletes every
 * other (the log's partial tiles of older checkpoints too: a client holding
 * one reads the newest instead), and writes `mirror.json` last, once all the
 * rest has succeeded.
 */
export async function rebuildMirror(
  ports: { db: Database; clock: Clock },
  mirror: Mirror,
): Promise<Result<Rebuilt, MirrorFailure>> {
  const { db, clock } = ports;
  // Every file is read from the database after this change, so the mirror holds it at least.
  const change = lastPublicSeq(db);
  const expected = [...expectedFiles(db)];
  const listed = await mirror.list();
  if (!listed.ok) return listed;
  const rebuilt: Rebuilt = { written: 0, deleted: [], failures: [] };
  const write = async ([path, key]: [string, MirrorFileKey]) => {
    const wanted = wantedFile(db, key, clock.now(), change);
    const done = wanted.file ? await mirror.write(wanted.file) : await mirror.delete(path);
    if (done.ok) rebuilt.written++;
    else rebuilt.failures.push({ path, reason: done.error });
  };
  for (const kinds of STAGES) {
    await eachAtOnce(
      expected.filter(([, key]) => kinds.includes(key.kind)),
      write,
    );
  }
  const wantedPaths = new Set(expected.map(([path]) => path));
  await eachAtOnce(
    listed.value.filter((path) => !wantedPaths.has(path)),
    async (path) => {
      const done = await mirror.delete(path);
      if (done.ok) rebuilt.deleted.push(path);
      else rebuilt.failures.push({ path, reason: done.error });
    },
  );
  if (rebuilt.failures.length === 0) {
    await eachAtOnce(
      expected.filter(([, key]) => key.kind === "manifest"),
      write,
    );
  }
  rebuilt.deleted.sort();
  return ok(rebuilt);
}
