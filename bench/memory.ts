// The server's resident memory while a workload runs, read from /proc: the
// main thread, the bundle readers' threads and SQLite's page cache together.

import { readFileSync } from "node:fs";

/** Resident memory of a process in bytes, or undefined where /proc is not there to ask. */
function residentBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
    return kib === undefined ? undefined : Number(kib) * 1024;
  } catch {
    return undefined;
  }
}

export interface MemorySamples {
  /** The highest resident size seen, in bytes; undefined when it could not be read. */
  peakBytes: number | undefined;
  samples: number;
}

/** Samples the resident memory of `pid` every `everyMs` while `work` runs. */
export async function peakMemoryDuring<T>(
  pid: number,
  work: () => Promise<T>,
  everyMs = 50,
): Promise<{ result: T; memory: MemorySamples }> {
  let peak: number | undefined;
  let samples = 0;
  const sample = () => {
    const bytes = residentBytes(pid);
    if (bytes === undefined) return;
    samples++;
    peak = Math.max(peak ?? 0, bytes);
  };
  sample();
  const timer = setInterval(sample, everyMs);
  try {
    const result = await work();
    sample();
    return { result, memory: { peakBytes: peak, samples } };
  } finally {
    clearInterval(timer);
  }
}
