import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/host/config.ts";
import { parseCheckpoint } from "../../src/log/checkpoint.ts";
import {
  generateSignerKey,
  openNote,
  parseSignerKey,
  parseVerifierKey,
} from "../../src/log/note.ts";
import { createIdentity, publish } from "../support/publishing.ts";
import { call, login, startRegistry, type TestRegistry } from "../support/registry.ts";
import { scratchDirectories } from "../support/scratch.ts";

const scratch = scratchDirectories();

// The log over HTTP: its key and checkpoints, how they are kept, and the
// answers to bad questions.

let registry: TestRegistry;
const logLines: string[] = [];
const logStream = new Writable({
  write(chunk, _encoding, done) {
    logLines.push(String(chunk));
    done();
  },
});

beforeAll(async () => {
  registry = await startRegistry(
    { REGISTRY_PUBLIC_URL: "https://registry.example.org" },
    { logStream },
  );
  const token = await login(registry, "alice@example.com");
  await createIdentity(registry, token, "acme");
  for (const version of ["1.0.0", "1.1.0", "1.2.0"])
    await publish(registry, token, "acme/widgets", version);
});
afterAll(async () => {
  await registry.close();
});

const text = async (url: string, path: string) => {
  const response = await fetch(url + path);
  return { status: response.status, headers: response.headers, body: await response.text() };
};

describe("the log's key and checkpoints", () => {
  it("are made on first start, the key kept beside the database with a warning to back it up", async () => {
    const keyFile = join(registry.dir, "transparency-log.key");
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const signer = parseSignerKey(readFileSync(keyFile, "utf8"));
    if (!signer.ok) throw new Error(signer.error);
    const key = await text(registry.url, "/log/key");
    expect(key.status).toBe(200);
    expect(key.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(key.body).toBe(`${signer.value.text}\n`);
    expect(signer.value.name).toBe("registry.example.org");
    const warning = logLines.map((line) => JSON.parse(line)).find((line) => line.level === 40);
    expect(warning?.msg).toContain(
      `Generated a new signing key for the registry's transparency log in ${keyFile}. BACK IT UP`,
    );
  });

  it("sign the tree as it stands, and keep the newest checkpoint in a file beside the key", async () => {
    const note = await text(registry.url, "/log/checkpoint");
    expect(note.status).toBe(200);
    expect(note.headers.get("cache-control")).toBe("no-cache");
    const verifier = parseVerifierKey((await text(registry.url, "/log/key")).body);
    if (!verifier.ok) throw new Error(verifier.error);
    const opened = openNote(note.body, verifier.value);
    if (!opened.ok) throw new Error(opened.error);
    expect(parseCheckpoint(opened.value)).toMatchObject({
      ok: true,
      value: { origin: "registry.example.org", size: 3 },
    });
    expect(opened.value.split("\n")[0]).toBe("registry.example.org");
    expect(readFileSync(join(registry.dir, "transparency-log.checkpoint"), "utf8")).toBe(note.body);
  });

  it("use the key the environment gives, writing no key file", async () => {
    const dir = scratch("registry-");
    const given = generateSignerKey("registry.example.org");
    const other = await startRegistry({ REGISTRY_LOG_SIGNING_KEY: given }, { dir });
    try {
      const signer = parseSignerKey(given);
      expect((await text(other.url, "/log/key")).body).toBe(
        `${signer.ok ? signer.value.text : ""}\n`,
      );
      expect(existsSync(join(dir, "transparency-log.key"))).toBe(false);
      expect(existsSync(join(dir, "transparency-log.checkpoint"))).toBe(true);
    } finally {
      await other.close();
    }
    expect(loadConfig({ REGISTRY_LOG_SIGNING_KEY: "PRIVATE+KEY+nonsense" })).toEqual({
      ok: false,
      error: [
        "REGISTRY_LOG_SIGNING_KEY must be a signed-note signer key (PRIVATE+KEY+name+hash+key): a signer key is written PRIVATE+KEY+name+hash+key.",
      ],
    });
  });

  it("carry on across a restart with the same key and the same tree", async () => {
    const dir = scratch("registry-");
    const first = await startRegistry({}, { dir });
    const token = await login(first, "bob@example.com");
    await createIdentity(first, token, "bobs");
    await publish(first, token, "bobs/thing", "1.0.0");
    const before = {
      key: await text(first.url, "/log/key"),
      note: await text(first.url, "/log/checkpoint"),
    };
    await first.close();
    const second = await startRegistry({}, { dir });
    try {
      expect((await text(second.url, "/log/key")).body).toBe(before.key.body);
      expect((await text(second.url, "/log/checkpoint")).body).toBe(before.note.body);
      await publish(second, await login(second, "bob@example.com"), "bobs/thing", "1.1.0");
      const proof = await call(second, "GET", "/log/proof/consistency?from=1&to=2");
      expect(proof.status).toBe(200);
    } finally {
      await second.close();
    }
  });
});

describe("the log's answers", () => {
  it("are cacheable forever when they can never change", async () => {
    const forever = "public, max-age=31536000, immutable";
    expect(
      (await call(registry, "GET", "/log/entries?start=0&end=3")).headers.get("cache-control"),
    ).toBe(forever);
    expect(
      (await call(registry, "GET", "/log/entries?start=0&end=10")).headers.get("cache-control"),
    ).toBe("no-cache");
    expect(
      (await call(registry, "GET", "/log/proof/inclusion?index=1&treeSize=3")).headers.get(
        "cache-control",
      ),
    ).toBe(forever);
    expect(
      (await call(registry, "GET", "/log/proof/consistency?from=1&to=3")).headers.get(
        "cache-control",
      ),
    ).toBe(forever);
    const byVersion = await call(
      registry,
      "GET",
      "/log/proof/inclusion?package=acme/widgets&version=1.1.0",
    );
    expect(byVersion.headers.get("cache-control")).toBe("no-cache");
    expect(byVersion.body).toMatchObject({ index: 1, treeSize: 3 });
    const pinned = await call(
      registry,
      "GET",
      "/log/proof/inclusion?package=acme/widgets&version=1.1.0&treeSize=2",
    );
    expect(pinned.headers.get("cache-control")).toBe(forever);
    expect(pinned.body).toMatchObject({ index: 1, treeSize: 2 });
  });

  it("answer bad questions with 400 and a sentence", async () => {
    const cases: [string, string][] = [
      ["/log/entries?start=2&end=1", "end must not be below start."],
      [
        "/log/entries?start=0&end=1001",
        "A page holds at most 1000 entries; ask for end at most start + 1000.",
      ],
      ["/log/entries?start=x&end=1", ""],
      ["/log/entries", ""],
      ["/log/proof/inclusion", "Ask for an inclusion proof either by package and version"],
      [
        "/log/proof/inclusion?package=acme/widgets&version=1.0.0&index=0",
        "Ask for an inclusion proof either",
      ],
      ["/log/proof/inclusion?index=0", "An inclusion proof by index needs treeSize too."],
      ["/log/proof/inclusion?index=3&treeSize=3", "index must be below treeSize (3)."],
      [
        "/log/proof/inclusion?index=0&treeSize=9",
        "treeSize 9 is beyond the log, which holds 3 entries.",
      ],
      ["/log/proof/inclusion?package=acme&version=1.0.0", "package must be author/project"],
      [
        "/log/proof/inclusion?package=acme/widgets&version=1.2.0&treeSize=2",
        "acme/widgets 1.2.0 is entry 2, which a tree of 2 entries does not hold yet",
      ],
      ["/log/proof/consistency?from=3&to=1", "from must not be above to."],
      ["/log/proof/consistency?from=1&to=4", "to 4 is beyond the log, which holds 3 entries."],
      ["/log/proof/consistency?from=-1&to=2", ""],
    ];
    for (const [path, message] of cases) {
      const answer = await call(registry, "GET", path);
      expect(answer.status, path).toBe(400);
      expect(answer.body.code, path).toBe("invalid_request");
      expect(answer.body.message, path).toContain(message);
    }
    const missing = await call(
      registry,
      "GET",
      "/log/proof/inclusion?package=acme/widgets&version=9.9.9",
    );
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      code: "not_found",
      message: "acme/widgets has no version 9.9.9.",
    });
  });

  it("open a private package's entry to its members only, however often they ask", async () => {
    const token = await login(registry, "alice@example.com");
    await publish(registry, token, "acme/secret", "1.0.0", { private: true });
    const size = Number((await text(registry.url, "/log/checkpoint")).body.split("\n")[1]);
    const path = `/log/proof/inclusion?package=acme/secret&version=1.0.0&treeSize=${size}`;
    for (let i = 0; i < 2; i++) {
      const member = await call(registry, "GET", path, { token });
      expect(member.status).toBe(200);
      expect(member.headers.get("cache-control")).toBe("private, no-cache");
      expect(member.body).toHaveProperty("opening");
      const outsider = await call(registry, "GET", path);
      expect(outsider.status).toBe(404);
      expect(outsider.body.code).toBe("not_found");
    }
    const logged = await call<{ entry: string }[]>(
      registry,
      "GET",
      `/log/entries?start=${size - 1}&end=${size}`,
    );
    expect(Buffer.from(logged.body[0]!.entry, "base64").toString()).toMatch(
      /^\{"kind":"private","commitment":"[0-9a-f]{64}"\}$/,
    );
  });
});
