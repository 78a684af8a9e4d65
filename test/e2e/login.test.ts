import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MINUTE } from "../../src/core/time.ts";
import {
  call,
  latestCode,
  login,
  postForm,
  sentMail,
  startRegistry,
  type TestRegistry,
} from "../support/registry.ts";
import { databaseFileText } from "../support/snapshot.ts";

let registry: TestRegistry;
beforeEach(async () => {
  // A client waiting for the link is told to ask again after a second here, not 25.
  registry = await startRegistry({ REGISTRY_LOGIN_WAIT_SECONDS: "1" });
});
afterEach(async () => {
  await registry.close();
});

const startLogin = (email: string, headers: Record<string, string> = {}) =>
  call<{ fetchSessionToken: string }>(registry, "POST", "/session", { json: { email }, headers });

const fetchSession = (fetchSessionToken: string, emailConfirmationCode: string) =>
  call<{ sessionToken: string }>(registry, "POST", "/session/fetch", {
    json: { fetchSessionToken, emailConfirmationCode },
  });

describe("logging in by an emailed code", () => {
  it("mails a code that trades for a session, which GET /user recognises", async () => {
    const started = await startLogin("  Alice@Example.COM ");
    expect(started.status).toBe(200);
    expect(started.body.fetchSessionToken).toMatch(/^[0-9a-f-]{36}$/);

    const mails = sentMail(registry.outbox);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toBe("alice@example.com");
    const code = latestCode(registry.outbox, "alice@example.com");
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);

    const fetched = await fetchSession(started.body.fetchSessionToken, code);
    expect(fetched.status).toBe(200);
    expect(fetched.body.sessionToken).toMatch(/^[0-9a-f-]{36}$/);

    const user = await call(registry, "GET", "/user", { token: fetched.body.sessionToken });
    expect(user).toMatchObject({
      status: 200,
      body: { email: "alice@example.com", identities: [] },
    });
  });

  it("reads the code case-insensitively with spaces and hyphens ignored", async () => {
    const started = await startLogin("bob@example.com");
    const code = latestCode(registry.outbox, "bob@example.com");
    const typed = ` ${code.slice(0, 4).toLowerCase()}-${code.slice(4)} `;
    expect((await fetchSession(started.body.fetchSessionToken, typed)).status).toBe(200);
  });

  it("treats differently written addresses as one user", async () => {
    const first = await login(registry, "Carol@Example.com");
    const second = await login(registry, " carol@example.COM");
    const users = await Promise.all(
      [first, second].map((token) => call(registry, "GET", "/user", { token })),
    );
    expect(users.map((u) => u.body.email)).toEqual(["carol@example.com", "carol@example.com"]);
  });

  it("rejects an address that is not one", async () => {
    for (const email of ["", "no-at-sign", "a@b", "two@@example.com", "sp ace@example.com"]) {
      const answer = await startLogin(email);
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe("invalid_request");
    }
    expect(sentMail(registry.outbox)).toHaveLength(0);
  });
});

describe("a fetch token", () => {
  const failure = {
    status: 400,
    body: { code: "invalid_request", message: expect.any(String) },
  };

  it("works only once", async () => {
    const started = await startLogin("dave@example.com");
    const code = latestCode(registry.outbox, "dave@example.com");
    expect((await fetchSession(started.body.fetchSessionToken, code)).status).toBe(200);
    expect(await fetchSession(started.body.fetchSessionToken, code)).toMatchObject(failure);
  });

  it("stops working after 15 minutes", async () => {
    const started = await startLogin("erin@example.com");
    const code = latestCode(registry.outbox, "erin@example.com");
    registry.clock.advance(15 * MINUTE);
    expect(await fetchSession(started.body.fetchSessionToken, code)).toMatchObject(failure);
  });

  it("still works just before 15 minutes have passed", async () => {
    const started = await startLogin("erin@example.com");
    const code = latestCode(registry.outbox, "erin@example.com");
    registry.clock.advance(15 * MINUTE - 1000);
    expect((await fetchSession(started.body.fetchSessionToken, code)).status).toBe(200);
  });

  it("dies after 5 wrong codes, even for the right code afterwards", async () => {
    const started = await startLogin("frank@example.com");
    const code = latestCode(registry.outbox, "frank@example.com");
    for (let attempt = 0; attempt < 5; attempt++) {
      expect(await fetchSession(started.body.fetchSessionToken, "WRONGCDE")).toMatchObject(failure);
    }
    expect(await fetchSession(started.body.fetchSessionToken, code)).toMatchObject(failure);
  });

  it("survives 4 wrong codes", async () => {
    const started = await startLogin("frank@example.com");
    const code = latestCode(registry.outbox, "frank@example.com");
    for (let attempt = 0; attempt < 4; attempt++) {
      await fetchSession(started.body.fetchSessionToken, "WRONGCDE");
    }
    expect((await fetchSession(started.body.fetchSessionToken, code)).status).toBe(200);
  });

  it("fails the same way whichever part is wrong", async () => {
    const started = await startLogin("gina@example.com");
    const code = latestCode(registry.outbox, "gina@example.com");
    const answers = [
      await fetchSession(started.body.fetchSessionToken, "AAAAAAAA"),
      await fetchSession("00000000-0000-4000-8000-000000000000", code),
      await fetchSession("not a token at all", code),
      await call(registry, "POST", "/session/fetch", { json: { fetchSessionToken: 42 } }),
    ];
    for (const answer of answers) expect(answer).toMatchObject(failure);
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
  });

  it("is not the code of another login", async () => {
    const first = await startLogin("hank@example.com");
    await startLogin("ivy@example.com");
    const ivysCode = latestCode(registry.outbox, "ivy@example.com");
    expect(await fetchSession(first.body.fetchSessionToken, ivysCode)).toMatchObject(failure);
  });
});

describe("a session", () => {
  it("stops working at once on logout", async () => {
    const token = await login(registry, "jo@example.com");
    expect((await call(registry, "DELETE", "/session", { token })).status).toBe(204);
    const after = await call(registry, "GET", "/user", { token });
    expect(after).toMatchObject({ status: 401, body: { code: "unauthenticated" } });
    expect((await call(registry, "DELETE", "/session", { token })).status).toBe(401);
  });

  it("leaves the user's other sessions alone on logout", async () => {
    const laptop = await login(registry, "kim@example.com");
    const desktop = await login(registry, "kim@example.com");
    await call(registry, "DELETE", "/session", { token: laptop });
    expect((await call(registry, "GET", "/user", { token: desktop })).status).toBe(200);
  });

  it("is required by GET /user", async () => {
    expect(await call(registry, "GET", "/user")).toMatchObject({
      status: 401,
      body: { code: "unauthenticated" },
    });
    const bogus = await call(registry, "GET", "/user", {
      token: "11111111-1111-4111-8111-111111111111",
    });
    expect(bogus).toMatchObject({ status: 401, body: { code: "unauthenticated" } });
  });
});

describe("rate limiting of login mails", () => {
  it("sends at most 5 codes to one address in 15 minutes, then answers 429 with Retry-After", async () => {
    for (let i = 0; i < 5; i++) {
      expect((await startLogin("lee@example.com")).status).toBe(200);
      registry.clock.advance(MINUTE);
    }
    const limited = await startLogin("LEE@example.com");
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe("rate_limited");
    // The first request leaves the window 15 minutes after it was made, 10 minutes from now.
    expect(limited.headers.get("retry-after")).toBe(String(10 * 60));
    expect(sentMail(registry.outbox)).toHaveLength(5);

    expect((await startLogin("someone-else@example.com")).status).toBe(200);
    registry.clock.advance(10 * MINUTE);
    expect((await startLogin("lee@example.com")).status).toBe(200);
  });

  it("allows 60 requests per client address in 15 minutes", async () => {
    for (let i = 0; i < 60; i++) {
      expect((await startLogin(`user${i}@example.com`)).status).toBe(200);
    }
    const limited = await startLogin("user60@example.com");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(sentMail(registry.outbox)).toHaveLength(60);
    registry.clock.advance(15 * MINUTE);
    expect((await startLogin("user60@example.com")).status).toBe(200);
  });
});

describe("bad requests", () => {
  it("answers malformed JSON with the contract's error body", async () => {
    const answer = await call(registry, "POST", "/session", {
      body: '{"email": ',
      headers: { "content-type": "application/json" },
    });
    expect(answer).toMatchObject({ status: 400, body: { code: "invalid_request" } });
    expect(typeof answer.body.message).toBe("string");
  });

  it("answers a body over the limit with 413", async () => {
    const answer = await call(registry, "POST", "/session", {
      json: { email: "x@example.com", padding: "x".repeat(200_000) },
    });
    expect(answer).toMatchObject({ status: 413, body: { code: "payload_too_large" } });
  });

  it("answers a missing field, a wrong type and a wrong content type with 400", async () => {
    for (const answer of [
      await call(registry, "POST", "/session", { json: {} }),
      await call(registry, "POST", "/session", { json: { email: 7 } }),
      await call(registry, "POST", "/session", {
        body: "email=x@example.com",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }),
      await call(registry, "POST", "/session"),
    ]) {
      expect(answer).toMatchObject({ status: 400, body: { code: "invalid_request" } });
      expect(answer.body.message).toMatch(/\.$/);
    }
  });

  it("answers an unknown route with 404 not_found", async () => {
    expect(await call(registry, "GET", "/no/such/thing")).toMatchObject({
      status: 404,
      body: { code: "not_found" },
    });
  });
});

describe("the database file", () => {
  it("holds no session token, fetch token or code in clear", async () => {
    const started = await startLogin("max@example.com");
    const code = latestCode(registry.outbox, "max@example.com");
    const pending = await startLogin("max@example.com");
    const pendingCode = latestCode(registry.outbox, "max@example.com");
    const fetched = await fetchSession(started.body.fetchSessionToken, code);
    const stored = databaseFileText(registry.dbPath);
    expect(stored).toContain("max@example.com");
    for (const secret of [
      fetched.body.sessionToken,
      started.body.fetchSessionToken,
      pending.body.fetchSessionToken,
      code,
      pendingCode,
    ]) {
      expect(stored).not.toContain(secret);
    }
  });
});

describe("GET /health", () => {
  it("answers ok while the database answers", async () => {
    expect(await call(registry, "GET", "/health")).toEqual(
      expect.objectContaining({ status: 200, body: { status: "ok" } }),
    );
  });
});

describe("logging in by the emailed link", () => {
  const linkFor = (email: string) => {
    const mail = sentMail(registry.outbox)
      .filter((m) => m.to === email)
      .at(-1)!;
    const [, url, token] = /(http\S+\/login\/confirm\?token=(\S+))/.exec(mail.textBody)!;
    return [url!, url!, token!] as const;
  };
  const press = (token: string) => postForm(registry, "/login/confirm", { token });

  it("mails a link beside the code, whose page confirms nothing until its button is pressed", async () => {
    const started = await startLogin("lin@example.com");
    const [, url, token] = linkFor("lin@example.com");
    expect(url).toBe(`${registry.config.publicUrl}/login/confirm?token=${token}`);
    const opened = await fetch(`${registry.url}/login/confirm?token=${token}`, {
      headers: { accept: "text/html" },
    });
    expect(opened.status).toBe(200);
    const page = await opened.text();
    expect(page).toContain("lin@example.com");
    expect(page).toContain('action="/login/confirm"');

    // A client asking without a code is told to ask again, after a bounded wait.
    const waiting = await call(registry, "POST", "/session/fetch", {
      json: { fetchSessionToken: started.body.fetchSessionToken },
    });
    expect(waiting).toMatchObject({ status: 202, body: { status: "waiting" } });
  });

  it("answers a client waiting without a code as soon as the link is confirmed", async () => {
    const started = await startLogin("wai@example.com");
    const [, , token] = linkFor("wai@example.com");
    const asked = Date.now();
    const waiting = call<{ sessionToken: string }>(registry, "POST", "/session/fetch", {
      json: { fetchSessionToken: started.body.fetchSessionToken },
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await press(token)).status).toBe(200);
    const answered = await waiting;
    expect(answered.status).toBe(200);
    expect(Date.now() - asked).toBeLessThan(5000);
    const user = await call(registry, "GET", "/user", { token: answered.body.sessionToken });
    expect(user.body).toMatchObject({ email: "wai@example.com" });
  });

  it("is closed with its login after 5 wrong codes, however the link is pressed", async () => {
    const started = await startLogin("lock@example.com");
    const [, , token] = linkFor("lock@example.com");
    for (let attempt = 0; attempt < 5; attempt++) {
      await call(registry, "POST", "/session/fetch", {
        json: {
          fetchSessionToken: started.body.fetchSessionToken,
          emailConfirmationCode: "WRONGCDE",
        },
      });
    }
    expect((await press(token)).status).toBe(404);
    const collected = await call(registry, "POST", "/session/fetch", {
      json: { fetchSessionToken: started.body.fetchSessionToken },
    });
    expect(collected).toMatchObject({ status: 400, body: { code: "invalid_request" } });
  });

  it("refuses a link that is not one, and takes a second press as the first", async () => {
    await startLogin("old@example.com");
    const [, , token] = linkFor("old@example.com");
    expect((await press(token)).status).toBe(200);
    expect((await press("not-a-link")).status).toBe(404);
    // Confirmed once already, and its login not collected: it still says so, once.
    const twice = await press(token);
    expect(twice.status).toBe(200);
  });
});
