// Bundles as the Gren compiler saves them: gzip of {"outline": gren.json, "sources": {...}}.

import { constants, crc32, deflateRawSync, gunzipSync, gzipSync } from "node:zlib";
import type { SeededRandom } from "./seeded-random.ts";

export type Outline = Record<string, unknown>;

const WORDS = [
  "apply",
  "batch",
  "cache",
  "check",
  "count",
  "decode",
  "draw",
  "encode",
  "fetch",
  "filter",
  "format",
  "group",
  "index",
  "join",
  "keep",
  "layout",
  "limit",
  "merge",
  "parse",
  "print",
  "queue",
  "range",
  "reduce",
  "render",
  "route",
  "scale",
  "score",
  "sort",
  "split",
  "state",
  "style",
  "table",
  "token",
  "track",
  "update",
  "value",
  "view",
  "watch",
  "width",
  "zip",
];

/** One function of plausible Gren: its shape repeats, its names and literals vary. */
function grenFunction(random: SeededRandom, index: number): string {
  const name = `${random.pick(WORDS)}${random.pick(WORDS).replace(/^./, (c) => c.toUpperCase())}${index}`;
  const words = Array.from({ length: 3 + random.below(6) }, () => random.pick(WORDS)).join(" ");
  const limit = random.below(100_000);
  return [
    `${name} : Int -> String`,
    `${name} n =`,
    `    if n < ${limit} then`,
    `        "${words} ${random.below(1_000_000).toString(36)}"`,
    "",
    "    else",
    `        String.fromInt (n * ${random.below(1000)} + ${random.below(1000)})`,
    "",
    "",
  ].join("\n");
}

/** A module's source of about `bytes` characters. */
export function moduleSource(random: SeededRandom, module: string, bytes: number): string {
  const parts = [`module ${module} exposing (..)\n\n`];
  let length = parts[0]!.length;
  for (let index = 0; length < bytes; index++) {
    const fn = grenFunction(random, index);
    parts.push(fn);
    length += fn.length;
  }
  return parts.join("");
}

/** The exposed modules an outline lists, which each need a source. */
const exposedModules = (outline: Outline): string[] => outline["exposed-modules"] as string[];

/** A bundle exactly as the compiler makes one: the JSON of outline and sources, gzipped. */
export function packBundle(outline: Outline, sources: Record<string, string>): Uint8Array {
  return new Uint8Array(gzipSync(JSON.stringify({ outline, sources })));
}

/** Sources for a small package: a few hundred bytes to a few kilobytes per module. */
export function moduleSources(random: SeededRandom, modules: string[]): Record<string, string> {
  return Object.fromEntries(
    modules.map((module) => [module, moduleSource(random, module, 200 + random.below(1500))]),
  );
}

const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0x03]);

/**
 * Bundles for many versions that share their sources, as successive releases
 * of a package mostly do. Compressing 100 KB per upload would make the load
 * generator, not the server, the bottleneck, so the sources are compressed
 * once and each bundle appends its own compressed outline: the result is one
 * ordinary gzip member (deflate blocks, CRC-32 and length), which any gunzip
 * reads like the compiler's own. The JSON puts "sources" before "outline",
 * which JSON readers do not mind.
 */
export class SharedSourceBundles {
  readonly #compressedSources: Buffer;
  readonly #sourcesCrc: number;
  readonly #sourcesLength: number;

  constructor(sources: Record<string, string>) {
    const raw = Buffer.from(`{"sources":${JSON.stringify(sources)},"outline":`);
    // A sync flush ends the deflate data on a byte boundary without ending the stream.
    this.#compressedSources = deflateRawSync(raw, { finishFlush: constants.Z_SYNC_FLUSH });
    this.#sourcesCrc = crc32(raw);
    this.#sourcesLength = raw.length;
  }

  /**
   * Generated sources for the modules `outline` exposes, sized so that a
   * bundle is about `compressedBytes`.
   */
  static generated(random: SeededRandom, outline: Outline, compressedBytes: number) {
    // The compression ratio of the generated source is found by trying, then the source sized to it.
    const trial = generatedSources(random, outline, 50_000);
    const ratio = trial.raw.length / trial.compressed.length;
    return new SharedSourceBundles(
      generatedSources(random, outline, Math.round(compressedBytes * ratio)).sources,
    );
  }

  /** The sources of a bundle the compiler made, for new versions under other names. */
  static of(bundle: Uint8Array): SharedSourceBundles {
    const { sources } = JSON.parse(gunzipSync(bundle).toString("utf8")) as {
      sources: Record<string, string>;
    };
    return new SharedSourceBundles(sources);
  }

  /** The bundle of this outline, which must expose the same modules as the shared sources. */
  bundleFor(outline: Outline): Buffer {
    const rest = Buffer.from(`${JSON.stringify(outline)}}`);
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(crc32(rest, this.#sourcesCrc), 0);
    trailer.writeUInt32LE((this.#sourcesLength + rest.length) % 2 ** 32, 4);
    return Buffer.concat([GZIP_HEADER, this.#compressedSources, deflateRawSync(rest), trailer]);
  }
}

function generatedSources(random: SeededRandom, outline: Outline, rawBytes: number) {
  const modules = exposedModules(outline);
  const sources = Object.fromEntries(
    modules.map((module) => [
      module,
      moduleSource(random, module, Math.ceil(rawBytes / modules.length)),
    ]),
  );
  const raw = JSON.stringify(sources);
  return { sources, raw, compressed: deflateRawSync(raw) };
}
