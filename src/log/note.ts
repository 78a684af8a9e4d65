import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from "node:crypto";
import { err, ok, type Result } from "../result.ts";

// Signed notes as c2sp.org/signed-note defines them, the format of Go's
// checksum database (golang.org/x/mod/sumdb/note) and of Rekor v2: a text
// ending in a newline, a blank line, then signature lines
// "— <key name> <base64(key hash || signature)>". Keys are Ed25519
// (algorithm 1); a key's hash is the first four bytes of
// SHA-256(name || "\n" || 0x01 || public key), and a verifier key is written
// "<name>+<hash as 8 hex digits>+<base64(0x01 || public key)>".

const ED25519 = 0x01;
const SIGNATURE_PREFIX = "\u2014 ";
/** The DER of a PKCS #8 Ed25519 private key, less its 32-byte seed. */
const PKCS8_ED25519 = Buffer.from("302e020100300506032b657004220420", "hex");

export interface Verifier {
  name: string;
  keyHash: number;
  publicKey: KeyObject;
  /** The verifier key, as written: name+hash+base64. */
  text: string;
}

export interface Signer extends Verifier {
  privateKey: KeyObject;
}

/** A key name: not empty, without spaces or "+" (the signed-note rules). */
export const isKeyName = (name: string): boolean => name !== "" && !/[\s+]/u.test(name);

function keyHash(name: string, key: Uint8Array): number {
  return createHash("sha256").update(`${name}\n`).update(key).digest().readUInt32BE(0);
}

const hex8 = (hash: number): string => hash.toString(16).padStart(8, "0");

function verifierFor(name: string, raw: Uint8Array): Verifier {
  const encoded = Buffer.concat([Buffer.from([ED25519]), raw]);
  const hash = keyHash(name, encoded);
  return {
    name,
    keyHash: hash,
    publicKey: createPublicKey({
      key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(raw).toString("base64url") },
      format: "jwk",
    }),
    text: `${name}+${hex8(hash)}+${encoded.toString("base64")}`,
  };
}

/** The three parts of a key string, or undefined when it does not have them. */
function keyParts(text: string): { name: string; hash: number; key: Buffer } | undefined {
  const match = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+={0,2})$/.exec(text.trim());
  if (!match) return undefined;
  const key = Buffer.from(match[3]!, "base64");
  return { name: match[1]!, hash: Number.parseInt(match[2]!, 16), key };
}

export function parseVerifierKey(text: string): Result<Verifier, string> {
  const parts = keyParts(text);
  if (!parts) return err("a verifier key is written name+hash+key, as signed-note defines it");
  if (parts.key[0] !== ED25519 || parts.key.length !== 33) {
    return err("the key is not an Ed25519 key (algorithm 1, 32 bytes)");
  }
  if (keyHash(parts.name, parts.key) !== parts.hash) {
    return err("the key's hash does not match its name and key");
  }
  return ok(verifierFor(parts.name, parts.key.subarray(1)));
}

/** Reads a signer key, "PRIVATE+KEY+name+hash+base64(0x01 || seed)". */
export function parseSignerKey(text: string): Result<Signer, string> {
  const trimmed = text.trim();
  const parts = trimmed.startsWith("PRIVATE+KEY+")
    ? keyParts(trimmed.slice("PRIVATE+KEY+".length))
    : undefined;
  if (!parts) return err("a signer key is written PRIVATE+KEY+name+hash+key");
  if (parts.key[0] !== ED25519 || parts.key.length !== 33) {
    return err("the key is not an Ed25519 key (algorithm 1, a 32-byte seed)");
  }
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519, parts.key.subarray(1)]),
    format: "der",
    type: "pkcs8",
  });
  const raw = Buffer.from(createPublicKey(privateKey).export({ format: "jwk" }).x!, "base64url");
  const verifier = verifierFor(parts.name, raw);
  if (verifier.keyHash !== parts.hash) return err("the key's hash does not match its name and key");
  return ok({ ...verifier, privateKey });
}

/** A new Ed25519 key named `name`, as the signer key string that holds it. */
export function generateSignerKey(name: string): string {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const seed = Buffer.from(privateKey.export({ format: "jwk" }).d!, "base64url");
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x!, "base64url");
  const hash = verifierFor(name, raw).keyHash;
  const encoded = Buffer.concat([Buffer.from([ED25519]), seed]).toString("base64");
  return `PRIVATE+KEY+${name}+${hex8(hash)}+${encoded}`;
}

/** Signed notes hold no ASCII control characters but newlines. */
const hasControlCharacters = (text: string): boolean =>
  [...text].some((character) => character < " " && character !== "\n");

/** The note `text` (which ends in a newline) signed by `signer`. */
export function signNote(text: string, signer: Signer): string {
  const signature = sign(null, Buffer.from(text, "utf8"), signer.privateKey);
  const hash = Buffer.alloc(4);
  hash.writeUInt32BE(signer.keyHash);
  const encoded = Buffer.concat([hash, signature]).toString("base64");
  return `${text}\n${SIGNATURE_PREFIX}${signer.name} ${encoded}\n`;
}

/**
 * The text of a signed note, when `verifier`'s key signed it. Signatures by
 * other keys are ignored, as signed-note allows; one that claims to be by
 * this key and is not is a forgery, and refuses the note.
 */
export function openNote(message: string, verifier: Verifier): Result<string, string> {
  const split = message.lastIndexOf("\n\n");
  if (split < 0 || !message.endsWith("\n") || hasControlCharacters(message)) {
    return err("it is not a signed note");
  }
  const text = message.slice(0, split + 1);
  const lines = message.slice(split + 2, -1).split("\n");
  let signed = false;
  for (const line of lines) {
    const match = /^\u2014 (\S+) ([A-Za-z0-9+/]+={0,2})$/.exec(line);
    if (!match) return err("it is not a signed note: a signature line is malformed");
    const bytes = Buffer.from(match[2]!, "base64");
    if (bytes.length < 5) return err("it is not a signed note: a signature is too short");
    if (match[1] !== verifier.name || bytes.readUInt32BE(0) !== verifier.keyHash) continue;
    if (!verify(null, Buffer.from(text, "utf8"), verifier.publicKey, bytes.subarray(4))) {
      return err(`its signature by ${verifier.name} is not valid`);
    }
    signed = true;
  }
  return signed ? ok(text) : err(`it is not signed by the key ${verifier.text}`);
}
