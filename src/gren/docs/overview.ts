// The `@docs` lines of a module's doc comment: which exposed items the package
// website shows, in what order. Read the way the compiler reads them, so the
// names found are the names the compiler checks against the exposing list.

export interface Overview {
  /** One entry per `@docs` line, each name bare: `map`, `Maybe`, `++`. */
  groups: string[][];
  /** Lines of the comment, counted from its first, where an `@docs` line could not be read. */
  unreadable: number[];
}

const OPERATOR = /\(([+\-/*=.<>:&|^?%!]+)\)/y;
const NAME = /\p{L}[\p{L}\p{N}_]*/uy;
const NAME_CHAR = /[\p{L}\p{N}_]/u;

export function readOverview(comment: string): Overview {
  const groups: string[][] = [];
  const unreadable: number[] = [];
  let searchFrom = 0;
  // Lines are counted as the search moves forward, so many bad lines cost no more than one.
  let countedTo = 0;
  let line = 1;
  const lineAt = (at: number): number => {
    for (let index = countedTo; index < at; index++) if (comment[index] === "\n") line++;
    countedTo = Math.max(countedTo, at);
    return line;
  };
  for (;;) {
    const found = comment.indexOf("@docs", searchFrom);
    if (found === -1) break;
    let at = found + "@docs".length;
    searchFrom = at;
    // `@docsfoo` is not a `@docs` line, just as the compiler reads it.
    if (NAME_CHAR.test(comment[at] ?? "")) continue;

    const group: string[] = [];
    for (;;) {
      at = skipSpace(comment, at);
      const name = readName(comment, at);
      if (name === undefined) {
        unreadable.push(lineAt(at));
        break;
      }
      group.push(name.name);
      at = skipSpace(comment, name.end);
      if (comment[at] !== ",") break;
      at++;
    }
    searchFrom = Math.max(searchFrom, at);
    if (group.length > 0) groups.push(group);
  }
  return { groups, unreadable };
}

function skipSpace(text: string, from: number): number {
  let at = from;
  while (at < text.length && (text[at] === " " || text[at] === "\n" || text[at] === "\r")) at++;
  return at;
}

function readName(text: string, at: number): { name: string; end: number } | undefined {
  for (const pattern of [OPERATOR, NAME]) {
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (match !== null) return { name: match[1] ?? match[0], end: pattern.lastIndex };
  }
  return undefined;
}
