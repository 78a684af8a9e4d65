import { createHash } from "node:crypto";
import { verifyMerkleInclusion } from "@sigstore/verify/dist/tlog/merkle.js";
import { describe, expect, it } from "vitest";
import {
  consistencyProof,
  type Hash,
  inclusionProof,
  leafHash,
  MemoryTree,
  verifyConsistency,
  verifyInclusion,
} from "../../src/log/merkle.ts";

// The log's tree and proofs, checked against an implementation that is not
// the project's: Sigstore's verifier (the one npm and Rekor clients use) for
// inclusion proofs, and RFC 9162's definitions, computed straight from the
// leaves, for roots and consistency proofs.

const MAX_SIZE = 70;
const entries = Array.from({ length: MAX_SIZE }, (_, i) =>
  new TextEncoder().encode(`{"kind":"publish","n":${i}}`),
);

const sha256 = (...parts: Uint8Array[]): Hash => {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return hash.digest();
};
const prefix = (byte: number) => new Uint8Array([byte]);

/** RFC 9162's MTH, from the entries themselves. */
function mth(leaves: Uint8Array[]): Hash {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return sha256(prefix(0), leaves[0]!);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha256(prefix(1), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

/** RFC 9162's SUBPROOF, from the entries themselves. */
function subproof(m: number, leaves: Uint8Array[], whole: boolean): Hash[] {
  const n = leaves.length;
  if (m === n) return whole ? [] : [mth(leaves)];
  let k = 1;
  while (k * 2 < n) k *= 2;
  return m <= k
    ? [...subproof(m, leaves.slice(0, k), whole), mth(leaves.slice(k))]
    : [...subproof(m - k, leaves.slice(k), false), mth(leaves.slice(0, k))];
}

const tree = new MemoryTree();
for (const entry of entries) tree.append(leafHash(entry));

/** Sigstore's verdict on an inclusion proof. */
function sigstoreAccepts(
  entry: Uint8Array,
  index: number,
  size: number,
  hashes: Hash[],
  root: Hash,
) {
  try {
    verifyMerkleInclusion(
      {
        canonicalizedBody: Buffer.from(entry),
        inclusionProof: { logIndex: String(index), hashes: hashes.map((h) => Buffer.from(h)) },
      } as never,
      { logSize: BigInt(size), logHash: Buffer.from(root) } as never,
    );
    return true;
  } catch {
    return false;
  }
}

const flip = (hash: Hash): Hash => {
  const copy = new Uint8Array(hash);
  copy[0]! ^= 1;
  return copy;
};

describe("the log's Merkle tree", () => {
  it("has RFC 9162's root at every size from 0 to 70", () => {
    for (let size = 0; size <= MAX_SIZE; size++) {
      expect(Buffer.from(tree.root(size)).toString("hex"), `size ${size}`).toBe(
        Buffer.from(mth(entries.slice(0, size))).toString("hex"),
      );
    }
  });

  it("proves every entry's inclusion in every tree from 1 to 70, as Sigstore's verifier checks", () => {
    let checked = 0;
    for (let size = 1; size <= MAX_SIZE; size++) {
      const root = tree.root(size);
      for (let index = 0; index < size; index++) {
        const proof = inclusionProof(tree.nodes, index, size);
        expect(
          sigstoreAccepts(entries[index]!, index, size, proof, root),
          `${index} of ${size}`,
        ).toBe(true);
        expect(verifyInclusion(index, size, leafHash(entries[index]!), proof, root)).toBe(true);
        checked++;
      }
    }
    expect(checked).toBe((MAX_SIZE * (MAX_SIZE + 1)) / 2);
  });

  it("refuses an inclusion proof for another entry, another index, another tree or a changed hash", () => {
    for (const [index, size] of [
      [0, 1],
      [5, 6],
      [13, 69],
      [63, 64],
      [64, 69],
    ] as const) {
      const root = tree.root(size);
      const proof = inclusionProof(tree.nodes, index, size);
      const other = entries[(index + 1) % MAX_SIZE]!;
      for (const [leaf, at, treeSize, hashes, against] of [
        [other, index, size, proof, root],
        [entries[index]!, index, size, proof, tree.root(size - 1)],
        [entries[index]!, index + 1, size + 1, proof, tree.root(size + 1)],
        ...(proof.length > 0
          ? [[entries[index]!, index, size, [flip(proof[0]!), ...proof.slice(1)], root] as const]
          : []),
      ] as const) {
        expect(sigstoreAccepts(leaf, at, treeSize, [...hashes], against)).toBe(false);
        expect(verifyInclusion(at, treeSize, leafHash(leaf), hashes, against)).toBe(false);
      }
    }
  });

  it("proves every tree up to 70 consistent with every larger one, as RFC 9162 defines the proof", () => {
    for (let second = 1; second <= MAX_SIZE; second++) {
      for (let first = 1; first <= second; first++) {
        const proof = consistencyProof(tree.nodes, first, second);
        const expected = first === second ? [] : subproof(first, entries.slice(0, second), true);
        expect(
          proof.map((h) => Buffer.from(h).toString("hex")),
          `${first} -> ${second}`,
        ).toEqual(expected.map((h) => Buffer.from(h).toString("hex")));
        expect(verifyConsistency(first, second, tree.root(first), tree.root(second), proof)).toBe(
          true,
        );
      }
    }
  });

  it("refuses a consistency proof between trees that are not one another's prefix", () => {
    // Random pairs, with a fixed seed so a failure can be replayed.
    let seed = 42;
    const random = (below: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % below;
    };
    const forked = new MemoryTree();
    for (const [i, entry] of entries.entries())
      forked.append(leafHash(i === 20 ? flip(entry) : entry));
    for (let round = 0; round < 200; round++) {
      const second = 2 + random(MAX_SIZE - 1);
      const first = 1 + random(second - 1);
      const proof = consistencyProof(tree.nodes, first, second);
      expect(verifyConsistency(first, second, tree.root(first), tree.root(second), proof)).toBe(
        true,
      );
      if (proof.length > 0) {
        const changed = [...proof.slice(0, -1), flip(proof.at(-1)!)];
        expect(verifyConsistency(first, second, tree.root(first), tree.root(second), changed)).toBe(
          false,
        );
      }
      // A history rewritten at entry 20: any tree that holds it is no longer the same.
      if (second > 20) {
        expect(verifyConsistency(first, second, tree.root(first), forked.root(second), proof)).toBe(
          false,
        );
        if (first > 20) {
          expect(
            verifyConsistency(first, second, forked.root(first), tree.root(second), proof),
          ).toBe(false);
        }
      }
      expect(verifyConsistency(second, first, tree.root(second), tree.root(first), proof)).toBe(
        false,
      );
    }
  });
});
