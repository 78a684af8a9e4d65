// Publishing on a registry that keeps a static mirror in a folder: the same
// publishes of the real core bundle as without one, and how soon after the
// last of them the folder holds them all.

import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { SeededCatalogue } from "./catalogue.ts";
import type { LoadResult, Request } from "./load.ts";
import { startRegistryServer } from "./servers.ts";
import { Uploads } from "./workloads.ts";

/** The longest the folder may take to catch up before the run says it did not. */
const CATCH_UP_LIMIT_MS = 120_000;

export interface MirrorPublishing {
  alone: LoadResult;
  together: LoadResult;
  /** Mirror files still to write when the publishing stopped. */
  backlog: number;
  /** Seconds from the end of the publishing until nothing was left to write; NaN if it never was. */
  catchUpSeconds: number;
  /** Versions published on the registry, and bundles in the folder once it caught up. */
  published: number;
  bundles: number;
}

/** What measuring needs of the benchmark: its loads, with its rounds and durations. */
export interface PublishingLoads {
  load(url: string, next: () => Request, connections: number): Promise<LoadResult>;
  loadEach(url: string, publishers: (() => Request)[]): Promise<LoadResult>;
}

export async function measureMirrorPublishing(
  bench: PublishingLoads,
  catalogue: SeededCatalogue,
  options: { workDir: string; logLevel: string },
): Promise<MirrorPublishing> {
  const folder = join(options.workDir, "mirror");
  const db = new DatabaseSync(catalogue.dbPath, { readOnly: true });
  const count = (sql: string, ...params: number[]) =>
    Number((db.prepare(sql).get(...params) as { n: number | bigint }).n);
  const before = count("SELECT coalesce(max(seq), 0) AS n FROM events");
  const server = await startRegistryServer({
    dbPath: catalogue.dbPath,
    logLevel: options.logLevel,
    env: { REGISTRY_MIRROR: `file://${folder}` },
  });
  try {
    // Each package's versions go on from the highest the benchmark's own uploads left.
    const uploads = await new Uploads(catalogue, "core").caughtUp(server.url);
    const alone = await bench.load(server.url, uploads.bySinglePublisher(), 1);
    const together = await bench.loadEach(server.url, uploads.byEachPublisher());
    const stopped = performance.now();
    const backlog = count("SELECT count(*) AS n FROM mirror_jobs");
    let left = backlog;
    while (left > 0 && performance.now() - stopped < CATCH_UP_LIMIT_MS) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      left = count("SELECT count(*) AS n FROM mirror_jobs");
    }
    const catchUpSeconds = left === 0 ? (performance.now() - stopped) / 1000 : Number.NaN;
    const published = count(
      "SELECT count(*) AS n FROM events WHERE seq > ? AND type = 'published'",
      before,
    );
    return { alone, together, backlog, catchUpSeconds, published, bundles: bundlesIn(folder) };
  } finally {
    await server.stop();
    db.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

function bundlesIn(folder: string): number {
  return readdirSync(folder, { recursive: true, withFileTypes: true }).filter(
    (entry) => entry.isFile() && entry.name === "bundle",
  ).length;
}

export function formatMirrorPublishing(mirror: MirrorPublishing): string {
  const caughtUp = Number.isNaN(mirror.catchUpSeconds)
    ? `had not caught up ${CATCH_UP_LIMIT_MS / 1000} s later`
    : `held every file ${mirror.catchUpSeconds.toFixed(2)} s later`;
  return `With a static mirror in a folder (\`REGISTRY_MIRROR=file://…\`), ${mirror.backlog} files were waiting to be written when the publishing stopped; the folder ${caughtUp}, with ${mirror.bundles} bundles for the ${mirror.published} versions published.`;
}
