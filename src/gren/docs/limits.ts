// How much documentation the registry makes and keeps for one version. Its
// doc comments are rendered from Markdown when the version is published, in
// the bundle reader's time: these bounds keep the worst Markdown a bundle can
// hold well inside it. gren-lang/core 7.0.0, the largest package there is,
// has a docs.json of 250 KB and no comment over 9 KB.

import type { DocsJson } from "../docsJson.ts";

/** The longest doc comment, of a module or of anything it exposes. */
export const MAX_DOC_COMMENT_BYTES = 32 * 1024;

/** The largest docs.json, as served. */
export const MAX_DOCS_JSON_BYTES = 2 * 1024 * 1024;

/** Comments over the limit named one by one; the rest are counted. */
const MAX_LIMIT_PROBLEMS = 10;

/** The bytes a string takes in UTF-8, counted without encoding it. */
export function utf8Bytes(text: string): number {
  let bytes = text.length;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    // A surrogate pair is 2 code units and 4 bytes; a lone surrogate becomes 3 bytes.
    else if (code >= 0xd800 && code <= 0xdbff && isLowSurrogate(text.charCodeAt(index + 1))) {
      bytes += 2;
      index++;
    } else bytes += 2;
  }
  return bytes;
}

const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/** Rounded up: a size just over a limit never reads as the limit itself. */
const kib = (bytes: number): string => `${Math.ceil(bytes / 1024)} KiB`;

/** Why the registry will not keep these docs, one sentence each; empty when it will. */
export function docsLimitProblems(docs: DocsJson): string[] {
  const problems: string[] = [];
  for (const module of Object.values(docs)) {
    const entries = [...module.unions, ...module.aliases, ...module.values, ...module.binops];
    const comments = [
      { what: `the module ${module.name}`, comment: module.comment },
      ...entries.map((entry) => ({ what: `${module.name}.${entry.name}`, comment: entry.comment })),
    ];
    for (const { what, comment } of comments) {
      // A cheap bound first: no string is more than three bytes a code unit.
      if (comment.length * 3 <= MAX_DOC_COMMENT_BYTES) continue;
      const bytes = utf8Bytes(comment);
      if (bytes > MAX_DOC_COMMENT_BYTES) {
        problems.push(
          `The doc comment of ${what} is ${kib(bytes)}; the registry documents comments of at most ${kib(MAX_DOC_COMMENT_BYTES)}.`,
        );
      }
    }
  }
  if (problems.length <= MAX_LIMIT_PROBLEMS) return problems;
  return [
    ...problems.slice(0, MAX_LIMIT_PROBLEMS - 1),
    `${problems.length - (MAX_LIMIT_PROBLEMS - 1)} more doc comments are over the limit too.`,
  ];
}

/** Why the registry will not keep a docs.json this large, when it will not. */
export function docsJsonSizeProblem(docsJson: string): string | undefined {
  const bytes = utf8Bytes(docsJson);
  return bytes > MAX_DOCS_JSON_BYTES
    ? `The package's docs.json would be ${kib(bytes)}; the registry keeps at most ${kib(MAX_DOCS_JSON_BYTES)} of documentation a version.`
    : undefined;
}
