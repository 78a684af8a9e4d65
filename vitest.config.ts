import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/build.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Most test files spend their time waiting on servers, browsers and child
    // processes, not computing: two at once keep a two-core machine busy,
    // where the default (one fewer than the cores) runs them one by one.
    maxWorkers: 2,
  },
});
