import {
  recordCheckpoint,
  type StoredCheckpoint,
  signedCheckpoints,
  treeRoot,
  treeSize,
} from "../../src/core/transparencyLog.ts";
import { formatCheckpoint } from "../../src/log/checkpoint.ts";
import { generateSignerKey, parseSignerKey, type Signer, signNote } from "../../src/log/note.ts";
import type { FakePorts } from "./fakePorts.ts";

// The registry signs its log's tree after each change commits (the host's
// Checkpoints); tests of the core's rules sign it the same way, by hand.

function signerNamed(origin: string): Signer {
  const parsed = parseSignerKey(generateSignerKey(origin));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

/** A log key for tests, as a registry at registry.test would make. */
export const TEST_SIGNER = signerNamed("registry.test");

/** Signs the tree as it stands, as the registry does once a change commits, unless it has not grown. */
export function signTree(ports: FakePorts, signer: Signer = TEST_SIGNER): StoredCheckpoint {
  const size = treeSize(ports.db);
  const newest = signedCheckpoints(ports.db, 1)[0];
  if (newest?.size === size) return newest;
  const text = formatCheckpoint({ origin: signer.name, size, root: treeRoot(ports.db, size) });
  const checkpoint = { size, note: signNote(text, signer) };
  recordCheckpoint(ports.db, checkpoint, ports.clock.now());
  return checkpoint;
}
