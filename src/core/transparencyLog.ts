import { formatPackageName, type PackageName } from "../gren/names.ts";
import {
  commitmentTo,
  encodeEntry,
  type LogEntry,
  type OpenEntry,
  SALT_BYTES,
} from "../log/entry.ts";
import {
  completedBy,
  consistencyProof,
  type Hash,
  inclusionProof,
  leafHash,
  nodeHash,
  rootHash,
  type SubtreeHashes,
} from "../log/merkle.ts";
import type { Database } from "../ports/database.ts";
import type { Ports } from "../ports/index.ts";
import { err, ok, type Result } from "../result.ts";
import { LOG_ENTRIES_LIMIT } from "../wire/limits.ts";
import type { InclusionProof, LoggedEntry } from "../wire/log.ts";
import { formatAddress, type VersionAddress } from "./address.ts";
import {
  insertCheckpoint,
  insertLogEntry,
  insertLogNode,
  latestCheckpoints,
  logEntriesBetween,
  logEntryOf,
  logNode,
  logSize,
  pastChanges,
  type StoredCheckpoint,
} from "./stores/transparencyLog.ts";
import type { User } from "./stores/users.ts";
import { isoTime } from "./time.ts";
import { findVisibleVersion, type VersionLookupError } from "./versions.ts";
import { versionText } from "./views.ts";

// The registry's transparency log: every publish and revoke is appended, in
// the transaction that makes the change, to a Merkle tree whose signed heads
// (checkpoints) anyone can check. A version the log does not hold cannot
// exist, and a change rolled back takes its entry with it.

export type LogError =
  | { kind: "beyond_log"; what: string; value: number; size: number }
  | { kind: "invalid_log_range"; message: string };

export type LogProofError = LogError | VersionLookupError;

/** A publish or revoke, as it is logged. */
export interface LoggedChange {
  kind: "publish" | "revoke";
  packageId: number;
  name: PackageName | string;
  private: boolean;
  versionKey: number;
  sha256: string;
  size: number;
  /** The sha256 of the README that came with a publish, when one did. */
  readme?: string | null;
  at: number;
}

/**
 * Appends the change to the log: call it inside the change's own transaction.
 * Returns the entry's index.
 */
export function logChange(
  ports: Pick<Ports, "db" | "digest" | "random">,
  change: LoggedChange,
): number {
  const { db } = ports;
  const open = openEntryOf(change);
  let logged: LogEntry = open;
  let opening: { salt: Uint8Array; entry: Uint8Array } | undefined;
  if (change.private) {
    const salt = saltFrom(ports);
    const entry = encodeEntry(open);
    opening = { salt, entry };
    logged = { kind: "private", commitment: commitmentTo(entry, salt) };
  }
  const bytes = encodeEntry(logged);
  const index = logSize(db);
  insertLogEntry(db, {
    index,
    entry: bytes,
    kind: change.kind,
    packageId: change.packageId,
    versionKey: change.versionKey,
    opening,
  });
  insertLogNode(db, 0, index, leafHash(bytes));
  // Read from the table itself: what this transaction writes is not kept until it commits.
  const nodes = uncommittedNodes(db);
  for (const { level, index: at } of completedBy(index + 1)) {
    insertLogNode(db, level, at, nodeHash(nodes(level - 1, 2 * at), nodes(level - 1, 2 * at + 1)));
  }
  return index;
}

function openEntryOf(change: LoggedChange): OpenEntry {
  const common = {
    package: typeof change.name === "string" ? change.name : formatPackageName(change.name),
    version: versionText(change.versionKey),
    sha256: change.sha256,
    size: change.size,
    time: isoTime(change.at),
  };
  return change.kind === "publish"
    ? { kind: "publish", ...common, readme: change.readme ?? null }
    : { kind: "revoke", ...common };
}

/** 32 bytes from the secure random source: two UUIDs' randomness, hashed together. */
function saltFrom(ports: Pick<Ports, "digest" | "random">): Uint8Array {
  const hex = ports.digest.sha256(`${ports.random.uuid()}${ports.random.uuid()}`);
  const salt = new Uint8Array(SALT_BYTES);
  for (let i = 0; i < SALT_BYTES; i++) salt[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return salt;
}

/**
 * Complete subtrees never change, so the hashes of the higher ones, which
 * every proof asks for, are kept once read: a few thousand for a log of
 * hundreds of thousands of entries. The lower ones are many and each is asked
 * for rarely.
 */
const KEPT_FROM_LEVEL = 4;
const keptNodes = new WeakMap<Database, Map<string, Hash>>();

const uncommittedNodes =
  (db: Database): SubtreeHashes =>
  (level, index) => {
    const hash = logNode(db, level, index);
    if (!hash) throw new Error(`The log has no subtree hash at level ${level}, index ${index}`);
    return hash;
  };

/** The stored hashes of the tree's complete subtrees, read outside any transaction. */
export function storedNodes(db: Database): SubtreeHashes {
  let kept = keptNodes.get(db);
  if (!kept) {
    kept = new Map();
    keptNodes.set(db, kept);
  }
  const upper = kept;
  return (level, index) => {
    const key = level >= KEPT_FROM_LEVEL ? `${level}/${index}` : undefined;
    const known = key === undefined ? undefined : upper.get(key);
    if (known) return known;
    const hash = logNode(db, level, index);
    if (!hash) throw new Error(`The log has no subtree hash at level ${level}, index ${index}`);
    if (key !== undefined) upper.set(key, hash);
    return hash;
  };
}

export const treeSize = (db: Database): number => logSize(db);

export const treeRoot = (db: Database, size: number): Hash => rootHash(storedNodes(db), size);

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");

function withinLog(
  db: Database,
  what: string,
  value: number,
  atMost = logSize(db),
): LogError | undefined {
  return value > atMost ? { kind: "beyond_log", what, value, size: atMost } : undefined;
}

/** The audit path of the entry at `index` in the tree of `size` entries. */
export function inclusionAt(
  db: Database,
  index: number,
  size: number,
): Result<InclusionProof, LogError> {
  const beyond = withinLog(db, "treeSize", size);
  if (beyond) return err(beyond);
  if (index >= size) {
    return err({ kind: "invalid_log_range", message: `index must be below treeSize (${size}).` });
  }
  return ok({
    index,
    treeSize: size,
    hashes: inclusionProof(storedNodes(db), index, size).map(base64),
  });
}

/**
 * The entry that logged a version's publish, with its audit path in the tree
 * of `size` entries; for a private package, what its commitment opens to.
 */
export function inclusionOfVersion(
  db: Database,
  address: VersionAddress,
  viewer: User | undefined,
  size: number,
): Result<InclusionProof, LogProofError> {
  const found = findVisibleVersion(db, address, viewer);
  if (!found.ok) return found;
  const { pkg, version } = found.value;
  const logged = logEntryOf(db, pkg.id, version.versionKey, "publish");
  if (!logged) throw new Error(`${formatAddress(address)} is not in the log`);
  if (logged.index >= size) {
    return err({
      kind: "invalid_log_range",
      message: `${formatPackageName(pkg.name)} ${versionText(version.versionKey)} is entry ${logged.index}, which a tree of ${size} entries does not hold yet; ask for a larger treeSize.`,
    });
  }
  const proof = inclusionAt(db, logged.index, size);
  if (!proof.ok) return proof;
  return ok({
    ...proof.value,
    entry: base64(logged.entry),
    ...(logged.opening
      ? { opening: { salt: base64(logged.opening.salt), entry: base64(logged.opening.entry) } }
      : {}),
  });
}

/** The index of the entry that logged a version's publish, when the viewer may see the version. */
export function publishLogIndex(
  db: Database,
  address: VersionAddress,
  viewer: User | undefined,
): number | undefined {
  const found = findVisibleVersion(db, address, viewer);
  if (!found.ok) return undefined;
  return logEntryOf(db, found.value.pkg.id, found.value.version.versionKey, "publish")?.index;
}

/** The proof that the tree of `from` entries is a prefix of the tree of `to`. */
export function consistencyBetween(
  db: Database,
  from: number,
  to: number,
): Result<Hash[], LogError> {
  const beyond = withinLog(db, "to", to);
  if (beyond) return err(beyond);
  if (from > to) return err({ kind: "invalid_log_range", message: "from must not be above to." });
  return ok(consistencyProof(storedNodes(db), from, to));
}

/** A page of entries; `end` is exclusive, and entries past the log's end are not there to give. */
export function entriesBetween(
  db: Database,
  start: number,
  end: number,
): Result<LoggedEntry[], LogError> {
  if (end < start)
    return err({ kind: "invalid_log_range", message: "end must not be below start." });
  if (end - start > LOG_ENTRIES_LIMIT.max) {
    return err({
      kind: "invalid_log_range",
      message: `A page holds at most ${LOG_ENTRIES_LIMIT.max} entries; ask for end at most start + ${LOG_ENTRIES_LIMIT.max}.`,
    });
  }
  return ok(
    logEntriesBetween(db, start, end).map(({ index, entry }) => ({ index, entry: base64(entry) })),
  );
}

/**
 * Logs every publish and revoke of a database that had versions before it had
 * a log, in the order they happened; a log already begun is left alone.
 * Returns how many entries it wrote.
 */
export function logPastChanges(ports: Pick<Ports, "db" | "digest" | "random">): number {
  const written = ports.db.transaction((): Result<number, never> => {
    if (logSize(ports.db) > 0) return ok(0);
    const changes = pastChanges(ports.db);
    for (const change of changes) logChange(ports, { ...change, readme: null });
    return ok(changes.length);
  });
  return written.ok ? written.value : 0;
}

/** Keeps a checkpoint the registry signed, in the database that is replicated. */
export const recordCheckpoint = (db: Database, checkpoint: StoredCheckpoint, at: number): void =>
  insertCheckpoint(db, checkpoint, at);

/** The newest checkpoints signed, newest first. */
export const signedCheckpoints = (db: Database, limit = 16): StoredCheckpoint[] =>
  latestCheckpoints(db, limit);

export type { StoredCheckpoint };
