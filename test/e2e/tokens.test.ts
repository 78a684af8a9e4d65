import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isSentence } from "../support/auditWorld.ts";
import { packageBundle } from "../support/bundles.ts";
import { createIdentity, publish, putBundle } from "../support/publishing.ts";
import { call, login, sentMail, startRegistry, type TestRegistry } from "../support/registry.ts";
import { databaseFileText, databaseSnapshot } from "../support/snapshot.ts";

// API tokens over real HTTP on a real SQLite file: made with a session only,
// shown once, kept as hashes, limited to their actions, packages, lifetime and
// addresses, never stronger than their maker is at the moment they are used.

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

interface Made {
  id: string;
  token: string;
  name: string;
  actions: string[];
  packages: string[];
  cidrs: string[];
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string;
}

let registry: TestRegistry;
let alice: string;
let bob: string;

const makeToken = (session: string, body: Record<string, unknown>) =>
  call<Made>(registry, "POST", "/tokens", { token: session, json: body });

async function made(session: string, body: Record<string, unknown>): Promise<Made> {
  const answer = await makeToken(session, body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body;
}

const upload = (token: string, name: string, version: string) =>
  putBundle(registry, token, `/packages/${name}/${version}`, packageBundle({ name, version }));

beforeAll(async () => {
  registry = await startRegistry();
  alice = await login(registry, "alice@example.com");
  bob = await login(registry, "bob@example.com");
  await createIdentity(registry, alice, "acme", { "bob@example.com": "publish" });
  await publish(registry, alice, "acme/widgets", "1.0.0");
});
afterAll(async () => {
  await registry?.close();
});

describe("making a token", () => {
  it("answers 201 with the token once, and lists it without its text", async () => {
    const token = await made(alice, {
      name: "release workflow",
      actions: ["publish"],
      packages: ["acme/*"],
    });
    expect(token.token).toMatch(/^grenreg_[0-9A-Za-z]{46}$/);
    expect(token).toMatchObject({
      name: "release workflow",
      actions: ["publish"],
      packages: ["acme/*"],
      cidrs: [],
      lastUsedAt: null,
    });
    expect(Date.parse(token.expiresAt) - Date.parse(token.createdAt)).toBe(90 * DAY);
    const listed = await call<{ tokens: Record<string, unknown>[] }>(registry, "GET", "/tokens", {
      token: alice,
    });
    const { token: _text, ...shown } = token;
    expect(listed.body.tokens).toContainEqual(shown);
    expect(JSON.stringify(listed.body)).not.toContain(token.token);
  });

  it("keeps only a hash of it: the database's files never hold its text", async () => {
    const token = await made(alice, { name: "hashed", actions: ["publish"], packages: ["acme/*"] });
    const files = databaseFileText(registry.dbPath, { checkpoint: true });
    expect(files).not.toContain(token.token);
    expect(files).not.toContain(token.token.slice(8, 40));
    expect(files).toContain(createHash("sha256").update(token.token).digest("hex"));
  });

  it("mails its owner, with the scopes and a way to revoke it", async () => {
    await made(alice, {
      name: "mailed",
      actions: ["publish", "revoke"],
      packages: ["acme/widgets"],
    });
    const mail = sentMail(registry.outbox).find((m) => m.subject.includes("mailed"));
    expect(mail?.to).toBe("alice@example.com");
    expect(mail?.textBody).toContain("It may publish and revoke acme/widgets, until");
    expect(mail?.textBody).toContain(`${registry.config.publicUrl}/account`);
  });

  const refused: [string, Record<string, unknown>, number, RegExp][] = [
    ["an empty name", { name: " " }, 400, /needs a name/],
    ["an unknown action", { actions: ["delete"] }, 400, /"delete" is not something a token may do/],
    ["no action", { actions: [] }, 400, /at least one action/],
    ["no package pattern", { packages: [] }, 400, /at least one package pattern/],
    ["a pattern that is none", { packages: ["acme"] }, 400, /"acme" is not a package pattern/],
    ["a lifetime of 0 days", { expiresInDays: 0 }, 400, /from 1 to 365, not 0/],
    ["a lifetime over a year", { expiresInDays: 366 }, 400, /from 1 to 365, not 366/],
    [
      "an address range that is none",
      { cidrs: ["10.0.0.0/40"] },
      400,
      /"10\.0\.0\.0\/40" is not an address range/,
    ],
    [
      "an identity its maker cannot publish to",
      { packages: ["beta/*"] },
      403,
      /You cannot publish to the identity of "beta\/\*"/,
    ],
  ];
  for (const [what, change, status, message] of refused) {
    it(`refuses ${what} with ${status} and a sentence, storing nothing`, async () => {
      const before = databaseSnapshot(registry.dbPath);
      const answer = await makeToken(alice, {
        name: "refused",
        actions: ["publish"],
        packages: ["acme/*"],
        ...change,
      });
      expect(answer.status).toBe(status);
      expect(answer.body.message).toMatch(message);
      expect(isSentence(answer.body.message)).toBe(true);
      expect(databaseSnapshot(registry.dbPath).api_tokens).toEqual(before.api_tokens);
    });
  }

  it("cannot be done with an API token: only a session makes tokens", async () => {
    const token = await made(alice, {
      name: "no more",
      actions: ["publish"],
      packages: ["acme/*"],
    });
    const answer = await makeToken(token.token, {
      name: "child",
      actions: ["publish"],
      packages: ["acme/*"],
    });
    expect(answer.status).toBe(403);
    expect(answer.body.message).toMatch(/needs a session/);
  });
});

describe("using a token", () => {
  it("publishes within its scopes, audited with the token and mailed to the admins", async () => {
    const token = await made(bob, {
      name: "bob's ci",
      actions: ["publish"],
      packages: ["acme/widgets"],
    });
    const answer = await upload(token.token, "acme/widgets", "1.1.0");
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    const audit = await call<{
      entries: { actor: string; action: string; subject: string; detail: unknown }[];
    }>(registry, "GET", "/publishing-identity/acme/audit", { token: alice });
    expect(audit.body.entries.at(-1)).toMatchObject({
      actor: "bob@example.com",
      action: "version.publish",
      subject: "acme/widgets 1.1.0",
      detail: { token: { id: token.id, name: "bob's ci" } },
    });
    const mail = sentMail(registry.outbox).find((m) => m.subject.startsWith("acme/widgets 1.1.0"));
    expect(mail?.to).toBe("alice@example.com");
    expect(mail?.textBody).toContain(
      `by bob@example.com, with the API token "bob's ci" (${token.id}).`,
    );
  });

  it("revokes with the revoke action, audited with the token", async () => {
    const token = await made(alice, { name: "cleanup", actions: ["revoke"], packages: ["acme/*"] });
    const answer = await call(registry, "DELETE", "/packages/acme/widgets/1.0.0", {
      token: token.token,
      json: { reason: "Superseded by 1.1.0." },
    });
    expect(answer.status).toBe(200);
    const audit = await call<{ entries: { action: string; detail: unknown }[] }>(
      registry,
      "GET",
      "/publishing-identity/acme/audit",
      { token: alice },
    );
    expect(audit.body.entries.at(-1)).toMatchObject({
      action: "version.revoke",
      detail: { reason: "Superseded by 1.1.0.", token: { id: token.id, name: "cleanup" } },
    });
  });

  it("records its last use at most once a minute", async () => {
    const token = await made(alice, { name: "used", actions: ["publish"], packages: ["acme/*"] });
    const lastUsed = async () =>
      (
        await call<{ tokens: Made[] }>(registry, "GET", "/tokens", { token: alice })
      ).body.tokens.find((t) => t.id === token.id)!.lastUsedAt;
    await call(registry, "GET", "/packages/acme/widgets", { token: token.token });
    const first = await lastUsed();
    expect(first).toBe(new Date(registry.clock.now()).toISOString());
    registry.clock.advance(30_000);
    await call(registry, "GET", "/packages/acme/widgets", { token: token.token });
    expect(await lastUsed()).toBe(first);
    registry.clock.advance(31_000);
    await call(registry, "GET", "/packages/acme/widgets", { token: token.token });
    expect(await lastUsed()).toBe(new Date(registry.clock.now()).toISOString());
  });

  it("tells a mistyped token from one that is not valid", async () => {
    const token = await made(alice, { name: "typo", actions: ["publish"], packages: ["acme/*"] });
    const last = token.token.at(-1) === "a" ? "b" : "a";
    const mistyped = `${token.token.slice(0, -1)}${last}`;
    const typo = await upload(mistyped, "acme/widgets", "7.0.0");
    expect(typo.status).toBe(401);
    expect(typo.body.message).toMatch(/^That API token is mistyped: its checksum does not match/);
    const short = await upload(token.token.slice(0, -3), "acme/widgets", "7.0.0");
    expect(short.body.message).toMatch(/mistyped/);
    await call(registry, "DELETE", `/tokens/${token.id}`, { token: alice });
    const revoked = await upload(token.token, "acme/widgets", "7.0.0");
    expect(revoked.status).toBe(401);
    expect(revoked.body.message).toMatch(/^That API token is not valid: it may have been revoked/);
  });

  it("stops working the moment it is revoked", async () => {
    const token = await made(alice, {
      name: "short-lived",
      actions: ["publish"],
      packages: ["acme/*"],
    });
    expect((await upload(token.token, "acme/widgets", "1.2.0")).status).toBe(201);
    const revoked = await call(registry, "DELETE", `/tokens/${token.id}`, { token: alice });
    expect(revoked.status).toBe(204);
    expect((await upload(token.token, "acme/widgets", "1.3.0")).status).toBe(401);
    const listed = await call<{ tokens: Made[] }>(registry, "GET", "/tokens", { token: alice });
    expect(listed.body.tokens.map((t) => t.id)).not.toContain(token.id);
    // Another user's token is not theirs to revoke, and answers as one that does not exist.
    const bobs = await made(bob, { name: "bob's", actions: ["publish"], packages: ["acme/*"] });
    const other = await call(registry, "DELETE", `/tokens/${bobs.id}`, { token: alice });
    expect(other.status).toBe(404);
    expect((await upload(bobs.token, "acme/widgets", "1.3.0")).status).toBe(201);
  });

  it("expires after the days it was made for", async () => {
    const token = await made(alice, {
      name: "one day",
      actions: ["publish"],
      packages: ["acme/*"],
      expiresInDays: 1,
    });
    registry.clock.advance(DAY - MINUTE);
    expect((await upload(token.token, "acme/widgets", "1.4.0")).status).toBe(201);
    registry.clock.advance(MINUTE);
    const late = await upload(token.token, "acme/widgets", "1.5.0");
    expect(late.status).toBe(401);
    expect(late.body.message).toBe(`That API token expired at ${token.expiresAt}; make a new one.`);
    const listed = await call<{ tokens: Made[] }>(registry, "GET", "/tokens", { token: alice });
    expect(listed.body.tokens.map((t) => t.id)).not.toContain(token.id);
  });

  it("never does more than its maker may do now: a demoted maker's token cannot publish", async () => {
    const token = await made(bob, { name: "demoted", actions: ["publish"], packages: ["acme/*"] });
    expect((await upload(token.token, "acme/widgets", "1.5.0")).status).toBe(201);
    const demoted = await call(
      registry,
      "PUT",
      "/publishing-identity/acme/members/bob@example.com",
      {
        token: alice,
        json: { role: "download" },
      },
    );
    expect(demoted.status).toBe(200);
    const refused = await upload(token.token, "acme/widgets", "1.6.0");
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/needs the publish role in "acme", and yours is download/);
    await call(registry, "PUT", "/publishing-identity/acme/members/bob@example.com", {
      token: alice,
      json: { role: "publish" },
    });
    expect((await upload(token.token, "acme/widgets", "1.6.0")).status).toBe(201);
  });

  it("works only from the address ranges it was limited to", async () => {
    const elsewhere = await made(alice, {
      name: "office",
      actions: ["publish"],
      packages: ["acme/*"],
      cidrs: ["203.0.113.7/24", "2001:db8::/32"],
    });
    expect(elsewhere.cidrs).toEqual(["203.0.113.0/24", "2001:db8::/32"]);
    const refused = await upload(elsewhere.token, "acme/widgets", "1.7.0");
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe(
      "That API token may be used only from 203.0.113.0/24, 2001:db8::/32, and this request came from 127.0.0.1.",
    );
    const here = await made(alice, {
      name: "loopback",
      actions: ["publish"],
      packages: ["acme/*"],
      cidrs: ["127.0.0.0/8"],
    });
    expect((await upload(here.token, "acme/widgets", "1.7.0")).status).toBe(201);
  });

  it("reads as anyone reads: a private package stays hidden from it", async () => {
    await publish(registry, alice, "acme/secret", "1.0.0", { private: true });
    const token = await made(alice, { name: "reader", actions: ["publish"], packages: ["acme/*"] });
    expect((await call(registry, "GET", "/packages/acme/secret", { token: alice })).status).toBe(
      200,
    );
    expect(
      (await call(registry, "GET", "/packages/acme/secret", { token: token.token })).status,
    ).toBe(404);
    // But it may publish to it, as its maker may.
    const bytes = packageBundle({ name: "acme/secret", version: "1.1.0", private: true });
    const published = await putBundle(registry, token.token, "/packages/acme/secret/1.1.0", bytes);
    expect(published.status, JSON.stringify(published.body)).toBe(201);
  });
});
