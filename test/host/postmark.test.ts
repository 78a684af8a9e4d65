import { afterEach, describe, expect, it } from "vitest";
import { postmarkMailer } from "../../src/host/mail/postmark.ts";
import { startFakePostmark } from "../support/fakePostmark.ts";
import { call, startRegistry, type TestRegistry } from "../support/registry.ts";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

async function fake(...args: Parameters<typeof startFakePostmark>) {
  const postmark = await startFakePostmark(...args);
  closers.push(postmark.close);
  return postmark;
}

async function registryUsing(postmarkUrl: string): Promise<TestRegistry> {
  const registry = await startRegistry({
    POSTMARK_SERVER_TOKEN: "server-token-123",
    POSTMARK_API_URL: postmarkUrl,
    REGISTRY_MAIL_FROM: "registry@gren-lang.org",
  });
  closers.push(registry.close);
  return registry;
}

describe("the Postmark mailer", () => {
  it("sends the exact request Postmark's API expects", async () => {
    const postmark = await fake();
    const mailer = postmarkMailer({
      serverToken: "server-token-123",
      from: "registry@gren-lang.org",
      apiUrl: postmark.url,
    });
    const result = await mailer.send({
      to: "me@example.com",
      subject: "Hello",
      textBody: "Your confirmation code is: ABCDEFGH\n",
    });
    expect(result).toEqual({ ok: true });
    expect(postmark.received).toHaveLength(1);
    const [request] = postmark.received;
    expect(request!.method).toBe("POST");
    expect(request!.path).toBe("/email");
    expect(request!.headers["x-postmark-server-token"]).toBe("server-token-123");
    expect(request!.headers["content-type"]).toMatch(/^application\/json/);
    expect(request!.headers.accept).toMatch(/application\/json/);
    expect(request!.body).toEqual({
      From: "registry@gren-lang.org",
      To: "me@example.com",
      Subject: "Hello",
      TextBody: "Your confirmation code is: ABCDEFGH\n",
      MessageStream: "outbound",
    });
  });

  it("reports Postmark's refusal as a failed send", async () => {
    const postmark = await fake(() => ({
      status: 401,
      body: {
        ErrorCode: 10,
        Message:
          "The Server Token you provided in the X-Postmark-Server-Token request header was invalid.",
      },
    }));
    const mailer = postmarkMailer({
      serverToken: "bad",
      from: "r@gren-lang.org",
      apiUrl: postmark.url,
    });
    const result = await mailer.send({ to: "me@example.com", subject: "s", textBody: "t" });
    expect(result.ok).toBe(false);
  });

  it("reports an unreachable Postmark as a failed send", async () => {
    const mailer = postmarkMailer({
      serverToken: "t",
      from: "r@gren-lang.org",
      apiUrl: "http://127.0.0.1:9",
    });
    expect((await mailer.send({ to: "me@example.com", subject: "s", textBody: "t" })).ok).toBe(
      false,
    );
  });
});

describe("logging in with mail sent through Postmark", () => {
  it("delivers the code through Postmark, and the code logs the user in", async () => {
    const postmark = await fake();
    const registry = await registryUsing(postmark.url);
    const started = await call<{ fetchSessionToken: string }>(registry, "POST", "/session", {
      json: { email: "nora@example.com" },
    });
    expect(started.status).toBe(200);
    expect(postmark.received).toHaveLength(1);
    const mail = postmark.received[0]!.body;
    expect(mail.To).toBe("nora@example.com");
    const code = /^Your confirmation code is: (\S+)$/m.exec(String(mail.TextBody))?.[1];
    const fetched = await call(registry, "POST", "/session/fetch", {
      json: { fetchSessionToken: started.body.fetchSessionToken, emailConfirmationCode: code },
    });
    expect(fetched.status).toBe(200);
  });

  it("answers 502 when the mail cannot be sent, and leaves no usable login behind", async () => {
    const postmark = await fake(() => ({ status: 500, body: { ErrorCode: 1, Message: "down" } }));
    const registry = await registryUsing(postmark.url);
    const answer = await call(registry, "POST", "/session", {
      json: { email: "olga@example.com" },
    });
    expect(answer.status).toBe(502);
    expect(answer.body).toEqual({
      code: "mail_failed",
      message: expect.stringMatching(/could not be sent/),
    });
    expect(answer.body).not.toHaveProperty("fetchSessionToken");

    // The code that was generated is in the request Postmark refused; it must not work.
    const code = /^Your confirmation code is: (\S+)$/m.exec(
      String(postmark.received[0]!.body.TextBody),
    )?.[1];
    expect(code).toBeDefined();
    const { DatabaseSync } = await import("node:sqlite");
    const db = new DatabaseSync(registry.dbPath, { readOnly: true });
    expect(db.prepare("SELECT count(*) AS n FROM fetch_tokens").get()).toEqual({ n: 0 });
    db.close();
  });
});
