import { describe, expect, it } from "vitest";
import {
  consistencyProof,
  type Hash,
  inclusionProof,
  leafHash,
  MemoryTree,
  rootHash,
  sameHash,
  verifyConsistency,
  verifyInclusion,
} from "../../src/log/merkle.ts";
import {
  decodeEntryBundle,
  decodeHashTile,
  encodeEntryBundle,
  encodeHashTile,
  hashesFromTiles,
  parseTilePath,
  subtreesAskedBy,
  TILE_HEIGHT,
  TILE_WIDTH,
  type Tile,
  tileKey,
  tileOfSubtree,
  tilePath,
  tilesFilled,
  tilesOf,
  tilesTouched,
} from "../../src/log/tiles.ts";

// The log's tiles as c2sp.org/tlog-tiles lays them out, checked against the
// specification's own examples, and against a whole tree in memory: any
// proof made from the tiles is the proof made from the tree.

const entry = (i: number) => new TextEncoder().encode(`entry ${i}`);

const hex = (hashes: readonly Hash[]) => hashes.map((hash) => Buffer.from(hash).toString("hex"));

function treeOf(size: number): MemoryTree {
  const tree = new MemoryTree();
  for (let i = 0; i < size; i++) tree.append(leafHash(entry(i)));
  return tree;
}

/** The hashes of a tile as a writer makes them: level l's tile holds MTH of 256^l entries each. */
function tileHashes(tree: MemoryTree, tile: Tile): Hash[] {
  if (tile.level === "entries") throw new Error("not a hash tile");
  return Array.from({ length: tile.width }, (_, i) =>
    tree.nodes((tile.level as number) * TILE_HEIGHT, tile.index * TILE_WIDTH + i),
  );
}

/** Every hash tile of the tree, read back from its bytes, by key. */
function readTiles(tree: MemoryTree, size: number): Map<string, Hash[]> {
  const tiles = new Map<string, Hash[]>();
  for (const tile of tilesOf(size)) {
    if (tile.level === "entries") continue;
    const decoded = decodeHashTile(encodeHashTile(tileHashes(tree, tile)), tile.width);
    if (!decoded.ok) throw new Error(decoded.error);
    tiles.set(tileKey(tile), decoded.value);
  }
  return tiles;
}

describe("the log's tiles", () => {
  it("are at the paths the specification gives", () => {
    expect(tilePath({ level: 0, index: 1234067, width: 256 })).toBe("tile/0/x001/x234/067");
    expect(tilePath({ level: 2, index: 5, width: 17 })).toBe("tile/2/005.p/17");
    expect(tilePath({ level: "entries", index: 1000, width: 3 })).toBe("tile/entries/x001/000.p/3");
    for (const tile of [
      { level: 0, index: 1234067, width: 256 },
      { level: 63, index: 0, width: 1 },
      { level: "entries", index: 999, width: 255 },
    ] as Tile[]) {
      expect(parseTilePath(tilePath(tile))).toEqual(tile);
    }
    for (const path of [
      "tile/0/1234",
      "tile/0/x000/005",
      "tile/64/000",
      "tile/0/000.p/0",
      "tile/0/000.p/256",
      "tile/01/000",
      "tile/entries/x1/000",
    ]) {
      expect(parseTilePath(path), path).toBeUndefined();
    }
  });

  it("of a tree of 70,000 entries are the specification's example", () => {
    const tiles = tilesOf(70_000);
    const describe = (level: Tile["level"]) => {
      const at = tiles.filter((tile) => tile.level === level);
      return {
        full: at.filter((tile) => tile.width === TILE_WIDTH).length,
        partial: at.filter((tile) => tile.width < TILE_WIDTH).map((tile) => tile.width),
      };
    };
    expect(describe(0)).toEqual({ full: 273, partial: [112] });
    expect(describe(1)).toEqual({ full: 1, partial: [17] });
    expect(describe(2)).toEqual({ full: 0, partial: [1] });
    expect(describe("entries")).toEqual({ full: 273, partial: [112] });
    expect(tiles.some((tile) => tile.level === 3)).toBe(false);
    // "a tree of size 256 will be represented by a full level 0 tile and a partial level 1 tile of width 1"
    expect(tilesOf(256)).toEqual([
      { level: 0, index: 0, width: 256 },
      { level: 1, index: 0, width: 1 },
      { level: "entries", index: 0, width: 256 },
    ]);
    expect(tilesOf(0)).toEqual([]);
  });

  it("that a tree grows by are the ones it changed, and the full ones replace the partial ones", () => {
    for (const [from, to] of [
      [0, 1],
      [5, 6],
      [255, 256],
      [200, 70_000],
      [65_535, 65_536],
      [70_000, 70_000],
    ] as const) {
      const before = new Map(tilesOf(from).map((tile) => [tileKey(tile), tile.width]));
      const touched = tilesTouched(from, to);
      for (const tile of tilesOf(to)) {
        const changed = before.get(tileKey(tile)) !== tile.width;
        expect(
          touched.some((t) => tileKey(t) === tileKey(tile)),
          `${from}->${to}`,
        ).toBe(changed);
      }
      const filled = tilesFilled(from, to).map(tileKey);
      const wasPartial = tilesOf(from).filter((tile) => tile.width < TILE_WIDTH);
      const nowFull = new Set(
        tilesOf(to)
          .filter((tile) => tile.width === TILE_WIDTH)
          .map(tileKey),
      );
      expect(filled.sort()).toEqual(
        wasPartial
          .map(tileKey)
          .filter((key) => nowFull.has(key))
          .sort(),
      );
    }
    expect(tilesFilled(255, 256).map(tileKey).sort()).toEqual(["0/0", "entries/0"]);
  });

  it("give every root, inclusion proof and consistency proof the whole tree gives", () => {
    const size = 70_000;
    const tree = treeOf(size);
    const tiles = readTiles(tree, size);
    const nodes = hashesFromTiles(tiles);
    expect(sameHash(rootHash(nodes, size), tree.root())).toBe(true);
    for (const index of [0, 1, 255, 256, 65_535, 65_536, 69_999]) {
      const proof = inclusionProof(nodes, index, size);
      expect(hex(proof)).toEqual(hex(inclusionProof(tree.nodes, index, size)));
      expect(verifyInclusion(index, size, leafHash(entry(index)), proof, tree.root())).toBe(true);
    }
    for (const first of [1, 255, 256, 300, 65_536, 69_999]) {
      const proof = consistencyProof(nodes, first, size);
      expect(hex(proof)).toEqual(hex(consistencyProof(tree.nodes, first, size)));
      expect(verifyConsistency(first, size, tree.root(first), tree.root(), proof)).toBe(true);
    }
  });

  it("needed by a proof are found before any is read, and those alone make it", () => {
    const size = 1000;
    const tree = treeOf(size);
    const asked = subtreesAskedBy((nodes) => inclusionProof(nodes, 700, size));
    const needed = new Map(asked.map((subtree) => [tileKey(tileOfSubtree(subtree, size)), 0]));
    // The proof needs only these tiles; given them alone, it is made.
    const all = readTiles(tree, size);
    const only = new Map([...all].filter(([key]) => needed.has(key)));
    expect(only.size).toBeLessThan(all.size);
    expect(hex(inclusionProof(hashesFromTiles(only), 700, size))).toEqual(
      hex(inclusionProof(tree.nodes, 700, size)),
    );
    expect(() => inclusionProof(hashesFromTiles(new Map()), 700, size)).toThrow(RangeError);
  });

  it("bundle entries each after its length, and refuse a bundle cut short", () => {
    const entries = [entry(0), new Uint8Array(0), new Uint8Array(300).fill(7)];
    const bytes = encodeEntryBundle(entries);
    expect(bytes.byteLength).toBe(2 + 7 + 2 + 2 + 300);
    expect(decodeEntryBundle(bytes, 3)).toEqual({ ok: true, value: entries });
    expect(decodeEntryBundle(bytes, 2)).toEqual({ ok: true, value: entries.slice(0, 2) });
    expect(decodeEntryBundle(bytes, 4).ok).toBe(false);
    expect(decodeEntryBundle(bytes.slice(0, -1), 3).ok).toBe(false);
    expect(() => encodeEntryBundle([new Uint8Array(70_000)])).toThrow(RangeError);
  });
});
