import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { makeBundle, packageOutline, sourcesFor } from "../support/bundles.ts";
import { until } from "../support/cli.ts";
import { download, putBundle, sha256 } from "../support/publishing.ts";
import { call, login, temporaryDir } from "../support/registry.ts";
import { startServerProcess, stopServers } from "../support/serverProcess.ts";

// Clients that ask for a large bundle and never read it: each must cost the
// server a little memory and no more, and only for as long as the registry
// gives an answer that nobody takes.

afterEach(stopServers);

const MIB = 1024 * 1024;
const CLIENTS = 60;
const SEND_TIMEOUT_SECONDS = 2;

/** The server process's resident memory, in bytes. */
function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (!kib) throw new Error(`no VmRSS for ${pid}`);
  return Number(kib) * 1024;
}

/** About 7 MiB of gzip that does not compress further: random bytes, written out in base64. */
function largeBundle(): Uint8Array {
  const outline = packageOutline({ name: "acme/large", version: "1.0.0" });
  const sources = sourcesFor(outline);
  sources.Widgets = `${sources.Widgets}\n{- ${randomBytes(7 * MIB).toString("base64")} -}\n`;
  return makeBundle({ outline, sources });
}

/**
 * Asks for `path` on a connection of its own and never reads the answers. It
 * asks twice at once: on loopback the system's socket buffers can take a whole
 * answer of 7 MiB off the server's hands, which then has nothing left to cut.
 */
function nonReader(url: string, path: string): Socket {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  const request = `GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`;
  socket.write(request + request);
  socket.pause();
  socket.on("error", () => {});
  return socket;
}

interface LogLine {
  msg: string;
  url?: string;
  status?: number;
  reason?: string;
  time: string;
}

describe("clients that never read the bundle they asked for", () => {
  it("hold little of the server's memory, and their answers are cut after the send timeout", {
    timeout: 120_000,
  }, async () => {
    const dir = temporaryDir();
    const outbox = join(dir, "outbox.jsonl");
    const server = await startServerProcess({
      REGISTRY_DB_PATH: join(dir, "registry.db"),
      REGISTRY_MAIL_OUTBOX: outbox,
      REGISTRY_SEND_TIMEOUT_SECONDS: String(SEND_TIMEOUT_SECONDS),
    });
    const registry = { url: server.url, outbox };
    const token = await login(registry, "owner@example.com");
    await call(registry, "POST", "/publishing-identity", { token, json: { name: "acme" } });
    const bundle = largeBundle();
    expect(bundle.byteLength).toBeGreaterThan(7 * MIB);
    expect(bundle.byteLength).toBeLessThan(7.5 * MIB);
    const path = "/packages/acme/large/1.0.0/bundle";
    expect((await putBundle(registry, token, "/packages/acme/large/1.0.0", bundle)).status).toBe(
      201,
    );
    // A client that reads gets every byte.
    const whole = await download(registry, path);
    expect(whole.headers.get("content-length")).toBe(String(bundle.byteLength));
    expect(sha256(whole.bytes)).toBe(sha256(bundle));

    const pid = server.child.pid!;
    const before = residentBytes(pid);
    const asked = Date.now();
    const clients = Array.from({ length: CLIENTS }, () => nonReader(server.url, path));
    // While they hang on, the server holds what it has read for them so far.
    let peak = before;
    for (let sample = 0; sample < 10; sample++) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      peak = Math.max(peak, residentBytes(pid));
    }
    expect(peak - before).toBeLessThan(64 * MIB);
    // The server answers others meanwhile.
    expect((await fetch(`${server.url}/health`)).status).toBe(200);

    // Within the send timeout, and a little time to send what the clients'
    // sockets could take, the server has done with every answer: sent whole
    // into the system's buffers, or cut because nothing more was taken.
    const logLines = () =>
      server.output.stdout
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as LogLine)
        .filter((line) => line.msg === "request" && line.url === path);
    const ended = await until(
      () => (logLines().length >= 1 + 2 * CLIENTS ? logLines().slice(1) : undefined),
      "every answer to be sent or cut",
      (SEND_TIMEOUT_SECONDS + 10) * 1000,
    );
    const cut = ended.filter((line) => line.reason?.startsWith("cut:"));
    expect(cut.length).toBeGreaterThanOrEqual(CLIENTS / 2);
    for (const line of cut) {
      expect(line.reason).toBe(
        `cut: the client took none of the answer for ${SEND_TIMEOUT_SECONDS} seconds`,
      );
      expect(Date.parse(line.time) - asked).toBeGreaterThanOrEqual(SEND_TIMEOUT_SECONDS * 1000);
    }
    // Each answer ends once: sent, cut, or gone with its cut connection.
    expect(ended.every((line) => line.status === 200)).toBe(true);
    for (const client of clients) client.destroy();
    expect(await server.stop()).toBe(0);
  });
});
