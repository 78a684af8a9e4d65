import { parseCheckpoint } from "../log/checkpoint.ts";
import { sameHash } from "../log/merkle.ts";
import {
  encodeEntryBundle,
  encodeHashTile,
  parseTilePath,
  partialsFolder,
  TILE_HEIGHT,
  TILE_WIDTH,
  type Tile,
  tileIn,
  tilePath,
  tilesFilled,
  tilesTouched,
} from "../log/tiles.ts";
import type { Database } from "../ports/database.ts";
import type { Mirror, MirrorFailure, MirrorFile } from "../ports/mirror.ts";
import { err, ok, type Result } from "../result.ts";
import { LOG_CHECKPOINT_PATH, LOG_FOLDER } from "../wire/mirrorPaths.ts";
import { logEntriesBetween, logNodesBetween } from "./stores/transparencyLog.ts";
import { type StoredCheckpoint, signedCheckpoints, treeRoot } from "./transparencyLog.ts";

// The transparency log in the static mirror, in the c2sp.org/tlog-tiles
// layout under `log/`: the newest checkpoint the registry signed, and the
// tree of that many entries as tiles of hashes and bundles of entries. With
// them a client proves a bundle's inclusion, and a checkpoint's consistency
// with those it saw, from the mirror alone, as it would from the registry's
// `/log` routes. Every entry is there, private packages' commitments too, as
// the registry's own `GET /log/entries` serves them to anyone.

/** The newest checkpoint signed, which the mirror's log is brought up to; none before the first. */
export const newestCheckpoint = (db: Database): StoredCheckpoint | undefined =>
  signedCheckpoints(db, 1)[0];

export const logFilePath = (tile: Tile): string => `${LOG_FOLDER}/${tilePath(tile)}`;

/** The tile a path of the mirror names, if it names one of the log's. */
export function logTileAt(path: string): Tile | undefined {
  return path.startsWith(`${LOG_FOLDER}/`)
    ? parseTilePath(path.slice(LOG_FOLDER.length + 1))
    : undefined;
}

export const checkpointFile = (checkpoint: StoredCheckpoint): MirrorFile => ({
  path: LOG_CHECKPOINT_PATH,
  bytes: new TextEncoder().encode(checkpoint.note),
  type: "text",
  caching: "revalidate",
});

/** A tile's file as the database makes it; the tile must lie within the log. */
export function tileFile(db: Database, tile: Tile): MirrorFile {
  const start = tile.index * TILE_WIDTH;
  const end = start + tile.width;
  let bytes: Uint8Array;
  if (tile.level === "entries") {
    const entries = logEntriesBetween(db, start, end).map((logged) => logged.entry);
    if (entries.length !== tile.width) throw new Error(`The log has no entries ${start} to ${end}`);
    bytes = encodeEntryBundle(entries);
  } else {
    const hashes = logNodesBetween(db, tile.level * TILE_HEIGHT, start, end);
    if (hashes.length !== tile.width) {
      throw new Error(`The log has no hashes ${start} to ${end} at level ${tile.level}`);
    }
    bytes = encodeHashTile(hashes);
  }
  return { path: logFilePath(tile), bytes, type: "binary", caching: "immutable" };
}

/**
 * Whether the mirror may hold this tile with the log at `size` entries: the
 * tile the log has now, or a narrower one its checkpoints had before, kept
 * for clients that read an older checkpoint until the tile is full.
 */
export function mayHoldTile(tile: Tile, size: number): boolean {
  const now = tileIn(tile.level, tile.index, size);
  if (!now || tile.width > now.width) return false;
  return tile.width === now.width || now.width < TILE_WIDTH;
}

/** What the mirror's own checkpoint says it holds: no tree at all, or one of `size` entries. */
async function mirroredCheckpoint(
  mirror: Mirror,
): Promise<Result<{ size: number; root: Uint8Array; note: string } | undefined, MirrorFailure>> {
  const read = await mirror.read(LOG_CHECKPOINT_PATH);
  if (!read.ok) return read;
  if (read.value === undefined) return ok(undefined);
  const note = new TextDecoder().decode(read.value);
  const checkpoint = parseCheckpoint(note);
  // Not a checkpoint at all: the log is written again whole.
  return ok(checkpoint.ok ? { ...checkpoint.value, note } : undefined);
}

/**
 * Brings the mirror's log up to the newest checkpoint signed: the tiles that
 * are new or grew since the checkpoint the mirror holds, then the partial
 * tiles now made full are deleted (a client holding an older checkpoint
 * falls back to the full tile), and the checkpoint last, so that a client
 * never reads a checkpoint whose tiles are not there yet. A mirror whose
 * checkpoint is ahead of the database, or of another tree, is left as it is
 * and the job fails: rolling a published log back is for an operator to
 * decide (`npm run mirror -- --rebuild`).
 */
export async function updateMirroredLog(
  db: Database,
  mirror: Mirror,
): Promise<Result<void, MirrorFailure>> {
  const newest = newestCheckpoint(db);
  if (newest === undefined) return ok(undefined);
  const held = await mirroredCheckpoint(mirror);
  if (!held.ok) return held;
  const from = held.value;
  if (from?.note === newest.note) return ok(undefined);
  if (from && from.size > newest.size) {
    return err(
      `The mirror's transparency log holds a checkpoint of ${from.size} entries, but the newest the database signed is of ${newest.size}: the database is behind what the mirror published. It is left as it is until the database holds it again, or an operator writes the mirror whole (npm run mirror -- --rebuild).`,
    );
  }
  if (from && !sameHash(treeRoot(db, from.size), from.root)) {
    return err(
      `The mirror's transparency log holds a tree of ${from.size} entries that is not the database's: it is left as it is until an operator writes the mirror whole (npm run mirror -- --rebuild).`,
    );
  }
  const since = from?.size ?? 0;
  for (const tile of tilesTouched(since, newest.size)) {
    const written = await mirror.write(tileFile(db, tile));
    if (!written.ok) return written;
  }
  for (const tile of tilesFilled(since, newest.size)) {
    const partials = await mirror.list(`${LOG_FOLDER}/${partialsFolder(tile)}`);
    if (!partials.ok) return partials;
    for (const path of partials.value) {
      const deleted = await mirror.delete(path);
      if (!deleted.ok) return deleted;
    }
  }
  return mirror.write(checkpointFile(newest));
}
