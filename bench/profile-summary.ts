// Where a server spent its time: the functions with the most self time in a
// V8 CPU profile (`node --cpu-prof`), as a table to read beside the results.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { table } from "./report.ts";

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** The profiles written to `dir`, each with its busiest functions. */
export function summariseProfiles(dir: string, top = 15): string {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".cpuprofile"))
    .sort()
    .map((file) => `Server CPU profile ${join(dir, file)}:\n\n${summarise(join(dir, file), top)}`)
    .join("\n\n");
}

function summarise(file: string, top: number): string {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const names = new Map(
    profile.nodes.map(({ id, callFrame: { functionName, url, lineNumber } }) => [
      id,
      `${functionName || "(anonymous)"} ${url.split("/").slice(-2).join("/")}:${lineNumber + 1}`,
    ]),
  );
  const selfTime = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const micros = profile.timeDeltas[index] ?? 0;
    total += micros;
    const name = names.get(id) ?? "?";
    selfTime.set(name, (selfTime.get(name) ?? 0) + micros);
  });
  const rows = [...selfTime]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, micros]) => [
      name,
      (micros / 1000).toFixed(0),
      `${((100 * micros) / total).toFixed(1)}%`,
    ]);
  return table(["function", "self ms", "share"], rows, [false, true, true]);
}
