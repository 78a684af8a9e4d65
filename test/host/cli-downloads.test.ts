import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/cliError.ts";
import { packageBundle, packageOutline } from "../support/bundles.ts";
import { runCli } from "../support/cli.ts";
import { applicationOutline } from "../support/grenCompiler.ts";
import { sha256 } from "../support/publishing.ts";
import { scratchDirectories } from "../support/scratch.ts";

// install and download take bundles from a registry that may misbehave: one
// that sends far more than the size it published, or stops sending. The
// registry here is a small HTTP server of the test's own, since the real one
// never does either.

const scratch = scratchDirectories();

/** What the bundle route does this time. */
type Behaviour =
  | { kind: "flood"; bytes: number; announce: boolean }
  | { kind: "stall"; after: number }
  | { kind: "silent" };

const published = packageBundle({ name: "acme/huge", version: "1.0.0" });
const FLOOD_BYTES = 150 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 7);

let server: ReturnType<typeof createServer>;
let url: string;
let behaviour: Behaviour;
/** Bytes of the bundle's answer that left the server before the client went away. */
let sent = 0;
const stalled: ServerResponse[] = [];

function answer(request: IncomingMessage, response: ServerResponse): void {
  const json = (body: unknown) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify(body));
  };
  if (request.method === "POST" && request.url === "/resolve") {
    request.resume();
    json({
      packages: {
        "acme/huge": { version: "1.0.0", sha256: sha256(published), size: published.byteLength },
      },
    });
    return;
  }
  if (request.url === "/packages/acme/huge/1.0.0") {
    json({
      name: "acme/huge",
      version: "1.0.0",
      publishedAt: "2026-11-24T12:00:00.000Z",
      sha256: sha256(published),
      size: published.byteLength,
      outline: packageOutline({ name: "acme/huge" }),
      revoked: null,
    });
    return;
  }
  if (request.url !== "/packages/acme/huge/1.0.0/bundle") {
    response.writeHead(404).end();
    return;
  }
  sent = 0;
  if (behaviour.kind === "silent") {
    stalled.push(response);
    return;
  }
  if (behaviour.kind === "stall") {
    response.writeHead(200, { "content-type": "application/gzip" });
    response.write(published.subarray(0, behaviour.after));
    stalled.push(response);
    return;
  }
  const total = behaviour.bytes;
  response.writeHead(200, {
    "content-type": "application/gzip",
    ...(behaviour.announce ? { "content-length": String(total) } : {}),
  });
  const pump = () => {
    while (sent < total && !response.destroyed) {
      sent += CHUNK.byteLength;
      if (!response.write(CHUNK)) return void response.once("drain", pump);
    }
    if (!response.destroyed) response.end();
  };
  pump();
}

beforeAll(async () => {
  server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const response of stalled) response.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Writes a preload that records the command's peak resident memory when it exits. */
function peakMemoryProbe(): { env: Record<string, string>; peak: () => number } {
  const dir = scratch("probe-");
  const file = join(dir, "peak");
  const preload = join(dir, "peak.mjs");
  writeFileSync(
    preload,
    `import { writeFileSync } from "node:fs";
process.on("exit", () => writeFileSync(${JSON.stringify(file)}, String(process.resourceUsage().maxRSS * 1024)));
`,
  );
  return {
    env: { NODE_OPTIONS: `--import=${preload}` },
    peak: () => Number(readFileSync(file, "utf8")),
  };
}

function application(): string {
  const dir = scratch("app-");
  mkdirSync(join(dir, "src"));
  writeFileSync(
    join(dir, "gren.json"),
    `${JSON.stringify(applicationOutline({ direct: { "acme/huge": "1.0.0" } }), null, 4)}\n`,
  );
  return dir;
}

const MiB = 1024 * 1024;

describe("install from a registry that sends more than the size it published", () => {
  it("stops as soon as the bundle passes its size, holding little of it, and writes nothing", async () => {
    behaviour = { kind: "flood", bytes: FLOOD_BYTES, announce: false };
    const dir = application();
    const outline = readFileSync(join(dir, "gren.json"), "utf8");
    const probe = peakMemoryProbe();
    const run = await runCli(["--registry", url, "install"], {
      home: scratch("home-"),
      cwd: dir,
      env: probe.env,
    });
    expect(run.code).toBe(EXIT.unavailable);
    expect(run.stderr).toContain(
      `error: refusing acme/huge 1.0.0: the registry sent more than the ${published.byteLength} bytes the version was published with\n`,
    );
    // The answer is cut off early: what was sent is what sockets hold, not the 150 MB.
    expect(sent).toBeLessThan(32 * MiB);
    // The command's whole memory stays where a command's is: it held none of the flood.
    expect(probe.peak()).toBeLessThan(128 * MiB);
    expect(readdirSync(join(dir, "gren_packages"))).toEqual([]);
    expect(readFileSync(join(dir, "gren.json"), "utf8")).toBe(outline);
  });

  it("refuses an answer that announces more than the size before reading any of it", async () => {
    behaviour = { kind: "flood", bytes: FLOOD_BYTES, announce: true };
    const dir = application();
    const run = await runCli(["--registry", url, "install"], { home: scratch("home-"), cwd: dir });
    expect(run.code).toBe(EXIT.unavailable);
    expect(run.stderr).toContain(
      `error: refusing acme/huge 1.0.0: the registry announced ${FLOOD_BYTES} bytes, but the version was published with ${published.byteLength}\n`,
    );
    expect(sent).toBeLessThan(32 * MiB);
    expect(readdirSync(join(dir, "gren_packages"))).toEqual([]);
  });

  it("is the same for download", async () => {
    behaviour = { kind: "flood", bytes: FLOOD_BYTES, announce: false };
    const dir = scratch("downloads-");
    const probe = peakMemoryProbe();
    const run = await runCli(["--registry", url, "download", "acme/huge", "1.0.0"], {
      home: scratch("home-"),
      cwd: dir,
      env: probe.env,
    });
    expect(run.code).toBe(EXIT.unavailable);
    expect(run.stderr).toMatch(/^error: refusing acme\/huge 1\.0\.0: the registry sent more than/);
    expect(sent).toBeLessThan(32 * MiB);
    expect(probe.peak()).toBeLessThan(128 * MiB);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("install from a registry that stops sending", () => {
  it("gives up after --timeout seconds without a byte, mid-bundle or before it", async () => {
    for (const stop of [{ kind: "stall", after: 10 }, { kind: "silent" }] as const) {
      behaviour = stop;
      const dir = application();
      const started = Date.now();
      const run = await runCli(["--registry", url, "install", "--timeout", "1"], {
        home: scratch("home-"),
        cwd: dir,
      });
      expect(run.code, stop.kind).toBe(EXIT.unavailable);
      expect(run.stderr, stop.kind).toContain(
        `error: gave up downloading acme/huge 1.0.0: nothing arrived from ${url} for 1 seconds (--timeout)\n`,
      );
      // Generous: it gives up after about a second, not after the 30 seconds of the default.
      expect(Date.now() - started, stop.kind).toBeLessThan(15_000);
      expect(readdirSync(join(dir, "gren_packages")), stop.kind).toEqual([]);
    }
  });

  it("is the same for download, and --timeout must be a number of seconds", async () => {
    behaviour = { kind: "stall", after: 10 };
    const dir = scratch("downloads-");
    const run = await runCli(
      ["--registry", url, "download", "acme/huge", "1.0.0", "--timeout", "1"],
      { home: scratch("home-"), cwd: dir },
    );
    expect(run.code).toBe(EXIT.unavailable);
    expect(run.stderr).toMatch(/^error: gave up downloading acme\/huge 1\.0\.0: nothing arrived/);
    expect(readdirSync(dir)).toEqual([]);

    const bad = await runCli(["--registry", url, "install", "--timeout", "soon"], {
      home: scratch("home-"),
      cwd: application(),
    });
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.stderr).toBe(
      'error: --timeout must be a whole number of seconds from 1 to 86400, not "soon"\n',
    );
  });
});
