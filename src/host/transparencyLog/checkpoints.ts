import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import {
  recordCheckpoint,
  type StoredCheckpoint,
  signedCheckpoints,
  treeRoot,
  treeSize,
} from "../../core/transparencyLog.ts";
import { type Checkpoint, formatCheckpoint, parseCheckpoint } from "../../log/checkpoint.ts";
import { sameHash } from "../../log/merkle.ts";
import { openNote, type Signer, signNote } from "../../log/note.ts";
import type { Clock, Database } from "../../ports/index.ts";
import type { Notice } from "./signingKey.ts";

/** Why the registry must not sign or write: its database is behind, or beside, what it signed. */
export interface Divergence {
  /** What happened, for the operator's log and the 503 answers. */
  message: string;
}

/**
 * The registry's signed tree heads. It signs a checkpoint whenever the tree
 * has grown, keeps it in the database (which is replicated) and in a file
 * beside the key (which a restored database cannot take back), and at start
 * checks the database's log against both: a database restored from a copy
 * that lost its newest entries would otherwise have the registry sign a
 * smaller or different tree than one it has already published.
 */
export class Checkpoints {
  readonly signer: Signer;
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #file: string;
  /** Set at start when the database does not hold the trees already signed. */
  readonly divergence: Divergence | undefined;
  #latest: StoredCheckpoint | undefined;
  /** While diverged: the newest checkpoint the database itself proves, once found. */
  #held: { checkpoint: StoredCheckpoint | undefined } | undefined;

  constructor(db: Database, clock: Clock, signer: Signer, checkpointFile: string) {
    this.#db = db;
    this.#clock = clock;
    this.signer = signer;
    this.#file = checkpointFile;
    this.#latest = signedCheckpoints(db, 1)[0];
    this.divergence = this.#check();
  }

  /** What was found at start that an operator should read. */
  notices(): Notice[] {
    return this.divergence ? [{ level: "error", message: this.divergence.message }] : [];
  }

  /**
   * The newest checkpoint, signed now if the tree has grown since the last.
   * While the database is behind what was signed, nothing new is signed: the
   * newest checkpoint the database itself holds and proves is served, or
   * none.
   */
  current(): StoredCheckpoint | undefined {
    // Nothing is written while diverged, so what the database proves stays the same.
    if (this.divergence) {
      this.#held ??= { checkpoint: this.#provable() };
      return this.#held.checkpoint;
    }
    const size = treeSize(this.#db);
    if (this.#latest?.size === size) return this.#latest;
    const text = formatCheckpoint({
      origin: this.signer.name,
      size,
      root: treeRoot(this.#db, size),
    });
    const signed = { size, note: signNote(text, this.signer) };
    recordCheckpoint(this.#db, signed, this.#clock.now());
    writeDurably(this.#file, signed.note);
    this.#latest = signed;
    return signed;
  }

  #provable(): StoredCheckpoint | undefined {
    const size = treeSize(this.#db);
    return signedCheckpoints(this.#db).find((stored) => {
      const checkpoint = this.#read(stored.note);
      return checkpoint !== undefined && checkpoint.size <= size && this.#holds(checkpoint);
    });
  }

  /** The checkpoint a note holds, when this registry's key signed it. */
  #read(note: string): Checkpoint | undefined {
    const text = openNote(note, this.signer);
    if (!text.ok) return undefined;
    const checkpoint = parseCheckpoint(text.value);
    return checkpoint.ok && checkpoint.value.origin === this.signer.name
      ? checkpoint.value
      : undefined;
  }

  #holds(checkpoint: Checkpoint): boolean {
    return sameHash(treeRoot(this.#db, checkpoint.size), checkpoint.root);
  }

  #check(): Divergence | undefined {
    const size = treeSize(this.#db);
    const known: { where: string; note: string }[] = [];
    const kept = readIfThere(this.#file);
    if (kept !== undefined) known.push({ where: this.#file, note: kept });
    if (this.#latest) known.push({ where: "the database", note: this.#latest.note });
    for (const { where, note } of known) {
      // A checkpoint signed by another key belongs to a log this registry no longer signs for.
      const checkpoint = this.#read(note);
      if (!checkpoint) continue;
      if (checkpoint.size > size) {
        return {
          message: `The database's transparency log holds ${entries(size)}, but this registry has already signed and published a checkpoint of ${checkpoint.size} (kept in ${where}): the database was restored from a copy that lost the newest ${checkpoint.size - size} publishes and revokes it logged. Publishing and revoking are refused, and no new checkpoint is signed, until an operator restores a copy of the database that has them (see "Restoring the database" in the README).`,
        };
      }
      if (!this.#holds(checkpoint)) {
        return {
          message: `The database's transparency log does not hold the tree of ${entries(checkpoint.size)} this registry signed (kept in ${where}): it is not the database the registry signed for. Publishing and revoking are refused, and no new checkpoint is signed, until an operator restores the registry's own database (see "Restoring the database" in the README).`,
        };
      }
    }
    return undefined;
  }
}

const entries = (count: number): string => `${count} entr${count === 1 ? "y" : "ies"}`;

function readIfThere(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** Written beside the file, flushed to disk, then renamed over it: never half a checkpoint. */
function writeDurably(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = openSync(temporary, "w", 0o644);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
}
