import { describe, expect, it } from "vitest";
import { formatLiveFeed, runLiveFeedBenchmark } from "../../bench/live-feed.ts";

describe("the live feed benchmark", () => {
  it("runs in a tiny configuration and reports every delivery with its lag", async () => {
    const result = await runLiveFeedBenchmark({ clients: 3, events: 5 });
    expect(result.deliveries).toBe(15);
    expect(formatLiveFeed(result)).toMatch(
      /deliveries 15 of 15[\s\S]*delivery lag from commit: p50 \d+ ms, p99 \d+ ms/,
    );
  });
});
