import { describe, expect, it } from "vitest";
import { until } from "../support/cli.ts";
import { publish } from "../support/publishing.ts";
import { call, login, startRegistry, temporaryDir } from "../support/registry.ts";
import { startReceiver } from "../support/webhookReceiver.ts";

const SECRET = "a-shared-webhook-secret";

function webhookEnv(urls: string[]) {
  return {
    REGISTRY_WEBHOOK_URLS: urls.join(","),
    REGISTRY_WEBHOOK_SECRET: SECRET,
    REGISTRY_WEBHOOK_RETRY_MS: "50",
  };
}

describe("webhooks", () => {
  it("deliver every event, signed, despite failures and a restart of the registry", async () => {
    // The receiver fails its first five requests.
    const receiver = await startReceiver(SECRET, (attempt) => (attempt < 5 ? 500 : 200));
    const dir = temporaryDir();
    const first = await startRegistry(webhookEnv([receiver.url]), { dir, systemClock: true });
    const token = await login(first, "alice@example.com");
    await call(first, "POST", "/publishing-identity", { token, json: { name: "acme" } });
    await publish(first, token, "acme/hooked", "1.0.0");
    await publish(first, token, "acme/hooked", "1.1.0");
    await publish(first, token, "acme/secret", "1.0.0", { private: true });
    await until(() => (receiver.attempts() >= 2 ? true : undefined), "the first failed attempts");
    await first.close();
    // Nothing has got through yet: what was queued must survive the restart.
    expect(receiver.delivered).toEqual([]);

    const second = await startRegistry(webhookEnv([receiver.url]), { dir, systemClock: true });
    await call(second, "DELETE", "/packages/acme/hooked/1.0.0", {
      token,
      json: { reason: "Broken" },
    });
    await until(
      () => (receiver.delivered.length >= 3 ? true : undefined),
      "every delivery",
      20_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));

    const feed = await call<{ events: { seq: number }[] }>(second, "GET", "/feed?since=0");
    const bySeq = [...new Map(receiver.delivered.map((d) => [d.body.seq, d])).values()].sort(
      (a, b) => a.body.seq - b.body.seq,
    );
    expect(bySeq.map((d) => d.body)).toEqual(feed.body.events);
    expect(bySeq.map((d) => [d.body.type, d.body.name, d.body.version])).toEqual([
      ["published", "acme/hooked", "1.0.0"],
      ["published", "acme/hooked", "1.1.0"],
      ["revoked", "acme/hooked", "1.0.0"],
    ]);
    expect(receiver.delivered.every((d) => d.signatureValid)).toBe(true);
    expect(receiver.attempts()).toBeGreaterThan(5);

    await second.close();
    await receiver.close();
  });

  it("keep delivering to a healthy URL while another keeps failing, and show operators the state", async () => {
    const healthy = await startReceiver(SECRET, () => 204);
    const broken = await startReceiver(SECRET, () => 503);
    const registry = await startRegistry(
      { ...webhookEnv([broken.url, healthy.url]), REGISTRY_OPERATOR_EMAILS: "op@example.com" },
      { systemClock: true },
    );
    const token = await login(registry, "op@example.com");
    await call(registry, "POST", "/publishing-identity", { token, json: { name: "gren-lang" } });
    for (const version of ["1.0.0", "1.1.0", "1.2.0"])
      await publish(registry, token, "gren-lang/core", version);
    await until(
      () => (healthy.delivered.length === 3 ? true : undefined),
      "the healthy URL's deliveries",
    );
    await until(() => (broken.attempts() >= 6 ? true : undefined), "retries to the broken URL");

    const status = await call<{
      webhooks: {
        url: string;
        delivered: number;
        pending: number;
        failing: number;
        lastError: string | null;
      }[];
    }>(registry, "GET", "/feed/webhooks", { token });
    expect(status.status).toBe(200);
    expect(status.body.webhooks).toEqual([
      expect.objectContaining({
        url: broken.url,
        delivered: 0,
        pending: 3,
        failing: 3,
        lastError: "the receiver answered 503",
      }),
      expect.objectContaining({ url: healthy.url, delivered: 3, pending: 0, failing: 0 }),
    ]);

    const outsider = await login(registry, "someone@example.com");
    expect(await call(registry, "GET", "/feed/webhooks", { token: outsider })).toMatchObject({
      status: 403,
      body: { code: "forbidden" },
    });

    await registry.close();
    await healthy.close();
    await broken.close();
  });
});
