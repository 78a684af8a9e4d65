import { gzipSync } from "node:zlib";
import { packageOutline } from "./bundles.ts";

/** A megabyte, in bytes. */
const MIB = 1024 * 1024;

/**
 * A bundle of about 8 KB whose one module's doc comment is 8 MiB of `[`: the
 * worst Markdown for link parsing, that once held up the server's every
 * request for as long as it took to render.
 */
export function bracketsBundle(name: string, version: string): Uint8Array {
  const outline = packageOutline({ name, version, "exposed-modules": ["Brackets"] });
  const source = `module Brackets exposing (x)\n\n{-| ${"[".repeat(8 * MIB)} -}\n\n{-| An integer. -}\nx : Int\nx = 1\n`;
  return new Uint8Array(gzipSync(JSON.stringify({ outline, sources: { Brackets: source } })));
}

/** How long each request to `/health` took, sent one after another until `until` settles. */
export async function healthLatencies(url: string, until: Promise<unknown>): Promise<number[]> {
  let done = false;
  void until.finally(() => {
    done = true;
  });
  const latencies: number[] = [];
  while (!done) {
    const started = performance.now();
    const response = await fetch(`${url}/health`);
    await response.text();
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return latencies;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
