import type { Problem } from "./module.ts";

// A hostile source can have a problem on every line; an answer listing them all
// would be as large as the source, and no more useful than the first ones.
export const PROBLEM_LIMIT = 100;

/** The first problems, and one last saying how many more there are. */
export function capped<T extends Problem>(problems: T[], more: (text: string, last: T) => T): T[] {
  if (problems.length <= PROBLEM_LIMIT) return problems;
  const rest = problems.length - (PROBLEM_LIMIT - 1);
  const shown = problems.slice(0, PROBLEM_LIMIT - 1);
  return [...shown, more(`${rest} more problems are not listed.`, shown.at(-1)!)];
}

/** Keeps a quoted piece of a malformed source short in a problem's sentence. */
export const clip = (text: string): string => (text.length > 40 ? `${text.slice(0, 39)}…` : text);
