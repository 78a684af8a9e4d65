import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageBundle } from "../support/bundles.ts";
import { putBundle } from "../support/publishing.ts";
import { call, login, startRegistry, type TestRegistry } from "../support/registry.ts";

// Uploads cannot hold the server: refusals come before the body is read, slow
// bodies are cut, and uploads in flight are bounded overall and per user.

let registry: TestRegistry;
let token: string;
let other: string;
const MIB = 1024 * 1024;

beforeAll(async () => {
  registry = await startRegistry({
    REGISTRY_UPLOAD_TIMEOUT_SECONDS: "3",
    REGISTRY_UPLOAD_MIN_BYTES_PER_SECOND: "1024",
    REGISTRY_UPLOADS_PER_USER: "1",
    REGISTRY_UPLOADS_IN_FLIGHT: "2",
  });
  token = await login(registry, "uploader@example.com");
  other = await login(registry, "other@example.com");
  await call(registry, "POST", "/publishing-identity", { token, json: { name: "acme" } });
  await call(registry, "PUT", "/publishing-identity/acme/members/other@example.com", {
    token,
    json: { role: "publish" },
  });
});
afterAll(async () => {
  await registry.close();
});

interface RawUpload {
  socket: Socket;
  /** Everything the server answered, once it closed the connection. */
  answer: Promise<string>;
  closedAt: Promise<number>;
}

/** A PUT that declares `declared` bytes of body and sends the first `send` of them, then waits. */
function rawUpload(
  path: string,
  options: { token?: string; declared: number; send: number },
): RawUpload {
  const url = new URL(registry.url);
  const socket = connect(Number(url.port), url.hostname);
  let received = "";
  socket.on("data", (chunk) => {
    received += chunk.toString();
  });
  socket.on("error", () => {});
  const closedAt = new Promise<number>((resolve) => socket.on("close", () => resolve(Date.now())));
  socket.write(
    [
      `PUT ${path} HTTP/1.1`,
      `Host: ${url.host}`,
      "Content-Type: application/gzip",
      `Content-Length: ${options.declared}`,
      ...(options.token ? [`Authorization: Bearer ${options.token}`] : []),
      "",
      "",
    ].join("\r\n"),
  );
  const chunk = Buffer.alloc(64 * 1024, 7);
  let sent = 0;
  const pump = () => {
    while (sent < options.send && !socket.destroyed) {
      const size = Math.min(chunk.length, options.send - sent);
      sent += size;
      if (!socket.write(chunk.subarray(0, size))) {
        socket.once("drain", pump);
        return;
      }
    }
  };
  pump();
  return { socket, closedAt, answer: closedAt.then(() => received) };
}

const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
const bodyOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4));

describe("uploads", () => {
  it("from forty anonymous clients are refused at once, without reading their bodies", async () => {
    const before = process.memoryUsage().rss;
    const started = Date.now();
    const uploads = Array.from({ length: 40 }, (_, i) =>
      rawUpload(`/packages/acme/big-${i}/1.0.0`, { declared: 10 * MIB, send: 9 * MIB }),
    );
    const answers = await Promise.all(uploads.map((upload) => upload.answer));
    for (const answer of answers) {
      expect(statusOf(answer)).toBe(401);
      expect(bodyOf(answer)).toMatchObject({ code: "unauthenticated" });
    }
    // Every connection was closed by the server, promptly.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * MIB);
  });

  it("by a member without the role are refused at once too, before the body arrives", async () => {
    const stranger = await login(registry, "stranger@example.com");
    const upload = rawUpload("/packages/acme/big/1.0.0", {
      token: stranger,
      declared: 10 * MIB,
      send: 1024,
    });
    const answer = await upload.answer;
    expect(statusOf(answer)).toBe(403);
    expect(bodyOf(answer)).toMatchObject({ code: "forbidden" });
  });

  it("that stall are cut once they take longer than the deadline, with an answer", async () => {
    const upload = rawUpload("/packages/acme/stalled/1.0.0", {
      token,
      declared: 2 * MIB,
      send: 1 * MIB,
    });
    const answer = await upload.answer;
    expect(statusOf(answer)).toBe(400);
    expect(bodyOf(answer)).toMatchObject({
      code: "invalid_request",
      message: expect.stringMatching(/slower than|longer than/),
    });
  });

  it("are bounded per user and overall, with 429 and Retry-After past that", async () => {
    const first = rawUpload("/packages/acme/slow-one/1.0.0", { token, declared: MIB, send: 1024 });
    // Give the server a moment to take the first upload's slot.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const second = await putBundle(
      registry,
      token,
      "/packages/acme/widgets/1.0.0",
      packageBundle({ name: "acme/widgets", version: "1.0.0" }),
    );
    expect(second.status).toBe(429);
    expect(second.headers.get("retry-after")).toBe("5");
    expect(second.body.code).toBe("rate_limited");

    const otherFirst = rawUpload("/packages/acme/slow-two/1.0.0", {
      token: other,
      declared: MIB,
      send: 1024,
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const third = await login(registry, "third@example.com");
    await call(registry, "PUT", "/publishing-identity/acme/members/third@example.com", {
      token,
      json: { role: "publish" },
    });
    const overall = await putBundle(
      registry,
      third,
      "/packages/acme/widgets/1.0.0",
      packageBundle({ name: "acme/widgets", version: "1.0.0" }),
    );
    expect(overall.status).toBe(429);

    // Once the slow uploads are cut, their slots are free again.
    await Promise.all([first.answer, otherFirst.answer]);
    const later = await putBundle(
      registry,
      token,
      "/packages/acme/widgets/1.0.0",
      packageBundle({ name: "acme/widgets", version: "1.0.0" }),
    );
    expect(later.status).toBe(201);
  });
});
