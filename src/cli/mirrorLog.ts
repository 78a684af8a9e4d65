// The registry's transparency log as a mirror holds it, in the tlog-tiles
// layout: its newest checkpoint, and the tree cut into tiles, from which
// this client makes every proof itself. Tiles are taken as they come; the
// proofs made of them are checked against the checkpoint, whose signature no
// mirror can make, so a tile altered anywhere makes a proof that fails.

import { consistencyProof, type Hash, inclusionProof, type SubtreeHashes } from "../log/merkle.ts";
import {
  decodeEntryBundle,
  decodeHashTile,
  hashesFromTiles,
  subtreesAskedBy,
  TILE_WIDTH,
  type Tile,
  tileIn,
  tileKey,
  tileOfSubtree,
  tilePath,
} from "../log/tiles.ts";
import { LOG_CHECKPOINT_PATH, LOG_FOLDER } from "../wire/mirrorPaths.ts";
import type { CliError } from "./cliError.ts";
import { atMostAtOnce } from "./concurrency.ts";
import type { MirrorClient } from "./mirrorClient.ts";
import { type LogSource, type ServedVersion, unproven } from "./transparencyLog.ts";

/** Tiles are small: many of them at once. */
const PARALLEL_TILES = 8;

export class MirrorLog implements LogSource {
  readonly url: string;
  readonly mayLag = true;
  readonly #mirror: MirrorClient;
  /** Hash tiles read, by `tileKey`, each as wide as the widest asked for. */
  readonly #tiles = new Map<string, Promise<Hash[]>>();
  readonly #widths = new Map<string, number>();

  constructor(mirror: MirrorClient) {
    this.#mirror = mirror;
    this.url = mirror.url;
  }

  /** A mirror cannot vouch for the key that makes it trustworthy. */
  servedKey(): undefined {
    return undefined;
  }

  async checkpoint(): Promise<string> {
    const note = await this.#mirror.file(LOG_CHECKPOINT_PATH);
    if (note === undefined) {
      throw unproven(
        `the mirror at ${this.url} holds no transparency log (${LOG_CHECKPOINT_PATH} is not there), so nothing proves that what it serves is what the registry published`,
      );
    }
    return new TextDecoder().decode(note);
  }

  async consistency(from: number, to: number): Promise<Hash[]> {
    const nodes = await this.#nodesFor((hashes) => consistencyProof(hashes, from, to), to);
    return consistencyProof(nodes, from, to);
  }

  async inclusion(served: ServedVersion, treeSize: number) {
    const what = `${served.name} ${served.version}`;
    const index = served.logIndex;
    if (index === undefined) {
      throw unproven(
        `refusing ${what} from ${this.url}: its index does not say where the transparency log holds it (the mirror was written by a registry that did not yet give it; its operator should write it again with npm run mirror -- --rebuild)`,
      );
    }
    if (index >= treeSize) {
      throw unproven(
        `refusing ${what} from ${this.url}: its index puts it at entry ${index} of the transparency log, but the mirror's checkpoint holds ${treeSize} entries. The mirror may be being written (try again in a moment), or its index was changed`,
      );
    }
    const [nodes, entry] = await Promise.all([
      this.#nodesFor((hashes) => inclusionProof(hashes, index, treeSize), treeSize),
      this.#entry(index, treeSize),
    ]);
    return { index, treeSize, hashes: inclusionProof(nodes, index, treeSize), entry };
  }

  /** Reads the tiles `compute` needs in a tree of `size` entries, and gives their hashes. */
  async #nodesFor(compute: (nodes: SubtreeHashes) => unknown, size: number) {
    const tiles = new Map<string, Tile>();
    for (const subtree of subtreesAskedBy(compute)) {
      const tile = tileOfSubtree(subtree, size);
      tiles.set(tileKey(tile), tile);
    }
    const read = new Map<string, Hash[]>();
    await atMostAtOnce([...tiles.values()], PARALLEL_TILES, async (tile) => {
      read.set(tileKey(tile), await this.#hashTile(tile));
    });
    return hashesFromTiles(read);
  }

  #hashTile(tile: Tile): Promise<Hash[]> {
    const key = tileKey(tile);
    const known = this.#tiles.get(key);
    if (known && (this.#widths.get(key) ?? 0) >= tile.width) return known;
    const reading = this.#read(tile).then((bytes) => {
      const hashes = decodeHashTile(bytes, tile.width);
      if (!hashes.ok) throw this.#broken(tile, hashes.error);
      return hashes.value;
    });
    this.#tiles.set(key, reading);
    this.#widths.set(key, tile.width);
    return reading;
  }

  async #entry(index: number, size: number): Promise<Uint8Array> {
    const tile = tileIn("entries", Math.floor(index / TILE_WIDTH), size)!;
    const entries = decodeEntryBundle(await this.#read(tile), tile.width);
    if (!entries.ok) throw this.#broken(tile, entries.error);
    return entries.value[index % TILE_WIDTH]!;
  }

  /**
   * A tile's bytes. A partial tile goes once its tile is full, and a client
   * holding an older checkpoint then reads the full one, which begins with
   * the same hashes.
   */
  async #read(tile: Tile): Promise<Uint8Array> {
    const path = `${LOG_FOLDER}/${tilePath(tile)}`;
    const bytes =
      (await this.#mirror.file(path)) ??
      (tile.width < TILE_WIDTH
        ? await this.#mirror.file(`${LOG_FOLDER}/${tilePath({ ...tile, width: TILE_WIDTH })}`)
        : undefined);
    if (bytes === undefined) {
      throw unproven(
        `the mirror at ${this.url} lacks ${path}, a tile of the transparency log its checkpoint needs`,
      );
    }
    return bytes;
  }

  #broken(tile: Tile, why: string): CliError {
    return unproven(
      `the mirror at ${this.url} serves a broken tile of the transparency log at ${LOG_FOLDER}/${tilePath(tile)}: ${why}`,
    );
  }
}
