import { afterAll, describe, expect, it } from "vitest";
import { parsePackageName } from "../../src/gren/names.ts";
import { parseVersion } from "../../src/gren/semver.ts";
import { WorkerBundleReader } from "../../src/host/bundleReading/pool.ts";
import { packageBundle } from "../support/bundles.ts";

// A server reads every bundle ever published in the same few worker threads,
// so whatever a read leaves behind in its worker adds up over months. With a
// small heap, tens of thousands of reads show it in seconds.

const reader = new WorkerBundleReader({ threads: 1, timeoutMs: 10_000, memoryMb: 24 });
afterAll(async () => {
  await reader.close();
});

describe("the bundle reader pool", () => {
  it("reads bundle after bundle without its workers' memory growing", async () => {
    const name = parsePackageName("acme/widgets");
    if (!name) throw new Error("a valid name");
    const expected = {
      name,
      version: parseVersion("1.0.0")!,
      maxUnpackedBytes: 1024 * 1024,
      kernelAllowed: false,
    };
    const bytes = packageBundle();
    for (let read = 1; read <= 30_000; read++) {
      const result = await reader.read(bytes, expected, () => []);
      if (!result.ok) throw new Error(`read ${read} failed: ${JSON.stringify(result.error)}`);
    }
    expect((await reader.read(bytes, expected, () => [])).ok).toBe(true);
  }, 60_000);
});
