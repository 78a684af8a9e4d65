import { formatPackageName, identityKey, packageKey } from "../gren/names.ts";
import type { Database } from "../ports/database.ts";
import { packagesSharingAPart } from "./stores/packages.ts";
import type { User } from "./stores/users.ts";

// "Did you mean …?" for a package name that names nothing: the API's 404 and
// the package website's both ask here, so they suggest the same names.

/** Packages that share a part with the name asked for, read at most this many of each kind. */
const CANDIDATES = 1000;

/** At most this many names are suggested, the closest first. */
const SUGGESTIONS = 3;

/**
 * Names of packages the viewer may see that are close to `author/project`,
 * which names none: one part the same (the identity in any case), the other a
 * typing slip away, as `gren-lang/nod` is from `gren-lang/node`. Private
 * packages are suggested only to their identity's members.
 */
export function similarPackageNames(
  db: Database,
  asked: { author: string; project: string },
  viewer: User | undefined,
): string[] {
  const askedKey = `${identityKey(asked.author)}/${asked.project.toLowerCase()}`;
  const scored = packagesSharingAPart(db, {
    identityKey: identityKey(asked.author),
    project: asked.project,
    viewerId: viewer?.id,
    limit: CANDIDATES,
  }).flatMap((name) => {
    const key = packageKey(name);
    if (key === askedKey) return [];
    // The part that differs decides how far a slip may go.
    const [typed, known] =
      identityKey(name.author) === identityKey(asked.author)
        ? [asked.project.toLowerCase(), name.project]
        : [identityKey(asked.author), identityKey(name.author)];
    const distance = typingDistance(typed, known, slipsAllowed(typed));
    return distance === undefined ? [] : [{ name: formatPackageName(name), key, distance }];
  });
  const seen = new Set<string>();
  return scored
    .sort((a, b) => a.distance - b.distance || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .filter(({ key }) => !seen.has(key) && seen.add(key))
    .slice(0, SUGGESTIONS)
    .map(({ name }) => name);
}

/** A short name has room for one slip; a longer one for two, or three. */
const slipsAllowed = (typed: string): number =>
  typed.length <= 4 ? 1 : typed.length <= 10 ? 2 : 3;

/**
 * How many letters must be added, dropped, changed or swapped with the next
 * to make one text the other (the optimal string alignment distance), or
 * undefined when it is more than `most`.
 */
export function typingDistance(a: string, b: string, most: number): number | undefined {
  if (Math.abs(a.length - b.length) > most) return undefined;
  let beforeLast: number[] = [];
  let last = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const change = a[i - 1] === b[j - 1] ? 0 : 1;
      let cost = Math.min(last[j]! + 1, row[j - 1]! + 1, last[j - 1]! + change);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        cost = Math.min(cost, beforeLast[j - 2]! + 1);
      }
      row.push(cost);
      best = Math.min(best, cost);
    }
    // Every later row is at least this row's least: past `most` already, no match.
    if (best > most) return undefined;
    beforeLast = last;
    last = row;
  }
  const distance = last[b.length]!;
  return distance <= most ? distance : undefined;
}
