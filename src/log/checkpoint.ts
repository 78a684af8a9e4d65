import { err, ok, type Result } from "../result.ts";
import { HASH_BYTES, type Hash } from "./merkle.ts";
import { isKeyName } from "./note.ts";

// A checkpoint as c2sp.org/tlog-checkpoint defines it: the note text
// "<origin>\n<tree size in decimal>\n<root hash in base64>\n", signed as a
// signed note. The origin names the log: this registry's host.

export interface Checkpoint {
  origin: string;
  size: number;
  root: Hash;
}

export const formatCheckpoint = (checkpoint: Checkpoint): string =>
  `${checkpoint.origin}\n${checkpoint.size}\n${Buffer.from(checkpoint.root).toString("base64")}\n`;

/** Reads a checkpoint's text; extension lines after the root, which the format allows, are ignored. */
export function parseCheckpoint(text: string): Result<Checkpoint, string> {
  const [origin, size, root] = text.split("\n");
  if (origin === undefined || !isKeyName(origin)) return err("its origin line is not a log's name");
  if (
    size === undefined ||
    !/^(0|[1-9][0-9]{0,15})$/.test(size) ||
    !Number.isSafeInteger(Number(size))
  ) {
    return err("its tree size is not a decimal number");
  }
  const rootBytes = root === undefined ? undefined : Buffer.from(root, "base64");
  if (rootBytes?.length !== HASH_BYTES || rootBytes.toString("base64") !== root) {
    return err("its root hash is not 32 bytes of base64");
  }
  return ok({ origin, size: Number(size), root: new Uint8Array(rootBytes) });
}
