// `npm run bench`: how fast the registry answers its clients, next to what a
// bare node:http server manages on the same machine. See README.md.

import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { runBenchmark } from "./benchmark.ts";
import { formatLiveFeed, runLiveFeedBenchmark } from "./live-feed.ts";
import { parseOptions, USAGE } from "./options.ts";
import { summariseProfiles } from "./profile-summary.ts";
import { formatReport } from "./report.ts";
import { recordResults } from "./results-file.ts";

const options = (() => {
  try {
    return parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
})();
if (options === "help") {
  process.stdout.write(USAGE);
  process.exit(0);
}

const workDir = mkdtempSync(join(options.dbDir, "registry-bench-"));
try {
  let text = formatReport(await runBenchmark(options, workDir));
  if (options.live)
    text += `\n### Live feed\n\n${formatLiveFeed(await runLiveFeedBenchmark(options.live))}\n`;
  process.stdout.write(`\n${text}`);
  if (options.record) process.stderr.write(`Recorded in ${recordResults(text)}.\n`);
  if (options.profileDir) process.stdout.write(`\n${summariseProfiles(options.profileDir)}\n`);
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
