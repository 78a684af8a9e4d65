import type { Ports } from "../ports/index.ts";
import type { SearchMatch } from "../ports/search.ts";
import { err, ok, type Result } from "../result.ts";
import type { ListedPackage } from "../wire/packages.ts";
import type { ListingError } from "./packages.ts";
import type { User } from "./stores/users.ts";
import { versionText } from "./views.ts";

// The site's search: packages ranked by how they match, as people look for
// them: the name typed exactly, then names that start with it, then names,
// summaries and modules that contain it, saying which module matched.

export const SEARCH_PAGE_SIZE = 30;

/** Pages of results a search goes to: past them, a better query serves better. */
export const SEARCH_PAGES = 20;

export interface SearchResult extends ListedPackage {
  match: SearchMatch;
  /** The module whose name matched, when that is how it matched. */
  module: string | undefined;
}

export interface SearchResults {
  results: SearchResult[];
  /** Whether a next page has more. */
  more: boolean;
}

/**
 * A page of the packages the viewer may see that match `query`, best first.
 * What a search costs depends on what is asked, so it runs where the host
 * keeps such work, within its time.
 */
export async function searchPackages(
  ports: Pick<Ports, "search">,
  input: { query: string; page: number },
  viewer: User | undefined,
): Promise<Result<SearchResults, ListingError>> {
  const page = Math.min(Math.max(1, input.page), SEARCH_PAGES);
  const query = input.query.trim();
  const lower = query.toLowerCase();
  const found = await ports.search.rank({
    query: lower,
    viewerId: viewer?.id,
    limit: SEARCH_PAGE_SIZE + 1,
    offset: (page - 1) * SEARCH_PAGE_SIZE,
  });
  if (!found.ok) {
    return err(
      found.error.kind === "busy"
        ? { kind: "searches_busy" }
        : { kind: "search_too_costly", limitMs: found.error.limitMs },
    );
  }
  const rows = found.value;
  return ok({
    results: rows.slice(0, SEARCH_PAGE_SIZE).map((row) => ({
      name: row.name,
      summary: row.summary,
      latest: row.latestKey === undefined ? null : versionText(row.latestKey),
      match: row.match,
      module:
        row.match === "module"
          ? // The index holds the name, the summary, then each module, joined by spaces.
            row.indexed
              .slice(row.name.length + 1 + row.summary.length + 1)
              .split(" ")
              .find((module) => module.toLowerCase().includes(lower))
          : undefined,
    })),
    more: rows.length > SEARCH_PAGE_SIZE && page < SEARCH_PAGES,
  });
}
