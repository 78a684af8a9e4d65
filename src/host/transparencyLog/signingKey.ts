import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { generateSignerKey, parseSignerKey, type Signer } from "../../log/note.ts";
import type { TransparencyLogConfig } from "../config.ts";

/** Something an operator must read at start-up. */
export interface Notice {
  level: "info" | "warn" | "error";
  message: string;
}

/**
 * The key that signs the log's checkpoints: the one the environment gives,
 * else the key file's, else a new one written to the key file. Losing it
 * means a new log identity that every client must be told to trust.
 */
export function loadSigningKey(config: TransparencyLogConfig): {
  signer: Signer;
  notices: Notice[];
} {
  if (config.signingKey) {
    const given = parseSignerKey(config.signingKey);
    if (!given.ok) throw new Error(`REGISTRY_LOG_SIGNING_KEY is not a signer key: ${given.error}`);
    return { signer: given.value, notices: [] };
  }
  let text: string | undefined;
  try {
    text = readFileSync(config.keyFile, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new Error(
        `Cannot read the log's signing key at ${config.keyFile}: ${(error as Error).message}`,
      );
    }
  }
  if (text !== undefined) {
    const stored = parseSignerKey(text);
    if (!stored.ok)
      throw new Error(`${config.keyFile} does not hold a signer key: ${stored.error}`);
    return { signer: stored.value, notices: [] };
  }
  const made = generateSignerKey(config.origin);
  mkdirSync(dirname(config.keyFile), { recursive: true });
  const temporary = `${config.keyFile}.${process.pid}.tmp`;
  writeFileSync(temporary, `${made}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, config.keyFile);
  const signer = parseSignerKey(made);
  if (!signer.ok) throw new Error(signer.error);
  return {
    signer: signer.value,
    notices: [
      {
        level: "warn",
        message: `Generated a new signing key for the registry's transparency log in ${config.keyFile}. BACK IT UP: every client pins its public key (${signer.value.text}), and without it this registry can never again sign a checkpoint they accept. In production, give it in REGISTRY_LOG_SIGNING_KEY instead.`,
      },
    ],
  };
}
