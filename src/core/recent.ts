import { formatPackageName } from "../gren/names.ts";
import type { Database } from "../ports/database.ts";
import { recentlyPublishedHeads } from "./stores/packageHeads.ts";
import { isoTime } from "./time.ts";
import { versionText } from "./views.ts";

export interface RecentPublication {
  name: string;
  version: string;
  summary: string;
  /** When it was published, ISO 8601 UTC. */
  at: string;
}

/**
 * The public packages published most recently, newest first, each once with
 * the live version it published last, read from the packages' heads: private
 * packages never appear, and a version revoked since is left out.
 */
export function recentlyPublished(db: Database, count: number): RecentPublication[] {
  return recentlyPublishedHeads(db, count).map((recent) => ({
    name: formatPackageName(recent.name),
    version: versionText(recent.versionKey),
    summary: recent.summary,
    at: isoTime(recent.at),
  }));
}
