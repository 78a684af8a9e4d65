import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/cliError.ts";
import { parseCheckpoint } from "../../src/log/checkpoint.ts";
import { decodeEntry, encodeEntry } from "../../src/log/entry.ts";
import {
  generateSignerKey,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
} from "../../src/log/note.ts";
import { makeBundle, packageOutline } from "../support/bundles.ts";
import { runCli } from "../support/cli.ts";
import { createIdentity, publish, sha256 } from "../support/publishing.ts";
import { login, startRegistry, type TestRegistry } from "../support/registry.ts";
import { scratchDirectories } from "../support/scratch.ts";

// A registry that lies: a proxy in front of real registries that alters
// their answers as a compromised server or operator could. The CLI must
// refuse each lie, write nothing, and say what it caught.

const scratch = scratchDirectories();

let honest: TestRegistry;
let other: TestRegistry;
let proxyUrl: string;
let closeProxy: () => Promise<void>;
/** How the proxy lies; undefined passes every answer on as it is. */
let lie: ((request: IncomingMessage, upstream: string) => Promise<Answer | undefined>) | undefined;
let upstream: string;
/** A checkpoint the honest registry signed before its last publish. */
let olderCheckpoint: string;
const tampered = makeBundle({
  outline: packageOutline({ name: "acme/widgets", version: "1.1.0" }),
  sources: { Widgets: "module Widgets exposing (..)\n\nevil = 1\n" },
});

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

async function forward(
  url: string,
  request: IncomingMessage,
  target = request.url,
): Promise<Answer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const headers: Record<string, string> = {};
  for (const name of ["authorization", "content-type", "accept"]) {
    const value = request.headers[name];
    if (typeof value === "string") headers[name] = value;
  }
  const response = await fetch(url + target, {
    method: request.method ?? "GET",
    headers,
    body: chunks.length > 0 ? Buffer.concat(chunks) : null,
  });
  const answered: Record<string, string> = {};
  for (const name of ["content-type", "etag"]) {
    const value = response.headers.get(name);
    if (value) answered[name] = value;
  }
  return {
    status: response.status,
    headers: answered,
    body: new Uint8Array(await response.arrayBuffer()),
  };
}

const json = (value: unknown): Answer => ({
  status: 200,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(value),
});

beforeAll(async () => {
  honest = await startRegistry();
  const token = await login(honest, "alice@example.com");
  await createIdentity(honest, token, "acme");
  await publish(honest, token, "acme/widgets", "1.0.0");
  olderCheckpoint = await (await fetch(`${honest.url}/log/checkpoint`)).text();
  await publish(honest, token, "acme/widgets", "1.1.0");

  // Another registry with the same key and another history: a fork of the first.
  other = await startRegistry({
    REGISTRY_LOG_SIGNING_KEY: readFileSync(join(honest.dir, "transparency-log.key"), "utf8"),
  });
  const otherToken = await login(other, "alice@example.com");
  await createIdentity(other, otherToken, "acme");
  await publish(other, otherToken, "acme/widgets", "1.0.0", {
    summary: "Widgets of another history",
  });
  for (const version of ["1.1.0", "1.2.0"])
    await publish(other, otherToken, "acme/widgets", version);

  upstream = honest.url;
  const proxy = createServer((request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      try {
        const answer = (await lie?.(request, upstream)) ?? (await forward(upstream, request));
        response.writeHead(answer.status, answer.headers);
        response.end(answer.body);
      } catch (error) {
        response.writeHead(502).end(String(error));
      }
    })();
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  closeProxy = () => new Promise<void>((resolve) => proxy.close(() => resolve()));
}, 60_000);

afterAll(async () => {
  await closeProxy();
  await honest.close();
  await other.close();
});

/** A user's machine that has downloaded from the registry before, honestly served. */
async function machineThatTrustsTheRegistry(): Promise<string> {
  const home = scratch("home-");
  lie = undefined;
  upstream = honest.url;
  const first = await download(home, "1.0.0");
  expect(first.code, first.stderr).toBe(0);
  return home;
}

function download(home: string, version: string, extra: string[] = []) {
  const directory = scratch("downloads-");
  return runCli(["--registry", proxyUrl, ...extra, "download", "acme/widgets", version], {
    home,
    cwd: directory,
  }).then((run) => ({ ...run, written: readdirSync(directory) }));
}

const path = (request: IncomingMessage) => request.url?.split("?")[0];

describe("the CLI holds a registry to its transparency log", () => {
  it("pins the log's key on first use and downloads what the log proves", async () => {
    const home = scratch("home-");
    lie = undefined;
    upstream = honest.url;
    const run = await download(home, "1.1.0");
    expect(run.code, run.stderr).toBe(0);
    const key = (await (await fetch(`${honest.url}/log/key`)).text()).trim();
    expect(run.stderr).toContain(`Trusting ${proxyUrl}'s transparency log key ${key} from now on`);
    expect(run.written).toEqual(["acme_widgets__1_1_0.pkg.gz"]);
    const kept = JSON.parse(readFileSync(join(home, ".gren", "transparency-log.json"), "utf8"));
    expect(kept.registries[proxyUrl].key).toBe(key);
    expect(kept.registries[proxyUrl].checkpoints).toHaveLength(1);
  });

  it("refuses a bundle whose log entry was tampered with to match it", async () => {
    const home = await machineThatTrustsTheRegistry();
    lie = async (request, url) => {
      const answer = await forward(url, request);
      if (path(request) === "/packages/acme/widgets/1.1.0") {
        const view = JSON.parse(new TextDecoder().decode(answer.body as Uint8Array));
        return json({ ...view, sha256: sha256(tampered), size: tampered.byteLength });
      }
      if (path(request) === "/packages/acme/widgets/1.1.0/bundle") {
        return { status: 200, headers: { etag: `"${sha256(tampered)}"` }, body: tampered };
      }
      if (path(request) === "/log/proof/inclusion") {
        const proof = JSON.parse(new TextDecoder().decode(answer.body as Uint8Array));
        const entry = decodeEntry(new Uint8Array(Buffer.from(proof.entry, "base64")));
        if (!entry.ok || entry.value.kind !== "publish") throw new Error("not a publish entry");
        const forged = encodeEntry({
          ...entry.value,
          sha256: sha256(tampered),
          size: tampered.byteLength,
        });
        return json({ ...proof, entry: Buffer.from(forged).toString("base64") });
      }
      return answer;
    };
    const run = await download(home, "1.1.0");
    expect(run.code).toBe(EXIT.unproven);
    expect(run.stderr).toMatch(
      /^error: refusing acme\/widgets 1\.1\.0: the registry's transparency log does not prove it \(entry 1 is not in the tree of 2 entries the registry signed\)\n$/,
    );
    expect(run.written).toEqual([]);
  });

  it("refuses a bundle the log holds with other bytes", async () => {
    const home = await machineThatTrustsTheRegistry();
    lie = async (request, url) => {
      const answer = await forward(url, request);
      if (path(request) === "/packages/acme/widgets/1.1.0") {
        const view = JSON.parse(new TextDecoder().decode(answer.body as Uint8Array));
        return json({ ...view, sha256: sha256(tampered), size: tampered.byteLength });
      }
      if (path(request) === "/packages/acme/widgets/1.1.0/bundle") {
        return { status: 200, headers: { etag: `"${sha256(tampered)}"` }, body: tampered };
      }
      return answer;
    };
    const run = await download(home, "1.1.0");
    expect(run.code).toBe(EXIT.unproven);
    expect(run.stderr).toContain(
      `the log has it published with sha256 ${sha256(
        new Uint8Array(
          await (await fetch(`${honest.url}/packages/acme/widgets/1.1.0/bundle`)).arrayBuffer(),
        ),
      )}, but the registry serves sha256 ${sha256(tampered)}`,
    );
    expect(run.written).toEqual([]);
  });

  it("refuses a proof made for another tree than the one signed", async () => {
    const home = await machineThatTrustsTheRegistry();
    lie = async (request, url) => {
      if (path(request) !== "/log/proof/inclusion") return undefined;
      // The path in the tree of 1 entry, passed off as one in the tree of 2.
      const older = new URL(request.url!, url);
      older.searchParams.set("treeSize", "1");
      const answer = await forward(url, request, `${older.pathname}${older.search}`);
      const proof = JSON.parse(new TextDecoder().decode(answer.body as Uint8Array));
      return json({ ...proof, treeSize: 2 });
    };
    const run = await download(home, "1.0.0");
    expect(run.code, run.stderr).toBe(EXIT.unproven);
    expect(run.stderr).toContain(
      "error: refusing acme/widgets 1.0.0: the registry's transparency log does not prove it (entry 0 is not in the tree of 2 entries the registry signed)",
    );
    expect(run.written).toEqual([]);
  });

  it("refuses a checkpoint signed by another key", async () => {
    const home = await machineThatTrustsTheRegistry();
    const impostor = parseSignerKey(generateSignerKey("127.0.0.1:0"));
    if (!impostor.ok) throw new Error(impostor.error);
    lie = async (request, url) => {
      if (path(request) !== "/log/checkpoint") return undefined;
      const real = new TextDecoder().decode((await forward(url, request)).body as Uint8Array);
      const text = real.slice(0, real.lastIndexOf("\n\n") + 1);
      return { status: 200, headers: {}, body: signNote(text, impostor.value) };
    };
    const run = await download(home, "1.0.0");
    expect(run.code).toBe(EXIT.unproven);
    const pinned = (await (await fetch(`${honest.url}/log/key`)).text()).trim();
    expect(run.stderr).toBe(
      `error: the checkpoint ${proxyUrl} serves is not signed by the transparency log key this machine trusts (${pinned}): it is not signed by the key ${pinned}. Someone may be standing in for the registry; if its operators announced a new key, give it with --log-key\n`,
    );
    expect(run.written).toEqual([]);

    // A key given outright is trusted from then on, and the machine says so.
    const given = await download(home, "1.0.0", ["--log-key", impostor.value.text]);
    expect(given.code, given.stderr).toBe(0);
    expect(given.stderr).toContain(
      `The log key given is not the one this machine trusted for ${proxyUrl} (${pinned}); it trusts the one given from now on.`,
    );
  });

  it("refuses a log rolled back behind a checkpoint this machine saw", async () => {
    const home = await machineThatTrustsTheRegistry();
    lie = async (request) =>
      path(request) === "/log/checkpoint"
        ? { status: 200, headers: {}, body: olderCheckpoint }
        : undefined;
    const run = await download(home, "1.0.0");
    expect(run.code).toBe(EXIT.unproven);
    expect(run.stderr).toBe(
      `error: ${proxyUrl}'s transparency log went back from 2 entries, which this machine saw, to 1: the registry rolled its history back, or is showing this machine an older one\n`,
    );
    expect(run.written).toEqual([]);
  });

  it("refuses a forked log: the same key, another history", async () => {
    const home = await machineThatTrustsTheRegistry();
    upstream = other.url;
    const run = await download(home, "1.2.0");
    expect(run.code).toBe(EXIT.unproven);
    expect(run.stderr).toBe(
      `error: ${proxyUrl}'s transparency log of 3 entries does not extend the 2 this machine saw before: the registry forked or rewrote its history, and shows different users different versions\n`,
    );
    expect(run.written).toEqual([]);

    // A machine that never saw the first history cannot tell, but an audit against one that did can.
    const fresh = scratch("home-");
    expect((await download(fresh, "1.2.0")).code).toBe(0);
    upstream = honest.url;
    const audit = await runCli(["--registry", proxyUrl, "log", "verify"], { home: fresh });
    expect(audit.code).toBe(EXIT.unproven);
    expect(audit.stderr).toContain("went back from 3 entries");
  });

  it("refuses an install whose bundle the log does not hold, writing nothing", async () => {
    const home = await machineThatTrustsTheRegistry();
    const app = scratch("app-");
    const outline = {
      type: "application",
      platform: "node",
      "source-directories": ["src"],
      "gren-version": "0.6.3",
      dependencies: { direct: { "acme/widgets": "1.1.0" }, indirect: {} },
    };
    mkdirSync(join(app, "src"));
    writeFileSync(join(app, "gren.json"), `${JSON.stringify(outline, null, 2)}\n`);
    lie = async (request, url) => {
      const answer = await forward(url, request);
      if (path(request) === "/log/proof/inclusion") {
        const proof = JSON.parse(new TextDecoder().decode(answer.body as Uint8Array));
        return json({
          ...proof,
          hashes: proof.hashes.map(() => Buffer.alloc(32).toString("base64")),
        });
      }
      return answer;
    };
    const run = await runCli(["--registry", proxyUrl, "install", "--dir", app], { home });
    expect(run.code).toBe(EXIT.unproven);
    expect(run.stderr).toContain(
      "error: refusing acme/widgets 1.1.0: the registry's transparency log does not prove it (entry 1 is not in the tree of 2 entries the registry signed)",
    );
    expect(readdirSync(join(app, "gren_packages"))).toEqual([]);
    expect(JSON.parse(readFileSync(join(app, "gren.json"), "utf8"))).toEqual(outline);
  });
});

describe("log verify", () => {
  it("recomputes the whole log and finds it matches every checkpoint kept", async () => {
    const home = await machineThatTrustsTheRegistry();
    const run = await runCli(["--registry", proxyUrl, "log", "verify", "--json"], { home });
    expect(run.code, run.stderr).toBe(0);
    const audit = JSON.parse(run.stdout);
    const note = await (await fetch(`${honest.url}/log/checkpoint`)).text();
    const key = parseVerifierKey((await (await fetch(`${honest.url}/log/key`)).text()).trim());
    if (!key.ok) throw new Error(key.error);
    const opened = openNote(note, key.value);
    const checkpoint = opened.ok ? parseCheckpoint(opened.value) : undefined;
    expect(audit).toEqual({
      registry: proxyUrl,
      key: key.value.text,
      entries: 2,
      publishes: 2,
      revokes: 0,
      private: 0,
      root: checkpoint?.ok ? Buffer.from(checkpoint.value.root).toString("base64") : "?",
      checkpointsChecked: 1,
    });
  });

  it("fails when an entry served is not the one signed", async () => {
    const home = await machineThatTrustsTheRegistry();
    lie = async (request, url) => {
      const answer = await forward(url, request);
      if (path(request) !== "/log/entries") return answer;
      const entries = JSON.parse(new TextDecoder().decode(answer.body as Uint8Array));
      const entry = decodeEntry(new Uint8Array(Buffer.from(entries[0].entry, "base64")));
      if (!entry.ok || entry.value.kind !== "publish") throw new Error("not a publish entry");
      entries[0].entry = Buffer.from(
        encodeEntry({ ...entry.value, size: entry.value.size + 1 }),
      ).toString("base64");
      return json(entries);
    };
    const run = await runCli(["--registry", proxyUrl, "log", "verify"], { home });
    expect(run.code).toBe(EXIT.unproven);
    expect(run.stderr).toBe(
      `error: the 2 entries ${proxyUrl} serves do not make the tree its checkpoint signed: the entries were altered\n`,
    );
  });
});
