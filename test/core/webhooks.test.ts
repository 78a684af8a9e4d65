import { describe, expect, it } from "vitest";
import {
  DEFAULT_WEBHOOK_POLICY,
  deliverDue,
  enqueueDeliveries,
  retryDelay,
  type WebhookPolicy,
  webhookStatus,
} from "../../src/core/webhooks.ts";
import { nodeDigest } from "../../src/host/digest.ts";
import { packageBundle } from "../support/bundles.ts";
import {
  anIdentity,
  aUser,
  type FakePorts,
  fakePorts,
  publishAs,
  versionAt,
} from "../support/fakePorts.ts";

const URL = "https://site.example/hook";
const policy: WebhookPolicy = {
  ...DEFAULT_WEBHOOK_POLICY,
  urls: [URL],
  secret: "s3cret",
  firstRetryMs: 1000,
  maxDelayMs: 8000,
  maxAttempts: 6,
};

async function withOneEvent(): Promise<FakePorts> {
  const ports = fakePorts();
  const owner = aUser(ports, "owner@example.com");
  anIdentity(ports, "acme", owner);
  // A URL starts with the events after it was first seen.
  enqueueDeliveries(ports.db, policy.urls, ports.clock.now());
  await publishAs(ports, owner, versionAt("acme/widgets", "1.0.0"), {
    bytes: packageBundle({ name: "acme/widgets", version: "1.0.0" }),
    limits: { maxUnpackedBytes: 1 << 20, kernelIdentities: [] },
  });
  enqueueDeliveries(ports.db, policy.urls, ports.clock.now());
  return ports;
}

const statusOf = (ports: FakePorts) => {
  const owner = aUser(ports, "owner@example.com");
  const status = webhookStatus(ports.db, owner, { identity: "acme", urls: [URL] });
  if (!status.ok) throw new Error(JSON.stringify(status.error));
  return status.value[0]!;
};

describe("webhook deliveries, as a rule of the core", () => {
  it("post each event once, signed with the secret", async () => {
    const ports = await withOneEvent();
    expect(await deliverDue(ports, policy)).toBe(1);
    expect(await deliverDue(ports, policy)).toBe(0);
    const [request] = ports.http.posted;
    expect(JSON.parse(request!.body)).toMatchObject({ seq: 1, type: "published" });
    expect(request!.headers["x-registry-signature"]).toBe(
      `sha256=${nodeDigest.hmacSha256("s3cret", request!.body)}`,
    );
    expect(statusOf(ports)).toMatchObject({ delivered: 1, pending: 0 });
  });

  it("retry a failure after a delay that doubles, up to its cap", async () => {
    expect([1, 2, 3, 4, 5, 6].map((attempt) => retryDelay(policy, attempt))).toEqual([
      1000, 2000, 4000, 8000, 8000, 8000,
    ]);
    const ports = await withOneEvent();
    ports.http.answers = [
      { ok: true, status: 500 },
      { ok: false, error: "refused" },
      { ok: true, status: 204 },
    ];
    expect(await deliverDue(ports, policy)).toBe(1);
    ports.clock.advance(999);
    expect(await deliverDue(ports, policy)).toBe(0);
    ports.clock.advance(1);
    expect(await deliverDue(ports, policy)).toBe(1);
    expect(statusOf(ports)).toMatchObject({ failing: 1, lastError: "refused" });
    ports.clock.advance(2000);
    expect(await deliverDue(ports, policy)).toBe(1);
    expect(statusOf(ports)).toMatchObject({ delivered: 1, failing: 0, pending: 0 });
  });

  it("give up after the last attempt, and say so to operators", async () => {
    const ports = await withOneEvent();
    ports.http.answers = [{ ok: true, status: 503 }];
    for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
      expect(await deliverDue(ports, policy)).toBe(1);
      ports.clock.advance(policy.maxDelayMs);
    }
    expect(await deliverDue(ports, policy)).toBe(0);
    expect(statusOf(ports)).toMatchObject({
      gaveUp: 1,
      pending: 0,
      lastError: "the receiver answered 503",
    });
    expect(ports.http.posted).toHaveLength(policy.maxAttempts);
  });
});
