import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { until } from "../support/cli.ts";
import { publish } from "../support/publishing.ts";
import { call, login, startRegistry, type TestRegistry } from "../support/registry.ts";

let registry: TestRegistry;
let token: string;

interface FeedEvent {
  seq: number;
  type: string;
  name: string;
  version: string;
  at: string;
}

beforeAll(async () => {
  registry = await startRegistry({ REGISTRY_LIVE_PING_MS: "100" });
  token = await login(registry, "alice@example.com");
  await call(registry, "POST", "/publishing-identity", { token, json: { name: "acme" } });
});
afterAll(async () => {
  await registry.close();
});

const revoke = (name: string, version: string) =>
  call(registry, "DELETE", `/packages/${name}/${version}`, { token, json: { reason: "Test" } });

async function wholeFeed(): Promise<FeedEvent[]> {
  const events: FeedEvent[] = [];
  let since = 0;
  for (;;) {
    const page = await call<{ events: FeedEvent[]; next: number }>(
      registry,
      "GET",
      `/feed?since=${since}&limit=3`,
    );
    events.push(...page.body.events);
    if (page.body.events.length === 0) return events;
    since = page.body.next;
  }
}

function follow(since?: number) {
  const received: FeedEvent[] = [];
  const socket = new WebSocket(
    `${registry.url.replace("http", "ws")}/feed/live${since === undefined ? "" : `?since=${since}`}`,
  );
  socket.on("message", (data) => received.push(JSON.parse(String(data))));
  const opened = new Promise<void>((resolve, reject) => {
    socket.on("open", () => resolve());
    socket.on("error", reject);
  });
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  return { socket, received, opened, closed };
}

describe("the change feed", () => {
  it("pages through published and revoked events in order, without private packages", async () => {
    await publish(registry, token, "acme/first", "1.0.0");
    await publish(registry, token, "acme/hidden", "1.0.0", { private: true });
    await publish(registry, token, "acme/first", "1.1.0");
    await revoke("acme/first", "1.0.0");
    await revoke("acme/hidden", "1.0.0");
    const events = await wholeFeed();
    expect(events.map((e) => [e.type, e.name, e.version])).toEqual([
      ["published", "acme/first", "1.0.0"],
      ["published", "acme/first", "1.1.0"],
      ["revoked", "acme/first", "1.0.0"],
    ]);
    // The public sequence has no gaps where private changes happened.
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual([1, 2, 3]);
    for (const event of events) expect(event.at).toMatch(/Z$/);

    const end = await call<{ events: FeedEvent[]; next: number }>(
      registry,
      "GET",
      `/feed?since=${seqs.at(-1)}`,
    );
    expect(end.body.events).toEqual([]);
    // Nor does `next` move when only private things happened since.
    expect(end.body.next).toBe(seqs.at(-1));
    await publish(registry, token, "acme/hidden", "1.1.0", { private: true });
    const after = await call<{ events: FeedEvent[]; next: number }>(
      registry,
      "GET",
      `/feed?since=${seqs.at(-1)}`,
    );
    expect(after.body).toEqual({ events: [], next: seqs.at(-1) });
  });

  it("refuses a since or limit that is not a number", async () => {
    expect(await call(registry, "GET", "/feed?since=abc")).toMatchObject({
      status: 400,
      body: { code: "invalid_request" },
    });
    expect(await call(registry, "GET", "/feed?limit=0")).toMatchObject({
      status: 400,
      body: { code: "invalid_request" },
    });
  });
});

describe("the live feed", () => {
  it("replays from since=0 and then streams, each event exactly once and in order, across the hand-over", async () => {
    const versions = Array.from({ length: 60 }, (_, i) => `1.${i}.0`);
    let written = 0;
    // Publishing and revoking goes on while the client connects and replays.
    const writer = (async () => {
      for (const [i, version] of versions.entries()) {
        await publish(registry, token, "acme/stream", version);
        if (i % 5 === 4) await revoke("acme/stream", version);
        written++;
      }
    })();
    await until(() => (written >= 10 ? true : undefined), "some events to be written");
    const client = follow(0);
    await client.opened;
    expect(written).toBeLessThan(versions.length);
    await writer;
    const expected = await wholeFeed();
    await until(
      () => (client.received.at(-1)?.seq === expected.at(-1)!.seq ? true : undefined),
      "the client to receive the last event",
    );
    expect(client.received).toEqual(expected);
    client.socket.close();
    await client.closed;
  });

  it("without since, sends only what happens after connecting", async () => {
    const client = follow();
    await client.opened;
    await new Promise((resolve) => setTimeout(resolve, 50));
    await publish(registry, token, "acme/later", "1.0.0");
    await until(() => (client.received.length > 0 ? true : undefined), "the new event");
    expect(client.received.map((e) => [e.name, e.version])).toEqual([["acme/later", "1.0.0"]]);
    client.socket.close();
  });

  it("drops a client that stops answering pings, without affecting others", async () => {
    const dead = follow();
    const alive = follow();
    await Promise.all([dead.opened, alive.opened]);
    // Stop reading: the client's pongs stop, as a hung or vanished client's would.
    (dead.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    await new Promise((resolve) => setTimeout(resolve, 500));
    (dead.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    await dead.closed;

    await publish(registry, token, "acme/after-drop", "1.0.0");
    await until(
      () => (alive.received.some((e) => e.name === "acme/after-drop") ? true : undefined),
      "the healthy client's event",
    );
    expect(dead.received.some((e) => e.name === "acme/after-drop")).toBe(false);
    alive.socket.close();
  });
});
