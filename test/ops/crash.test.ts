import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { makeBundle, packageOutline, sourcesFor } from "../support/bundles.ts";
import { download, sha256 } from "../support/publishing.ts";
import { call, latestCode, type TestRegistry, temporaryDir } from "../support/registry.ts";
import { type ServerProcess, startServerProcess } from "../support/serverProcess.ts";

const running: ServerProcess[] = [];
afterEach(() => {
  for (const server of running.splice(0)) server.child.kill("SIGKILL");
});

async function start(dir: string): Promise<TestRegistry & { process: ServerProcess }> {
  const env = {
    REGISTRY_DB_PATH: join(dir, "registry.db"),
    REGISTRY_MAIL_OUTBOX: join(dir, "outbox.jsonl"),
  };
  const server = await startServerProcess(env);
  running.push(server);
  return {
    url: server.url,
    dir,
    dbPath: env.REGISTRY_DB_PATH,
    outbox: env.REGISTRY_MAIL_OUTBOX,
    process: server,
  } as TestRegistry & { process: ServerProcess };
}

/** A bundle of about 100 KB that does not compress, so each publish writes real pages. */
function bigBundle(version: string): Uint8Array {
  const outline = packageOutline({ name: "acme/crash", version });
  const sources = sourcesFor(outline);
  sources.Widgets = `${sources.Widgets}\n{- ${randomBytes(75_000).toString("base64")} -}\n`;
  return makeBundle({ outline, sources });
}

describe("a server killed in the middle of publishing", () => {
  it("keeps every version it acknowledged, byte for byte, and no version half-present", async () => {
    const dir = temporaryDir();
    const first = await start(dir);
    await call(first, "POST", "/session", { json: { email: "alice@example.com" } });
    const fetchToken = (
      await call<{ fetchSessionToken: string }>(first, "POST", "/session", {
        json: { email: "alice@example.com" },
      })
    ).body.fetchSessionToken;
    const session = await call<{ sessionToken: string }>(first, "POST", "/session/fetch", {
      json: {
        fetchSessionToken: fetchToken,
        emailConfirmationCode: latestCode(first.outbox, "alice@example.com"),
      },
    });
    const token = session.body.sessionToken;
    await call(first, "POST", "/publishing-identity", { token, json: { name: "acme" } });

    const acknowledged = new Map<string, Uint8Array>();
    const attempted = new Map<string, Uint8Array>();
    let killed = false;
    // Four publishers at once; the server is killed once twenty versions are in.
    const publisher = async (lane: number) => {
      for (let i = 0; !killed; i++) {
        const version = `${lane}.${i}.0`;
        const bytes = bigBundle(version);
        attempted.set(version, bytes);
        try {
          const response = await fetch(`${first.url}/packages/acme/crash/${version}`, {
            method: "PUT",
            headers: { authorization: `Bearer ${token}`, "content-type": "application/gzip" },
            body: bytes as BodyInit,
          });
          if (response.status === 201) acknowledged.set(version, bytes);
          if (acknowledged.size >= 20 && !killed) {
            killed = true;
            first.process.child.kill("SIGKILL");
          }
        } catch {
          return; // the connection died with the server
        }
      }
    };
    await Promise.all([1, 2, 3, 4].map(publisher));
    expect(await first.process.exited).toBeNull();
    expect(acknowledged.size).toBeGreaterThanOrEqual(20);

    const second = await start(dir);
    const listed = await call<{ versions: { version: string; sha256: string; size: number }[] }>(
      second,
      "GET",
      "/packages/acme/crash",
    );
    const present = new Map(listed.body.versions.map((v) => [v.version, v]));
    for (const [version, bytes] of acknowledged) {
      const fetched = await download(second, `/packages/acme/crash/${version}/bundle`);
      expect(fetched.status).toBe(200);
      expect(sha256(fetched.bytes)).toBe(sha256(bytes));
      expect(present.get(version)?.sha256).toBe(sha256(bytes));
    }
    // A version that was in flight is either wholly there or not there at all.
    for (const [version, meta] of present) {
      const fetched = await download(second, `/packages/acme/crash/${version}/bundle`);
      expect(fetched.status).toBe(200);
      expect(sha256(fetched.bytes)).toBe(meta.sha256);
      expect(fetched.bytes).toEqual(attempted.get(version));
    }
    const feed = await call<{ events: { version: string }[] }>(
      second,
      "GET",
      "/feed?since=0&limit=1000",
    );
    expect(feed.body.events.map((e) => e.version).sort()).toEqual([...present.keys()].sort());
  });
});
