// What a package's modules may import from its dependencies, as the registry
// stored it: for each dependency, the version the compiler builds the package
// against (the lowest the registry has in its range, normally the range's
// lower bound), and that version's exposed modules and types. Read here, on
// the thread that holds the database, and handed to the bundle reader.

import { formatPackageName, packageKey, parsePackageName } from "../gren/names.ts";
import { formatVersion, parseRange, versionFromKey, versionKey } from "../gren/semver.ts";
import type { DependencyApi } from "../ports/bundles.ts";
import type { Database } from "../ports/database.ts";
import { findPackage, lowestVersionIn } from "./stores/packages.ts";
import { exposedTypesText, waitsForDocs } from "./stores/versionDocs.ts";

/**
 * A dependency's API handed to a reader is its module and type names, a few
 * kilobytes for gren-lang/core; one larger than this is not handed over, and
 * the names it would have qualified stay as written.
 */
export const MAX_DEPENDENCY_API_CHARS = 256 * 1024;

/** At most this many dependencies are looked up; the compiler's own limits are far below. */
const MAX_DEPENDENCIES = 200;

/**
 * Looks up the APIs a reader asks for, and remembers whether any dependency
 * was still waiting for its own docs (a version published before the registry
 * kept them), so that docs made without its API are made again once it has one.
 */
export function dependencyApiLookup(db: Database): {
  lookUp: (dependencies: readonly { name: string; range: string }[]) => DependencyApi[];
  awaited: () => boolean;
} {
  let awaited = false;
  return {
    lookUp: (dependencies) =>
      dependencyApis(db, dependencies, () => {
        awaited = true;
      }),
    awaited: () => awaited,
  };
}

function dependencyApis(
  db: Database,
  dependencies: readonly { name: string; range: string }[],
  awaiting: () => void,
): DependencyApi[] {
  return dependencies.slice(0, MAX_DEPENDENCIES).map(({ name, range }) => {
    const unknown: DependencyApi = { name, version: undefined, modules: undefined };
    const parsedName = parsePackageName(name);
    const parsedRange = parseRange(range);
    if (parsedName === undefined || parsedRange === undefined) return unknown;
    const pkg = findPackage(db, packageKey(parsedName));
    if (pkg === undefined) return unknown;
    const built = lowestVersionIn(db, pkg.id, {
      lowerKey: versionKey(parsedRange.lower),
      upperKey: versionKey(parsedRange.upper),
    });
    if (built === undefined) return unknown;
    const version = formatVersion(versionFromKey(built.versionKey));
    const api = exposedTypesText(db, built.id, MAX_DEPENDENCY_API_CHARS);
    if (api === undefined && waitsForDocs(db, built.id)) awaiting();
    return {
      name: formatPackageName(pkg.name),
      version,
      modules: api === undefined ? undefined : (JSON.parse(api) as Record<string, string[]>),
    };
  });
}
