import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { type Checkpoint, parseCheckpoint } from "../log/checkpoint.ts";
import { commitmentTo, decodeEntry, type OpenEntry } from "../log/entry.ts";
import {
  type Hash,
  leafHash,
  sameHash,
  verifyConsistency,
  verifyInclusion,
} from "../log/merkle.ts";
import { openNote, parseVerifierKey, type Verifier } from "../log/note.ts";
import { CliError, EXIT, usageError } from "./cliError.ts";
import { tell } from "./output.ts";

// What this machine knows of each registry's transparency log: the key its
// checkpoints must be signed by (pinned the first time, or given), and the
// checkpoints it has seen. Every new checkpoint must extend the last one
// seen, so a registry that shows this machine another history than before,
// or than it shows everyone else, is caught the moment it is asked. The log
// is read from the registry's log routes, or from a mirror's copy of it:
// either way the checkpoint must bear the registry's signature, and the
// proofs are checked against it here.

/** The log key given on the command line or in the environment comes before the pinned one. */
export const LOG_KEY_VARIABLE = "GREN_REGISTRY_LOG_KEY";

/** How many checkpoints are kept per registry, for `log verify` to check. */
const KEPT_CHECKPOINTS = 100;

/** `$HOME/.gren/transparency-log.json`. */
interface WitnessFile {
  registries: Record<string, { key: string; checkpoints: string[] }>;
}

export const witnessPath = (): string => join(homedir(), ".gren", "transparency-log.json");

function readWitness(): WitnessFile {
  let text: string;
  try {
    text = readFileSync(witnessPath(), "utf8");
  } catch {
    return { registries: {} };
  }
  try {
    const file = JSON.parse(text) as Partial<WitnessFile>;
    return { registries: file.registries ?? {} };
  } catch {
    throw new CliError(
      `${witnessPath()} is not valid JSON; it holds the transparency log keys and checkpoints this machine trusts, so look at it before you delete it`,
    );
  }
}

function writeWitness(file: WitnessFile): void {
  const path = witnessPath();
  mkdirSync(join(homedir(), ".gren"), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

/** The registry's log does not prove what it serves. */
export const unproven = (message: string): CliError => new CliError(message, EXIT.unproven);

export interface TrustedCheckpoint extends Checkpoint {
  note: string;
}

/** A version as the registry (or a mirror) serves it, to be found in its log. */
export interface ServedVersion {
  name: string;
  version: string;
  sha256: string;
  /** Where the log holds its publication, as its index says: what a mirror's tiles are read by. */
  logIndex?: number | undefined;
}

/** A version's entry in the log and its audit path, as a source of the log gives them. */
export interface LoggedInclusion {
  index: number;
  treeSize: number;
  /** The audit path, lowest first. */
  hashes: Hash[];
  /** The entry's bytes. */
  entry: Uint8Array | undefined;
  /** A private package's entry: what its commitment opens to. */
  opening?: { salt: Uint8Array; entry: Uint8Array } | undefined;
}

/** Where the log is read: the registry's log routes, or a mirror's tiles. */
export interface LogSource {
  /** For messages: the registry's URL, or the mirror's. */
  readonly url: string;
  /**
   * Whether it may be behind the registry, as a mirror may: a checkpoint older
   * than the newest this machine saw is then taken when it is one this
   * machine saw, and so checked, before.
   */
  readonly mayLag: boolean;
  /**
   * The log's key as served, for this machine to pin on first use; undefined
   * when no key served here may be trusted so (a mirror's).
   */
  servedKey(): Promise<string> | undefined;
  /** The newest checkpoint, a signed note. */
  checkpoint(): Promise<string>;
  /** RFC 9162's PROOF(from, D[to]). */
  consistency(from: number, to: number): Promise<Hash[]>;
  /** The publication of the version in the tree of `treeSize` entries. */
  inclusion(
    served: ServedVersion,
    treeSize: number,
    token: string | undefined,
  ): Promise<LoggedInclusion>;
}

/**
 * One registry's log as this machine checks it, read from `source`. The
 * checkpoint is fetched, checked and remembered once per command, and every
 * proof is against it. `registry` is the registry's URL, under which this
 * machine keeps what it knows of its log, wherever it is read.
 */
export class LogWitness {
  readonly #registry: string;
  readonly #source: LogSource;
  readonly #givenKey: string | undefined;
  #checkpoint: Promise<TrustedCheckpoint> | undefined;
  #verifier: Verifier | undefined;

  constructor(registry: string, source: LogSource, givenKey: string | undefined) {
    this.#registry = registry;
    this.#source = source;
    this.#givenKey = givenKey ?? (process.env[LOG_KEY_VARIABLE]?.trim() || undefined);
  }

  /** The checked checkpoint, consistent with every one this machine saw before. */
  checkpoint(): Promise<TrustedCheckpoint> {
    this.#checkpoint ??= this.#fetchCheckpoint();
    return this.#checkpoint;
  }

  /** The key checkpoints must be signed by: given, pinned, or pinned now on first use. */
  async verifier(): Promise<Verifier> {
    if (this.#verifier) return this.#verifier;
    const url = this.#registry;
    const file = readWitness();
    const pinned = file.registries[url];
    if (this.#givenKey !== undefined) {
      const given = parseVerifierKey(this.#givenKey);
      if (!given.ok) throw usageError(`the log key given is not a verifier key: ${given.error}`);
      if (pinned && pinned.key !== given.value.text) {
        tell(
          `The log key given is not the one this machine trusted for ${url} (${pinned.key}); it trusts the one given from now on.`,
        );
        file.registries[url] = { key: given.value.text, checkpoints: [] };
        writeWitness(file);
      }
      this.#verifier = given.value;
      return given.value;
    }
    if (pinned) {
      const stored = parseVerifierKey(pinned.key);
      if (!stored.ok)
        throw new CliError(`${witnessPath()} holds a broken key for ${url}: ${stored.error}`);
      this.#verifier = stored.value;
      return stored.value;
    }
    const asked = this.#source.servedKey();
    if (asked === undefined) {
      throw unproven(
        `this machine has not pinned ${url}'s transparency log key, and ${this.#source.url} cannot vouch for it: a mirror proves what it serves only with the registry's key. Give the key with --log-key or ${LOG_KEY_VARIABLE} (its operators publish it; the registry answers it at /log/key), or install from the registry once`,
      );
    }
    const served = parseVerifierKey(await asked);
    if (!served.ok)
      throw unproven(`${url} serves no transparency log key it could be held to: ${served.error}`);
    tell(
      `Trusting ${url}'s transparency log key ${served.value.text} from now on (first use; compare it with the key its operators publish, or give it with --log-key).`,
    );
    file.registries[url] = { key: served.value.text, checkpoints: [] };
    writeWitness(file);
    this.#verifier = served.value;
    return served.value;
  }

  /** The checkpoints this machine kept for the registry, oldest first. */
  async keptCheckpoints(): Promise<TrustedCheckpoint[]> {
    const verifier = await this.verifier();
    const kept = readWitness().registries[this.#registry]?.checkpoints ?? [];
    return kept.map((note) => this.#read(note, verifier, `a checkpoint kept in ${witnessPath()}`));
  }

  async #fetchCheckpoint(): Promise<TrustedCheckpoint> {
    const verifier = await this.verifier();
    const url = this.#registry;
    const note = await this.#source.checkpoint();
    const fresh = this.#read(note, verifier, `the checkpoint ${this.#source.url} serves`);
    const kept = await this.keptCheckpoints();
    const seen = kept.at(-1);
    if (seen) await this.#extends(seen, fresh, kept);
    const file = readWitness();
    const entry = file.registries[url] ?? { key: verifier.text, checkpoints: [] };
    if (!seen || fresh.size > seen.size) {
      entry.checkpoints = [...entry.checkpoints, note].slice(-KEPT_CHECKPOINTS);
      file.registries[url] = entry;
      writeWitness(file);
    }
    return fresh;
  }

  #read(note: string, verifier: Verifier, what: string): TrustedCheckpoint {
    const text = openNote(note, verifier);
    if (!text.ok) {
      throw unproven(
        `${what} is not signed by the transparency log key this machine trusts (${verifier.text}): ${text.error}. Someone may be standing in for the registry; if its operators announced a new key, give it with --log-key`,
      );
    }
    const checkpoint = parseCheckpoint(text.value);
    if (!checkpoint.ok) throw unproven(`${what} is not a checkpoint: ${checkpoint.error}`);
    if (checkpoint.value.origin !== verifier.name) {
      throw unproven(`${what} is for the log ${checkpoint.value.origin}, not ${verifier.name}`);
    }
    return { ...checkpoint.value, note };
  }

  /**
   * Fails unless `fresh` is `seen` or grew from it; from a source that may
   * lag, one of the checkpoints `kept` will do too.
   */
  async #extends(
    seen: TrustedCheckpoint,
    fresh: TrustedCheckpoint,
    kept: readonly TrustedCheckpoint[],
  ): Promise<void> {
    const url = this.#registry;
    if (fresh.size < seen.size) {
      const known = kept.some((k) => k.size === fresh.size && sameHash(k.root, fresh.root));
      if (this.#source.mayLag && known) return;
      throw unproven(
        this.#source.mayLag
          ? `${this.#source.url}, a mirror of ${url}, serves its transparency log at ${fresh.size} entries, but this machine saw ${seen.size} and never that one: the mirror is behind the registry, or shows an older history it cannot prove is the one this machine saw. Try again once it has caught up, or install from the registry`
          : `${url}'s transparency log went back from ${seen.size} entries, which this machine saw, to ${fresh.size}: the registry rolled its history back, or is showing this machine an older one`,
      );
    }
    if (fresh.size === seen.size) {
      if (sameHash(fresh.root, seen.root)) return;
    } else {
      const hashes = await this.#source.consistency(seen.size, fresh.size);
      if (verifyConsistency(seen.size, fresh.size, seen.root, fresh.root, hashes)) return;
    }
    const log = this.#source.mayLag
      ? `The transparency log ${this.#source.url} serves for ${url}`
      : `${url}'s transparency log`;
    throw unproven(
      `${log} of ${fresh.size} entries does not extend the ${seen.size} this machine saw before: the registry forked or rewrote its history, and shows different users different versions`,
    );
  }

  /**
   * Fails unless the log, under the checked checkpoint, holds the publish of
   * this version with these bytes: then every user was served the same.
   */
  async prove(served: ServedVersion, token: string | undefined): Promise<void> {
    const checkpoint = await this.checkpoint();
    const what = `${served.name} ${served.version}`;
    const refuse = (why: string) =>
      unproven(
        `refusing ${what}${this.#source.mayLag ? ` from ${this.#source.url}` : ""}: the registry's transparency log does not prove it (${why})`,
      );
    const proof = await this.#source.inclusion(served, checkpoint.size, token);
    if (proof.treeSize !== checkpoint.size) {
      throw refuse(
        `the proof is for a tree of ${proof.treeSize} entries, not the ${checkpoint.size} signed`,
      );
    }
    if (proof.entry === undefined) throw refuse("the proof came without its entry");
    const logged = proof.entry;
    const described = describedBy(logged, proof, refuse);
    if (
      described.kind !== "publish" ||
      described.package.toLowerCase() !== served.name.toLowerCase() ||
      described.version !== served.version
    ) {
      throw refuse(
        `entry ${proof.index} logs ${described.kind} ${described.package} ${described.version}`,
      );
    }
    if (described.sha256 !== served.sha256.toLowerCase()) {
      throw refuse(
        `the log has it published with sha256 ${described.sha256}, but ${this.#source.mayLag ? "the mirror" : "the registry"} serves sha256 ${served.sha256}`,
      );
    }
    if (
      !verifyInclusion(
        proof.index,
        checkpoint.size,
        leafHash(logged),
        proof.hashes,
        checkpoint.root,
      )
    ) {
      throw refuse(
        `entry ${proof.index} is not in the tree of ${checkpoint.size} entries the registry signed`,
      );
    }
  }
}

/** What a logged entry says, opening a private package's commitment with what the proof gives. */
function describedBy(
  logged: Uint8Array,
  proof: LoggedInclusion,
  refuse: (why: string) => CliError,
): OpenEntry {
  const entry = decodeEntry(logged);
  if (!entry.ok) throw refuse(`its entry is malformed: ${entry.error}`);
  if (entry.value.kind !== "private") return entry.value;
  if (!proof.opening)
    throw refuse("its entry is a private package's commitment, and nothing opens it");
  const { salt, entry: opened } = proof.opening;
  if (commitmentTo(opened, salt) !== entry.value.commitment) {
    throw refuse("the private package's entry is not what its logged commitment holds");
  }
  const inner = decodeEntry(opened);
  if (!inner.ok || inner.value.kind === "private")
    throw refuse("the private package's entry is malformed");
  return inner.value;
}
