import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { until } from "../support/cli.ts";
import { temporaryDir } from "../support/registry.ts";
import { startServerProcess, stopServers } from "../support/serverProcess.ts";

// The request log goes to standard output, read by whatever runs the server: a
// supervisor, a log collector, a test. Whatever that reader does, the registry
// goes on answering, and stops when told to.

afterEach(stopServers);

const start = () => startServerProcess({ REGISTRY_DB_PATH: join(temporaryDir(), "registry.db") });

/** How long the server takes to exit once sent SIGTERM, in milliseconds. */
async function timeToStop(server: Awaited<ReturnType<typeof start>>) {
  const asked = performance.now();
  server.child.kill("SIGTERM");
  const code = await server.exited;
  return { code, ms: performance.now() - asked };
}

describe("the request log's reader", () => {
  it("going away as the server is told to stop, does not hold it up", async () => {
    const server = await start();
    for (let i = 0; i < 3; i++) expect((await fetch(`${server.url}/health`)).status).toBe(200);
    // As when the process reading the output ends right after sending SIGTERM:
    // the server's last lines meet a reader that is gone.
    const asked = performance.now();
    server.child.kill("SIGTERM");
    server.child.stdout!.destroy();
    expect(await server.exited).toBe(0);
    expect(performance.now() - asked).toBeLessThan(3000);
  });

  it("gone, leaves the server answering, and SIGTERM still stops it at once", async () => {
    const server = await start();
    // The reader of its standard output goes away, as a collector that crashed.
    server.child.stdout!.destroy();
    for (let i = 0; i < 50; i++) {
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
    }
    // Long enough for the server to have written its batches, and failed.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await fetch(`${server.url}/health`)).status).toBe(200);

    const stopped = await timeToStop(server);
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(3000);
    expect(server.output.stderr).toMatch(
      /^\d+ log lines could not be written to standard output\.$/m,
    );
  });

  it("not reading, leaves the server answering; the lines it could not keep are counted when it reads again", async () => {
    const server = await start();
    const stdout = server.child.stdout!;
    stdout.pause();
    // Lines of some 8 KB each: the pipe fills, then the server's own room for waiting lines.
    const long = `/health?${"x".repeat(8000)}`;
    for (let i = 0; i < 200; i++) {
      const asked = performance.now();
      expect((await fetch(server.url + long)).status).toBe(200);
      expect(performance.now() - asked).toBeLessThan(1000);
    }
    stdout.resume();
    const dropped = await until(
      () =>
        /"dropped":(\d+),"msg":"log lines dropped: standard output did not take them"/.exec(
          server.output.stdout,
        )?.[1],
      "the server to say it dropped lines",
    );
    expect(Number(dropped)).toBeGreaterThan(0);
    // The lines after the gap come whole.
    expect((await fetch(`${server.url}/health?after`)).status).toBe(200);
    await until(
      () => (server.output.stdout.includes('"url":"/health?after"') ? true : undefined),
      "the line of the request after the gap",
    );

    const stopped = await timeToStop(server);
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(3000);
  });

  it("not reading, does not hold up SIGTERM", async () => {
    const server = await start();
    server.child.stdout!.pause();
    const long = `/health?${"x".repeat(8000)}`;
    for (let i = 0; i < 40; i++) expect((await fetch(server.url + long)).status).toBe(200);
    const stopped = await timeToStop(server);
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(3000);
  });
});
