import { createPublicKey } from "node:crypto";
import { verifyCheckpoint } from "@sigstore/verify/dist/tlog/checkpoint.js";
import { describe, expect, it } from "vitest";
import { formatCheckpoint, parseCheckpoint } from "../../src/log/checkpoint.ts";
import { leafHash, MemoryTree } from "../../src/log/merkle.ts";
import {
  generateSignerKey,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
} from "../../src/log/note.ts";

// Signed notes and checkpoints, against the example of Go's own note package
// (golang.org/x/mod/sumdb/note, whose documentation signs this text with this
// key) and Sigstore's reader of checkpoints.

const GO_SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const GO_VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const GO_TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_SIGNED = `${GO_TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

const value = <T>(result: { ok: true; value: T } | { ok: false; error: string }): T => {
  if (!result.ok) throw new Error(result.error);
  return result.value;
};

describe("signed notes", () => {
  it("sign and verify exactly as Go's note package does", () => {
    const signer = value(parseSignerKey(GO_SIGNER));
    expect(signer.text).toBe(GO_VERIFIER);
    expect(signNote(GO_TEXT, signer)).toBe(GO_SIGNED);
    expect(value(openNote(GO_SIGNED, value(parseVerifierKey(GO_VERIFIER))))).toBe(GO_TEXT);
  });

  it("refuse a note whose text was changed, or that another key signed", () => {
    const verifier = value(parseVerifierKey(GO_VERIFIER));
    const changed = GO_SIGNED.replace("problem,", "problem;");
    expect(openNote(changed, verifier)).toEqual({
      ok: false,
      error: "its signature by PeterNeumann is not valid",
    });
    const other = value(parseSignerKey(generateSignerKey("PeterNeumann")));
    expect(openNote(signNote(GO_TEXT, other), verifier)).toEqual({
      ok: false,
      error: `it is not signed by the key ${GO_VERIFIER}`,
    });
  });

  it("refuse verifier keys whose hash does not match", () => {
    expect(parseVerifierKey(GO_VERIFIER.replace("c74f20a3", "c74f20a4")).ok).toBe(false);
    expect(parseVerifierKey("PeterNeumann").ok).toBe(false);
  });

  it("make checkpoints that Sigstore's checkpoint reader accepts, signed by a new key", () => {
    const tree = new MemoryTree();
    for (let i = 0; i < 11; i++) tree.append(leafHash(new TextEncoder().encode(`entry ${i}`)));
    const signer = value(parseSignerKey(generateSignerKey("registry.example.org")));
    const note = signNote(
      formatCheckpoint({ origin: signer.name, size: 11, root: tree.root() }),
      signer,
    );
    const raw = Buffer.from(signer.text.split("+").slice(2).join("+"), "base64").subarray(1);
    const keyHash = Buffer.alloc(4);
    keyHash.writeUInt32BE(signer.keyHash);
    const checkpoint = verifyCheckpoint(
      { inclusionProof: { checkpoint: { envelope: note } } } as never,
      [
        {
          logID: keyHash,
          baseURL: "https://registry.example.org",
          publicKey: createPublicKey({
            key: { kty: "OKP", crv: "Ed25519", x: raw.toString("base64url") },
            format: "jwk",
          }),
        },
      ] as never,
    );
    expect(checkpoint.origin).toBe("registry.example.org");
    expect(checkpoint.logSize).toBe(11n);
    expect(Buffer.from(checkpoint.logHash).equals(Buffer.from(tree.root()))).toBe(true);
    expect(value(parseCheckpoint(value(openNote(note, signer))))).toEqual({
      origin: "registry.example.org",
      size: 11,
      root: new Uint8Array(tree.root()),
    });
  });
});
