// bench/RESULTS.md keeps the last recorded results between two markers; what
// is written around them (what the profiles showed, say) is left as it is.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const RESULTS_FILE = join(import.meta.dirname, "RESULTS.md");
const START = "<!-- recorded results: start -->";
const END = "<!-- recorded results: end -->";

/** Replaces the recorded results with `text`, returning the file's path. */
export function recordResults(text: string, file = RESULTS_FILE): string {
  const block = `${START}\n\n${text.trim()}\n\n${END}`;
  const existing = existsSync(file) ? readFileSync(file, "utf8") : "";
  const start = existing.indexOf(START);
  const end = existing.indexOf(END);
  const updated =
    start >= 0 && end > start
      ? existing.slice(0, start) + block + existing.slice(end + END.length)
      : `# Benchmark results\n\nWritten by \`npm run bench -- --record\`.\n\n${block}\n`;
  writeFileSync(file, updated);
  return file;
}
