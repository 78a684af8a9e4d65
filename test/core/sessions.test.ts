import { describe, expect, it } from "vitest";
import {
  authenticate,
  CODE_ALPHABET,
  collectConfirmedLogin,
  confirmLogin,
  endSession,
  exchangeCode,
  FETCH_TOKEN_LIFETIME,
  LOGIN_LIMITS,
  listSessions,
  loginToConfirm,
  MAX_WRONG_CODES,
  normalizeCode,
  requestLogin,
} from "../../src/core/sessions.ts";
import { parseEmail } from "../../src/wire/email.ts";
import { aUser, type FakePorts, fakePorts } from "../support/fakePorts.ts";

const HOUR = 60 * 60 * 1000;
const CONFIRM = "https://registry.example/login/confirm";

describe("confirmation codes", () => {
  it("use no characters that look alike", () => {
    for (const lookAlike of ["0", "O", "1", "I", "L"])
      expect(CODE_ALPHABET).not.toContain(lookAlike);
    expect(new Set(CODE_ALPHABET).size).toBe(CODE_ALPHABET.length);
  });

  it("are read case-insensitively, with spaces and hyphens ignored", () => {
    expect(normalizeCode(" ab2c-d3 ef ")).toBe("AB2CD3EF");
  });
});

describe("email addresses", () => {
  it("are trimmed and lower-cased", () => {
    expect(parseEmail("  Me@Example.COM\n")).toBe("me@example.com");
  });

  it("need a local part and a dotted domain", () => {
    for (const bad of [
      "me",
      "@example.com",
      "me@",
      "me@localhost",
      "me@exa mple.com",
      "a@-x.com",
      "a..b@x.com",
    ]) {
      expect(parseEmail(bad)).toBeUndefined();
    }
    for (const good of ["me+tag@example.com", "first.last@sub.example.co.uk"]) {
      expect(parseEmail(good)).toBe(good);
    }
  });
});

const POLICY = { idleMs: 90 * 24 * HOUR, lifetimeMs: 365 * 24 * HOUR };

describe("logging in, as a rule of the core", () => {
  const start = async (ports: FakePorts, address = "me@example.com") => {
    const started = await requestLogin(ports, {
      email: address,
      client: "10.0.0.1",
      confirmationPage: CONFIRM,
    });
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    return started.value.fetchSessionToken;
  };

  it("trades the mailed code once for a session that authenticates its user", async () => {
    const ports = fakePorts();
    const token = await start(ports);
    const code = ports.mailer.codeFor("me@example.com");
    const session = exchangeCode(ports, { fetchSessionToken: token, code });
    expect(session.ok).toBe(true);
    if (!session.ok) return;
    expect(authenticate(ports, session.value.sessionToken, POLICY)?.user.email).toBe(
      "me@example.com",
    );
    expect(exchangeCode(ports, { fetchSessionToken: token, code }).ok).toBe(false);
  });

  it("counts wrong codes although each fails, and locks the token after five", async () => {
    const ports = fakePorts();
    const token = await start(ports);
    const code = ports.mailer.codeFor("me@example.com");
    for (let i = 0; i < MAX_WRONG_CODES; i++) {
      expect(exchangeCode(ports, { fetchSessionToken: token, code: "WRONGCDE" })).toEqual({
        ok: false,
        error: { kind: "invalid_code" },
        keepWrites: true,
      });
    }
    expect(exchangeCode(ports, { fetchSessionToken: token, code }).ok).toBe(false);
  });

  it("lets a code expire fifteen minutes after it was sent", async () => {
    const ports = fakePorts();
    const token = await start(ports);
    ports.clock.advance(FETCH_TOKEN_LIFETIME);
    const code = ports.mailer.codeFor("me@example.com");
    expect(exchangeCode(ports, { fetchSessionToken: token, code }).ok).toBe(false);
  });

  it("sends no more than five codes to one address in fifteen minutes", async () => {
    const ports = fakePorts();
    for (let i = 0; i < LOGIN_LIMITS.perEmail; i++) await start(ports);
    const refused = await requestLogin(ports, {
      email: "me@example.com",
      client: "10.0.0.2",
      confirmationPage: CONFIRM,
    });
    expect(refused).toEqual({
      ok: false,
      error: { kind: "rate_limited", retryAfterSeconds: 15 * 60 },
    });
    expect(ports.mailer.sent).toHaveLength(LOGIN_LIMITS.perEmail);
    ports.clock.advance(LOGIN_LIMITS.window);
    await start(ports);
  });

  it("forgets the fetch token when the mail cannot be sent", async () => {
    const ports = fakePorts();
    ports.mailer.failWith = "the mail service is down";
    const refused = await requestLogin(ports, {
      email: "me@example.com",
      client: "10.0.0.1",
      confirmationPage: CONFIRM,
    });
    expect(refused).toEqual({
      ok: false,
      error: { kind: "mail_failed", reason: "the mail service is down" },
    });
    expect(ports.db.all("SELECT * FROM fetch_tokens")).toEqual([]);
  });
});

describe("sessions, as a rule of the core", () => {
  const DAY = 24 * HOUR;
  const policy = { idleMs: 10 * DAY, lifetimeMs: 30 * DAY };

  async function loggedIn(ports: FakePorts, address = "me@example.com") {
    const started = await requestLogin(ports, {
      email: address,
      client: "10.0.0.1",
      confirmationPage: CONFIRM,
    });
    if (!started.ok) throw new Error("no login");
    const code = ports.mailer.codeFor(address);
    const session = exchangeCode(ports, {
      fetchSessionToken: started.value.fetchSessionToken,
      code,
    });
    if (!session.ok) throw new Error("no session");
    return session.value.sessionToken;
  }

  it("end after the idle limit without use, and are kept alive by use", async () => {
    const ports = fakePorts();
    const token = await loggedIn(ports);
    ports.clock.advance(9 * DAY);
    expect(authenticate(ports, token, policy)).toBeDefined();
    ports.clock.advance(9 * DAY);
    expect(authenticate(ports, token, policy)).toBeDefined();
    ports.clock.advance(10 * DAY);
    expect(authenticate(ports, token, policy)).toBeUndefined();
    // Ended for good: even a generous policy does not bring it back.
    expect(
      authenticate(ports, token, { idleMs: 1000 * DAY, lifetimeMs: 1000 * DAY }),
    ).toBeUndefined();
  });

  it("end after the absolute limit however much they are used", async () => {
    const ports = fakePorts();
    const token = await loggedIn(ports);
    for (let day = 0; day < 29; day++) {
      ports.clock.advance(DAY);
      expect(authenticate(ports, token, policy), `day ${day + 1}`).toBeDefined();
    }
    ports.clock.advance(DAY);
    expect(authenticate(ports, token, policy)).toBeUndefined();
  });

  it("are listed to their user with their times, the current one marked, and can be ended", async () => {
    const ports = fakePorts();
    const first = await loggedIn(ports);
    ports.clock.advance(2 * HOUR);
    const second = await loggedIn(ports);
    await loggedIn(ports, "someone-else@example.com");
    ports.clock.advance(HOUR);
    const asking = authenticate(ports, second, policy)!;
    const sessions = listSessions(ports, asking, policy);
    expect(sessions.map((s) => s.current)).toEqual([false, true]);
    const start = ports.clock.now() - 3 * HOUR;
    expect(sessions[0]).toMatchObject({
      createdAt: new Date(start).toISOString(),
      lastUsedAt: new Date(start).toISOString(),
      expiresAt: new Date(start + 10 * DAY).toISOString(),
    });
    expect(sessions[1]!.lastUsedAt).toBe(new Date(ports.clock.now()).toISOString());

    expect(endSession(ports, asking.user, sessions[0]!.id)).toEqual({ ok: true, value: undefined });
    expect(authenticate(ports, first, policy)).toBeUndefined();
    const other = aUser(ports, "someone-else@example.com");
    expect(endSession(ports, other, sessions[1]!.id).ok).toBe(false);
    expect(authenticate(ports, second, policy)).toBeDefined();
  });
});

describe("logging in by the emailed link, as a rule of the core", () => {
  const linkIn = (ports: FakePorts, address: string) => {
    const mail = ports.mailer.sent.filter((m) => m.to === address).at(-1)!;
    return /\?token=(\S+)/.exec(mail.textBody)![1]!;
  };

  it("gives the session to whoever holds the fetch token once the link's button is pressed", async () => {
    const ports = fakePorts();
    const started = await requestLogin(ports, {
      email: "me@example.com",
      client: "10.0.0.7",
      confirmationPage: CONFIRM,
    });
    if (!started.ok) throw new Error("no login");
    const { fetchSessionToken } = started.value;
    const link = linkIn(ports, "me@example.com");
    expect(ports.mailer.sent[0]!.textBody).toContain(`${CONFIRM}?token=${link}`);

    // Opening the link only shows what it would confirm.
    expect(loginToConfirm(ports, link)).toMatchObject({
      ok: true,
      value: { email: "me@example.com", client: "10.0.0.7", confirmed: false },
    });
    expect(collectConfirmedLogin(ports, fetchSessionToken)).toEqual({
      ok: false,
      error: { kind: "not_confirmed" },
    });
    expect(confirmLogin(ports, link).ok).toBe(true);
    const session = collectConfirmedLogin(ports, fetchSessionToken);
    expect(session.ok).toBe(true);
    if (!session.ok) return;
    expect(authenticate(ports, session.value.sessionToken, POLICY)?.user.email).toBe(
      "me@example.com",
    );
    // Used once: neither the link nor the fetch token works again.
    expect(collectConfirmedLogin(ports, fetchSessionToken).ok).toBe(false);
    expect(confirmLogin(ports, link).ok).toBe(false);
  });

  it("refuses a link that was never mailed, or that expired", async () => {
    const ports = fakePorts();
    await requestLogin(ports, { email: "me@example.com", client: "x", confirmationPage: CONFIRM });
    expect(confirmLogin(ports, "not-a-link")).toEqual({
      ok: false,
      error: { kind: "invalid_link" },
    });
    const link = linkIn(ports, "me@example.com");
    ports.clock.advance(FETCH_TOKEN_LIFETIME);
    expect(loginToConfirm(ports, link).ok).toBe(false);
    expect(confirmLogin(ports, link).ok).toBe(false);
  });
});
