import { err, ok, type Result } from "../result.ts";
import { HASH_BYTES, type Hash, nodeHash, type SubtreeHashes } from "./merkle.ts";

// The log as static files, in the layout of c2sp.org/tlog-tiles, which Go's
// checksum database, Sunlight and Rekor v2 serve: the tree's hashes cut into
// tiles of 256, each tile a level of 8 tree levels, and the entries in
// bundles of 256. A mirror writes them beside the signed checkpoint; a client
// computes any inclusion or consistency proof from them, and checks it
// against the checkpoint's root, so the files need no more trust than the
// checkpoint's signature gives.
//
// Paths, relative to the log's folder:
//
//   tile/<L>/<N>[.p/<W>]       the hashes of level L's tile N, 32 bytes each
//   tile/entries/<N>[.p/<W>]   entries, each as a big-endian uint16 length and its bytes
//
// <N> is written in groups of three digits, all but the last with an x
// (1234067 is x001/x234/067); .p/<W> marks a partial tile of W < 256.

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 2 ** TILE_HEIGHT;

/** A tile of the tree's hashes at a level, or a bundle of entries, and how wide it is. */
export interface Tile {
  level: number | "entries";
  index: number;
  /** 1 to 256; 256 is a full tile. */
  width: number;
}

/** The hashes (or entries) of a tile's level below it: at level l, each stands for 256^l entries. */
const span = (level: number): number => TILE_WIDTH ** level;

/** How many hashes a tree of `size` entries has at the bottom of level `level`'s tiles. */
const hashesAt = (level: number, size: number): number => Math.floor(size / span(level));

/** `<N>` of a tile's path. */
function indexPath(index: number): string {
  const groups: string[] = [];
  let rest = index;
  do {
    groups.unshift(String(rest % 1000).padStart(3, "0"));
    rest = Math.floor(rest / 1000);
  } while (rest > 0);
  return groups.map((group, i) => (i < groups.length - 1 ? `x${group}` : group)).join("/");
}

/** The tile's path in the log's folder. */
export const tilePath = (tile: Tile): string =>
  `tile/${tile.level}/${indexPath(tile.index)}${tile.width < TILE_WIDTH ? `.p/${tile.width}` : ""}`;

/** The folder a tile's partial versions are kept in: `tile/0/005.p`. */
export const partialsFolder = (tile: Pick<Tile, "level" | "index">): string =>
  `tile/${tile.level}/${indexPath(tile.index)}.p`;

/** The tile a path names, or undefined when it names none. */
export function parseTilePath(path: string): Tile | undefined {
  const match =
    /^tile\/(0|[1-9][0-9]?|entries)\/((?:x[0-9]{3}\/)*)([0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/.exec(
      path,
    );
  if (!match) return undefined;
  const level = match[1] === "entries" ? "entries" : Number(match[1]);
  if (typeof level === "number" && level > 63) return undefined;
  const groups = [
    ...match[2]!
      .split("/")
      .filter(Boolean)
      .map((g) => g.slice(1)),
    match[3]!,
  ];
  // Leading groups of zeros would give one tile two paths.
  if (groups.length > 1 && groups[0] === "000") return undefined;
  const index = groups.reduce((sum, group) => sum * 1000 + Number(group), 0);
  const width = match[4] === undefined ? TILE_WIDTH : Number(match[4]);
  if (match[4] !== undefined && width >= TILE_WIDTH) return undefined;
  return Number.isSafeInteger(index) ? { level, index, width } : undefined;
}

/** The tile at `level` and `index` as a tree of `size` entries serves it, or undefined when it is empty. */
export function tileIn(level: Tile["level"], index: number, size: number): Tile | undefined {
  const count = hashesAt(level === "entries" ? 0 : level, size);
  const width = Math.min(TILE_WIDTH, count - index * TILE_WIDTH);
  return width > 0 ? { level, index, width } : undefined;
}

/** Every tile and entry bundle of a tree of `size` entries: the full ones, and the partial ones at its right edge. */
export function tilesOf(size: number): Tile[] {
  return tilesTouched(0, size);
}

/**
 * The tiles of the tree of `to` entries that the tree of `from` entries did not
 * have as they are: new ones, and those that grew. What a writer must write to
 * bring a copy of the smaller tree's tiles up to the larger one.
 */
export function tilesTouched(from: number, to: number): Tile[] {
  const tiles: Tile[] = [];
  const levelTiles = (level: Tile["level"], bottom: number) => {
    const before = hashesAt(bottom, from);
    const after = hashesAt(bottom, to);
    if (after === before) return;
    for (let index = Math.floor(before / TILE_WIDTH); index * TILE_WIDTH < after; index++) {
      tiles.push(tileIn(level, index, to)!);
    }
  };
  for (let level = 0; hashesAt(level, to) > 0; level++) levelTiles(level, level);
  levelTiles("entries", 0);
  return tiles;
}

/**
 * The tiles that were partial in the tree of `from` entries and are full in
 * the tree of `to`: their partial versions may go once the full ones are
 * there.
 */
export function tilesFilled(from: number, to: number): Tile[] {
  const filled: Tile[] = [];
  const levels: Tile["level"][] = ["entries"];
  for (let level = 0; hashesAt(level, from) > 0; level++) levels.push(level);
  for (const level of levels) {
    const bottom = level === "entries" ? 0 : level;
    const before = hashesAt(bottom, from);
    const index = Math.floor(before / TILE_WIDTH);
    if (before % TILE_WIDTH !== 0 && hashesAt(bottom, to) >= (index + 1) * TILE_WIDTH) {
      filled.push({ level, index, width: TILE_WIDTH });
    }
  }
  return filled;
}

/** A hash tile's bytes: its hashes one after the other. */
export const encodeHashTile = (hashes: readonly Hash[]): Uint8Array =>
  concat(hashes.map((hash) => new Uint8Array(hash)));

/** The first `width` hashes of a hash tile's bytes, which must hold at least that many. */
export function decodeHashTile(bytes: Uint8Array, width: number): Result<Hash[], string> {
  if (bytes.byteLength % HASH_BYTES !== 0 || bytes.byteLength < width * HASH_BYTES) {
    return err(`it is ${bytes.byteLength} bytes, not ${width} hashes of ${HASH_BYTES}`);
  }
  return ok(
    Array.from({ length: width }, (_, i) => bytes.slice(i * HASH_BYTES, (i + 1) * HASH_BYTES)),
  );
}

/** The largest entry a bundle can hold: its length is written in two bytes. */
export const MAX_BUNDLED_ENTRY = 0xffff;

/** An entry bundle's bytes: each entry after its length, a big-endian uint16. */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  return concat(
    entries.flatMap((entry) => {
      if (entry.byteLength > MAX_BUNDLED_ENTRY) {
        throw new RangeError(`an entry of ${entry.byteLength} bytes does not fit a bundle`);
      }
      return [new Uint8Array([entry.byteLength >> 8, entry.byteLength & 0xff]), entry];
    }),
  );
}

/** The first `width` entries of a bundle's bytes, which must hold at least that many and nothing broken. */
export function decodeEntryBundle(bytes: Uint8Array, width: number): Result<Uint8Array[], string> {
  const entries: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.byteLength) {
    if (at + 2 > bytes.byteLength) return err("it ends in the middle of an entry's length");
    const length = (bytes[at]! << 8) | bytes[at + 1]!;
    if (at + 2 + length > bytes.byteLength) return err("it ends in the middle of an entry");
    entries.push(bytes.slice(at + 2, at + 2 + length));
    at += 2 + length;
  }
  if (entries.length < width) return err(`it holds ${entries.length} entries, not ${width}`);
  return ok(entries.slice(0, width));
}

/** A complete subtree: the one over entries index·2^level up to (index+1)·2^level. */
export interface Subtree {
  level: number;
  index: number;
}

/**
 * The complete subtrees `compute` asks for. Which hashes a proof or a root
 * needs does not depend on the hashes themselves, so a run on stand-ins
 * finds them, and the tiles holding them can be fetched together.
 */
export function subtreesAskedBy(compute: (nodes: SubtreeHashes) => unknown): Subtree[] {
  const asked = new Map<string, Subtree>();
  const standIn = new Uint8Array(HASH_BYTES);
  compute((level, index) => {
    asked.set(`${level}/${index}`, { level, index });
    return standIn;
  });
  return [...asked.values()];
}

/** The hash tile, as a tree of `size` entries serves it, that holds what a subtree's hash is made of. */
export function tileOfSubtree(subtree: Subtree, size: number): Tile {
  const level = Math.floor(subtree.level / TILE_HEIGHT);
  const first = subtree.index * 2 ** (subtree.level % TILE_HEIGHT);
  const tile = tileIn(level, Math.floor(first / TILE_WIDTH), size);
  if (!tile) throw new RangeError(`no tile of a tree of ${size} holds ${JSON.stringify(subtree)}`);
  return tile;
}

/** Where a tile's hashes are kept once read: by level and index, whatever its width. */
export const tileKey = (tile: Pick<Tile, "level" | "index">): string =>
  `${tile.level}/${tile.index}`;

/**
 * Subtree hashes made from hash tiles already read, by `tileKey`: a subtree
 * `r` levels above its tile's level is hashed up from 2^r of the tile's hashes.
 */
export function hashesFromTiles(tiles: ReadonlyMap<string, readonly Hash[]>): SubtreeHashes {
  return (level, index) => {
    const tileLevel = Math.floor(level / TILE_HEIGHT);
    const height = level % TILE_HEIGHT;
    const first = index * 2 ** height;
    const hashes = tiles.get(tileKey({ level: tileLevel, index: Math.floor(first / TILE_WIDTH) }));
    const start = first % TILE_WIDTH;
    let row = hashes?.slice(start, start + 2 ** height) ?? [];
    if (row.length !== 2 ** height) {
      throw new RangeError(`no tile read holds the subtree at level ${level}, index ${index}`);
    }
    while (row.length > 1) {
      row = Array.from({ length: row.length / 2 }, (_, i) =>
        nodeHash(row[2 * i]!, row[2 * i + 1]!),
      );
    }
    return row[0]!;
  };
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.byteLength;
  }
  return bytes;
}
