import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { serverCommand } from "../../src/host/startCommand.ts";
import { until } from "../support/cli.ts";
import { temporaryDir } from "../support/registry.ts";

/** Servers started here, stopped after each test even when it fails half-way. */
const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

/** Starts `npm start`'s program with the given environment. */
function startServer(env: Record<string, string>) {
  const start = serverCommand();
  const child = spawn(process.execPath, start.args, {
    env: { PATH: process.env.PATH ?? "", REGISTRY_HOST: "127.0.0.1", ...start.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.push(child);
  const output = { stdout: "", stderr: "" };
  child.stdout.on("data", (chunk: Buffer) => {
    output.stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output.stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output, exited };
}

describe("starting the server", () => {
  it("refuses a bad port with a message naming it and a non-zero exit", async () => {
    const dir = temporaryDir();
    const server = startServer({ REGISTRY_DB_PATH: join(dir, "r.db"), REGISTRY_PORT: "http" });
    expect(await server.exited).toBe(1);
    expect(server.output.stderr).toMatch(/REGISTRY_PORT must be a whole number from 0 to 65535/);
    expect(existsSync(join(dir, "r.db"))).toBe(false);
  });

  it("refuses a port out of range", async () => {
    const server = startServer({
      REGISTRY_DB_PATH: join(temporaryDir(), "r.db"),
      REGISTRY_PORT: "70000",
    });
    expect(await server.exited).toBe(1);
    expect(server.output.stderr).toMatch(/REGISTRY_PORT/);
  });

  it("refuses a database path it cannot write, saying so", async () => {
    const dir = temporaryDir();
    writeFileSync(join(dir, "a-file"), "");
    const server = startServer({
      REGISTRY_DB_PATH: join(dir, "a-file", "registry.db"),
      REGISTRY_PORT: "0",
    });
    expect(await server.exited).toBe(1);
    expect(server.output.stderr).toMatch(/Cannot open the database at .*a-file\/registry\.db/);
  });

  it("requires a sender address when Postmark is configured", async () => {
    const server = startServer({
      REGISTRY_DB_PATH: join(temporaryDir(), "r.db"),
      POSTMARK_SERVER_TOKEN: "token",
    });
    expect(await server.exited).toBe(1);
    expect(server.output.stderr).toMatch(/REGISTRY_MAIL_FROM/);
  });
});

describe("a running server", () => {
  it("logs one JSON line per request and shuts down cleanly on SIGTERM, closing the database", async () => {
    const dir = temporaryDir();
    const dbPath = join(dir, "registry.db");
    const server = startServer({ REGISTRY_DB_PATH: dbPath, REGISTRY_PORT: "0" });
    const url = await until(
      () => /registry at (http:\/\/127\.0\.0\.1:\d+)/.exec(server.output.stdout)?.[1],
      "the server to listen",
    );
    expect(server.output.stdout).toContain(
      `Serving the Gren package registry at ${url}, with its database at ${dbPath} and mail to the console`,
    );
    const ids: (string | null)[] = [];
    for (const path of ["/health", "/health", "/nowhere"]) {
      ids.push((await fetch(url + path)).headers.get("x-request-id"));
    }
    // A request the HTTP parser refuses is answered and logged all the same.
    const refused = await fetch(`${url}/health`, { headers: { "x-filler": "f".repeat(20_000) } });
    expect(refused.status).toBe(400);
    const requestLog = () =>
      server.output.stdout
        .split("\n")
        .filter((line) => line.includes('"msg":"request"'))
        .map((line) => JSON.parse(line));
    // The line is written as the answer finishes, which may be just after the client has it.
    const logLines = await until(
      () => (requestLog().length >= 4 ? requestLog() : undefined),
      "four request log lines",
    );
    expect(logLines.filter((line) => line.reason === "HPE_HEADER_OVERFLOW")).toMatchObject([
      { status: 400, requestId: refused.headers.get("x-request-id") },
    ]);
    const requestLines = logLines.filter((line) => line.reason === undefined);
    expect(requestLines.map((l) => [l.method, l.url, l.status])).toEqual([
      ["GET", "/health", 200],
      ["GET", "/health", 200],
      ["GET", "/nowhere", 404],
    ]);
    // Each answer's X-Request-Id is on its log line, and times are ISO 8601.
    expect(requestLines.map((l) => l.requestId)).toEqual(ids);
    expect(new Set(ids).size).toBe(3);
    for (const line of requestLines) expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/);
    expect(existsSync(`${dbPath}-wal`)).toBe(true);

    // Log lines are written in batches; the last ones still go out when it stops.
    const last = (await fetch(`${url}/health?last`)).headers.get("x-request-id");
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    expect(server.output.stdout).toContain("shutting down");
    expect(requestLog().map((line) => line.requestId)).toContain(last);
    // The last connection to close checkpoints the WAL into the database and removes it.
    expect(existsSync(`${dbPath}-wal`)).toBe(false);
  });

  it("finishes a request in flight before it exits", async () => {
    const dir = temporaryDir();
    const server = startServer({ REGISTRY_DB_PATH: join(dir, "registry.db"), REGISTRY_PORT: "0" });
    const url = await until(
      () => /registry at (http:\/\/127\.0\.0\.1:\d+)/.exec(server.output.stdout)?.[1],
      "the server to listen",
    );
    // A large body arriving slowly keeps a request in flight while the signal lands.
    const { request } = await import("node:http");
    const answer = new Promise<number>((resolve, reject) => {
      const req = request(
        `${url}/session`,
        { method: "POST", headers: { "content-type": "application/json" } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.write('{"email": "in-flight@example.com"');
      setTimeout(() => {
        server.child.kill("SIGTERM");
        setTimeout(() => req.end("}"), 300);
      }, 200);
    });
    expect(await answer).toBe(200);
    expect(await server.exited).toBe(0);
  });
});
