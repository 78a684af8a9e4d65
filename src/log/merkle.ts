import { createHash } from "node:crypto";

// The Merkle tree of RFC 6962 and RFC 9162 (section 2.1): a leaf's hash is
// SHA-256(0x00 || entry), an inner node's SHA-256(0x01 || left || right), and
// a tree of n leaves splits at the largest power of two below n. Proofs are
// made from the hashes of complete subtrees, which the server keeps in a
// table and `log verify` keeps in memory; both ask for them through
// `SubtreeHashes`, so there is one implementation of the proofs.

/** A SHA-256 digest, 32 bytes. */
export type Hash = Uint8Array;

export const HASH_BYTES = 32;

const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

export const leafHash = (entry: Uint8Array): Hash =>
  createHash("sha256").update(LEAF_PREFIX).update(entry).digest();

export const nodeHash = (left: Hash, right: Hash): Hash =>
  createHash("sha256").update(NODE_PREFIX).update(left).update(right).digest();

/** The root of the empty tree: SHA-256 of nothing. */
export const EMPTY_ROOT: Hash = createHash("sha256").digest();

/**
 * The hash of the complete subtree at `level` and `index`: the one over
 * leaves index·2^level up to (index+1)·2^level. Only subtrees wholly inside
 * the tree are asked for.
 */
export type SubtreeHashes = (level: number, index: number) => Hash;

/** The complete subtrees a tree of `size` leaves adds when its last leaf arrives, lowest first. */
export function completedBy(size: number): { level: number; index: number }[] {
  const completed: { level: number; index: number }[] = [];
  let index = size - 1;
  let level = 0;
  // A node is complete when its right child is: walk up while this node is a right child.
  while (index % 2 === 1) {
    index = (index - 1) / 2;
    level++;
    completed.push({ level, index });
  }
  return completed;
}

/** The largest power of two below n (n > 1). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

const isPowerOfTwo = (n: number): boolean => n > 0 && Number.isInteger(Math.log2(n));

/**
 * MTH(D[start : start+size]); `start` is a multiple of every power of two not
 * above size. The incomplete subtrees on a tree's right border are asked for
 * again and again by one proof, so `seen` keeps those already computed.
 */
function rangeHash(
  nodes: SubtreeHashes,
  start: number,
  size: number,
  seen: Map<number, Hash> = new Map(),
): Hash {
  if (isPowerOfTwo(size)) return nodes(Math.log2(size), start / size);
  // Within one tree, an incomplete range is known by where it starts.
  const known = seen.get(start);
  if (known) return known;
  const k = splitPoint(size);
  const hash = nodeHash(
    nodes(Math.log2(k), start / k),
    rangeHash(nodes, start + k, size - k, seen),
  );
  seen.set(start, hash);
  return hash;
}

/** The root hash of the tree's first `size` leaves. */
export const rootHash = (nodes: SubtreeHashes, size: number): Hash =>
  size === 0 ? EMPTY_ROOT : rangeHash(nodes, 0, size);

/** RFC 9162's PATH(index, D[0:size]): the audit path of one leaf, lowest hash first. */
export function inclusionProof(nodes: SubtreeHashes, index: number, size: number): Hash[] {
  const seen = new Map<number, Hash>();
  const path = (m: number, start: number, n: number): Hash[] => {
    if (n === 1) return [];
    const k = splitPoint(n);
    return m < k
      ? [...path(m, start, k), rangeHash(nodes, start + k, n - k, seen)]
      : [...path(m - k, start + k, n - k), rangeHash(nodes, start, k, seen)];
  };
  return path(index, 0, size);
}

/** RFC 9162's PROOF(first, D[0:second]): what shows the smaller tree is a prefix of the larger. */
export function consistencyProof(nodes: SubtreeHashes, first: number, second: number): Hash[] {
  if (first === 0 || first === second) return [];
  const seen = new Map<number, Hash>();
  const subproof = (m: number, start: number, n: number, whole: boolean): Hash[] => {
    if (m === n) return whole ? [] : [rangeHash(nodes, start, n, seen)];
    const k = splitPoint(n);
    return m <= k
      ? [...subproof(m, start, k, whole), rangeHash(nodes, start + k, n - k, seen)]
      : [...subproof(m - k, start + k, n - k, false), rangeHash(nodes, start, k, seen)];
  };
  return subproof(first, 0, second, true);
}

export const sameHash = (a: Hash, b: Hash): boolean =>
  a.length === b.length && a.every((byte, i) => byte === b[i]);

const odd = (n: number): boolean => n % 2 === 1;
const half = (n: number): number => Math.floor(n / 2);

/** RFC 9162 section 2.1.3.2: is the leaf with this hash at `index` in the tree with this root? */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Hash,
  proof: readonly Hash[],
  root: Hash,
): boolean {
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && sameHash(r, root);
}

/** RFC 9162 section 2.1.4.2: is the tree of `first` leaves a prefix of the tree of `second`? */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Hash,
  secondRoot: Hash,
  proof: readonly Hash[],
): boolean {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first > second || first < 0)
    return false;
  if (first === second) return proof.length === 0 && sameHash(firstRoot, secondRoot);
  if (first === 0) return proof.length === 0;
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  if (path.length === 0) return false;
  let fn = first - 1;
  let sn = second - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && sameHash(fr, firstRoot) && sameHash(sr, secondRoot);
}

/** A whole tree in memory, grown a leaf at a time: what an auditor rebuilds from the entries. */
export class MemoryTree {
  readonly #levels: Hash[][] = [];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  append(leaf: Hash): void {
    this.#level(0).push(leaf);
    this.#size++;
    for (const { level, index } of completedBy(this.#size)) {
      const below = this.#levels[level - 1]!;
      this.#level(level)[index] = nodeHash(below[2 * index]!, below[2 * index + 1]!);
    }
  }

  readonly nodes: SubtreeHashes = (level, index) => {
    const hash = this.#levels[level]?.[index];
    if (!hash) throw new RangeError(`no complete subtree at level ${level}, index ${index}`);
    return hash;
  };

  root(size = this.#size): Hash {
    return rootHash(this.nodes, size);
  }

  #level(level: number): Hash[] {
    while (this.#levels.length <= level) this.#levels.push([]);
    return this.#levels[level]!;
  }
}
