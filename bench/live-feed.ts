// How quickly the live feed reaches many followers: N WebSocket clients on
// /feed/live while a burst of publications goes in, each client counting the
// time from an event's commit (its `at`) to its arrival. The server runs in its
// own process; the clients and the publishers share this one.

import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import WebSocket from "ws";
import { serverCommand } from "../src/host/startCommand.ts";

export interface LiveFeedResult {
  clients: number;
  events: number;
  deliveries: number;
  /** From the first publication to the last event reaching the last client. */
  burstMs: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
}

/** Publishers in the burst, each a member with a session of its own, releasing its own package. */
const PUBLISHERS = 8;

export async function runLiveFeedBenchmark(options: {
  clients: number;
  events: number;
}): Promise<LiveFeedResult> {
  const dir = mkdtempSync(join(tmpdir(), "registry-live-bench-"));
  const outbox = join(dir, "outbox.jsonl");
  const start = serverCommand();
  const server = spawn(process.execPath, start.args, {
    env: {
      PATH: process.env.PATH ?? "",
      ...start.env,
      REGISTRY_DB_PATH: join(dir, "registry.db"),
      REGISTRY_MAIL_OUTBOX: outbox,
      REGISTRY_HOST: "127.0.0.1",
      REGISTRY_PORT: "0",
      REGISTRY_LOG_LEVEL: "info",
    },
    // Standard error carries the console login mail; it is shown only if the server fails.
    stdio: ["ignore", "pipe", "pipe"],
  });
  let errors = "";
  server.stderr!.on("data", (chunk: Buffer) => {
    errors += chunk.toString();
  });
  server.on("exit", (code) => {
    if (code !== null && code !== 0) process.stderr.write(errors);
  });
  try {
    const url = await listeningUrl(server.stdout!);
    const owner = await login(url, outbox, "bench@example.com");
    await json(url, "POST", "/publishing-identity", owner, { name: "live-bench" });
    const publishers: string[] = [];
    for (let n = 1; n <= PUBLISHERS; n++) {
      const email = `publisher-${n}@example.com`;
      const member = `/publishing-identity/live-bench/members/${encodeURIComponent(email)}`;
      await json(url, "PUT", member, owner, { role: "publish" });
      publishers.push(await login(url, outbox, email));
    }

    const lags: number[] = [];
    const counts = new Array<number>(options.clients).fill(0);
    const sockets = await Promise.all(
      counts.map(async (_, client) => {
        const socket = new WebSocket(`${url.replace("http", "ws")}/feed/live`);
        socket.on("message", (data) => {
          const event = JSON.parse(String(data)) as { at: string };
          lags.push(Date.now() - Date.parse(event.at));
          counts[client]!++;
        });
        await once(socket, "open");
        return socket;
      }),
    );

    const started = Date.now();
    let next = 0;
    await Promise.all(
      publishers.map(async (token, publisher) => {
        for (let i = next++; i < options.events; i = next++) {
          await publishOne(url, token, `burst-${publisher + 1}`, i);
        }
      }),
    );
    const deadline = Date.now() + 120_000;
    while (counts.some((count) => count < options.events)) {
      if (Date.now() > deadline)
        throw new Error("not every client received every event within 2 minutes");
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const burstMs = Date.now() - started;
    for (const socket of sockets) socket.terminate();

    lags.sort((a, b) => a - b);
    const at = (q: number) => lags[Math.min(lags.length - 1, Math.floor(q * lags.length))]!;
    return {
      clients: options.clients,
      events: options.events,
      deliveries: lags.length,
      burstMs,
      lagP50Ms: at(0.5),
      lagP99Ms: at(0.99),
      lagMaxMs: lags.at(-1)!,
    };
  } finally {
    server.kill("SIGTERM");
    await once(server, "exit");
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The server's address, from its start-up line. Its log is read to the end,
 * not only to there: a server whose standard output nobody reads stops when
 * the pipe is full.
 */
function listeningUrl(stdout: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    stdout.on("data", (chunk: Buffer) => {
      text += String(chunk);
      const match = /registry at (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
      if (match) resolve(match[1]!);
    });
    stdout.on("end", () => reject(new Error(`the server stopped before listening:\n${text}`)));
  });
}

async function json(
  url: string,
  method: string,
  path: string,
  token: string | undefined,
  body: unknown,
) {
  const response = await fetch(url + path, {
    method,
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, string>;
}

async function login(url: string, outbox: string, email: string): Promise<string> {
  const { fetchSessionToken } = await json(url, "POST", "/session", undefined, { email });
  const mail = JSON.parse(readFileSync(outbox, "utf8").trim().split("\n").at(-1)!) as {
    textBody: string;
  };
  const code = /^Your confirmation code is: (\S+)$/m.exec(mail.textBody)![1];
  const { sessionToken } = await json(url, "POST", "/session/fetch", undefined, {
    fetchSessionToken,
    emailConfirmationCode: code,
  });
  return sessionToken!;
}

async function publishOne(url: string, token: string, project: string, i: number) {
  // Each event the first version of a package of its own: publishers share one
  // count, and the registry takes no version number that skips one.
  const version = "1.0.0";
  const name = `live-bench/${project}-${i}`;
  const outline = {
    type: "package",
    platform: "common",
    name,
    summary: "Events for the live feed benchmark",
    license: "BSD-3-Clause",
    version,
    "exposed-modules": ["Burst"],
    "gren-version": "0.6.0 <= v < 0.7.0",
    dependencies: {},
  };
  const body = gzipSync(
    JSON.stringify({
      outline,
      sources: { Burst: "module Burst exposing (..)\n\nx : Int\nx = 1\n" },
    }),
  );
  const response = await fetch(`${url}/packages/${name}/${version}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/gzip" },
    body,
  });
  if (response.status !== 201)
    throw new Error(`publishing ${version}: ${response.status} ${await response.text()}`);
}

export function formatLiveFeed(result: LiveFeedResult): string {
  return [
    `Live feed: ${result.clients} WebSocket clients, a burst of ${result.events} publications (${PUBLISHERS} publishers)`,
    `  deliveries ${result.deliveries} of ${result.clients * result.events}, all delivered ${result.burstMs} ms after the first publication`,
    `  delivery lag from commit: p50 ${result.lagP50Ms} ms, p99 ${result.lagP99Ms} ms, max ${result.lagMaxMs} ms`,
  ].join("\n");
}

if (import.meta.main) {
  const [clients = "200", events = "1000"] = process.argv.slice(2);
  process.stdout.write(
    `${formatLiveFeed(await runLiveFeedBenchmark({ clients: Number(clients), events: Number(events) }))}\n`,
  );
}
