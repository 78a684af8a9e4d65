import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");

// The benchmark on a tiny catalogue for two seconds per workload: not to measure
// anything (no timing is checked), but so that the benchmark cannot rot.
describe("npm run bench, in smoke mode", () => {
  it("seeds a catalogue, runs every workload and prints the tables with their ratios", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        "bench/main.ts",
        ...["--catalogue", "tiny", "--scaling", "tiny,small"],
        ...["--duration", "2", "--warmup", "0", "--rounds", "1", "--connections", "10"],
        ...["--live", "5,10"],
      ],
      { cwd: ROOT, maxBuffer: 10 * 1024 * 1024 },
    );

    const row = (label: string) =>
      stdout.split("\n").find((line) => line.startsWith(`| ${label}`)) ?? "";
    const ratio = /\d+\.\d\d×/;
    expect(stdout).toMatch(
      /Live feed: 5 WebSocket clients, a burst of 10 publications[\s\S]*deliveries 50 of 50/,
    );
    expect(row("bare node:http")).toMatch(ratio);
    const reads = [
      "`latest?gren=`",
      "version list",
      "inclusion proof (as the CLI asks)",
      "version list, 200 versions, gzip",
      "index, 200 versions, gzip",
      "bundle download",
      "`/resolve`, 21 packages",
      "package page (HTML)",
      "real core's package page (HTML, README)",
      "real core's module pages (HTML, linked, indexed)",
      "mixed: `latest?gren=` beside publishes",
    ];
    for (const read of reads) {
      // req/s, p50 and p99, then the ratios to both bare servers.
      expect(row(read).match(/\d+\.\d\d×/g)).toHaveLength(4);
    }
    const writes = [
      "publish generated 100 KB, one publisher",
      "publish generated 100 KB, 8 publishers",
      "publish real core, one publisher",
      "publish real core, 8 publishers",
      "publish real core, one publisher, file mirror",
      "publish real core, 8 publishers, file mirror",
      "mixed: publishes of real core beside reads",
    ];
    for (const write of writes) {
      expect(row(write)).toMatch(/\| +[\d,]+ \| +\d+\.\d\d \| +\d+\.\d\d \|/);
    }
    // The worker path: a bundle that holds its reader too long is refused alone.
    expect(stdout).toMatch(/one that takes longer to read: answered 400 `invalid_bundle`/);
    expect(stdout).toMatch(/Then 8 publishes at once: 8 of 8 published; \/health answered 200/);
    expect(stdout).toMatch(/resident memory, sampled every 50 ms .* peaked at \d+ MiB/);
    const targets = stdout.match(/^- (PASS|MISS) .+$/gm) ?? [];
    expect(targets).toHaveLength(13);
    // Publishing with a static mirror: the folder ends up holding every version published.
    const mirrored =
      /the folder held every file [\d.]+ s later, with (\d+) bundles for the (\d+) versions published/.exec(
        stdout,
      );
    expect(mirrored, "the line about publishing with a mirror").not.toBeNull();
    expect(mirrored?.[1]).toBe(mirrored?.[2]);
    expect(stdout).toMatch(/^\|.*\| tiny: 400 versions \| small: 4,000 versions \|$/m);
    expect(row("`latest` req/s ÷ smallest")).toMatch(/1\.00× \| +\d+\.\d\d× \|$/);
    expect(stdout).not.toMatch(/answers with status|failed or timed out/);
  }, 180_000);
});
