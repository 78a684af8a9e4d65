import { DatabaseSync } from "node:sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, login, startRegistry, type TestRegistry } from "../support/registry.ts";
import { databaseSnapshot } from "../support/snapshot.ts";

let registry: TestRegistry;
beforeAll(async () => {
  registry = await startRegistry();
});
afterAll(async () => {
  await registry.close();
});

const member = (identity: string, email: string) =>
  `/publishing-identity/${identity}/members/${encodeURIComponent(email)}`;

describe("a publishing identity's life", () => {
  it("walks from creation through roles to a change of admin", async () => {
    const alice = await login(registry, "alice@example.com");
    const bob = await login(registry, "bob@example.com");

    expect(
      await call(registry, "POST", "/publishing-identity", {
        token: alice,
        json: { name: "acme" },
      }),
    ).toMatchObject({ status: 201, body: { name: "acme", role: "admin" } });

    expect(
      await call(registry, "PUT", member("acme", "bob@example.com"), {
        token: alice,
        json: { role: "publish" },
      }),
    ).toMatchObject({ status: 200, body: { email: "bob@example.com", role: "publish" } });
    // carol has never logged in.
    expect(
      await call(registry, "PUT", member("acme", "Carol@Example.com"), {
        token: alice,
        json: { role: "download" },
      }),
    ).toMatchObject({ status: 200, body: { email: "carol@example.com", role: "download" } });

    expect(
      await call(registry, "PUT", member("acme", "dan@example.com"), {
        token: bob,
        json: { role: "download" },
      }),
    ).toMatchObject({ status: 403, body: { code: "forbidden" } });

    const carol = await login(registry, "carol@example.com");
    expect(await call(registry, "GET", "/user", { token: carol })).toMatchObject({
      status: 200,
      body: { email: "carol@example.com", identities: [{ name: "acme", role: "download" }] },
    });

    expect(
      await call(registry, "GET", "/publishing-identity/acme", { token: carol }),
    ).toMatchObject({
      status: 200,
      body: {
        name: "acme",
        packages: [],
        members: [
          { email: "alice@example.com", role: "admin" },
          { email: "bob@example.com", role: "publish" },
          { email: "carol@example.com", role: "download" },
        ],
      },
    });

    expect(
      (
        await call(registry, "PUT", member("acme", "bob@example.com"), {
          token: alice,
          json: { role: "admin" },
        })
      ).status,
    ).toBe(200);
    expect(
      (await call(registry, "DELETE", member("acme", "alice@example.com"), { token: bob })).status,
    ).toBe(204);
    const lastAdmin = await call(registry, "DELETE", member("acme", "bob@example.com"), {
      token: bob,
    });
    expect(lastAdmin).toMatchObject({ status: 409, body: { code: "conflict" } });
    expect(lastAdmin.body.message).toMatch(/at least one admin/);
    const demoted = await call(registry, "PUT", member("acme", "bob@example.com"), {
      token: bob,
      json: { role: "publish" },
    });
    expect(demoted).toMatchObject({ status: 409, body: { code: "conflict" } });

    expect(await call(registry, "GET", "/user", { token: alice })).toMatchObject({
      body: { identities: [] },
    });
    expect(await call(registry, "GET", "/user", { token: bob })).toMatchObject({
      body: { identities: [{ name: "acme", role: "admin" }] },
    });

    const audit = await call<{
      entries: { actor: string; action: string; subject: string; at: string; detail: object }[];
    }>(registry, "GET", "/publishing-identity/acme/audit", { token: bob });
    expect(audit.status).toBe(200);
    expect(audit.body.entries.map((e) => [e.actor, e.action, e.subject, e.detail])).toEqual([
      ["alice@example.com", "identity.create", "acme", {}],
      ["alice@example.com", "member.add", "bob@example.com", { role: "publish" }],
      ["alice@example.com", "member.add", "carol@example.com", { role: "download" }],
      [
        "alice@example.com",
        "member.change_role",
        "bob@example.com",
        { from: "publish", to: "admin" },
      ],
      ["bob@example.com", "member.remove", "alice@example.com", { role: "admin" }],
    ]);
    for (const entry of audit.body.entries) expect(entry.at).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
  });
});

describe("identity names", () => {
  it("differing only in case are the same name, which keeps the case it was registered with", async () => {
    const erin = await login(registry, "erin@example.com");
    expect(
      (
        await call(registry, "POST", "/publishing-identity", {
          token: erin,
          json: { name: "Gren-Tools" },
        })
      ).status,
    ).toBe(201);
    expect(
      await call(registry, "POST", "/publishing-identity", {
        token: erin,
        json: { name: "gren-tools" },
      }),
    ).toMatchObject({ status: 409, body: { code: "conflict" } });
    expect(await call(registry, "GET", "/publishing-identity/GREN-TOOLS")).toMatchObject({
      status: 200,
      body: { name: "Gren-Tools" },
    });
    expect(await call(registry, "GET", "/user", { token: erin })).toMatchObject({
      body: { identities: [{ name: "Gren-Tools", role: "admin" }] },
    });
  });

  it("may be created with the session token in the body, as the registry's first API did", async () => {
    const fay = await login(registry, "fay@example.com");
    expect(
      await call(registry, "POST", "/publishing-identity", {
        json: { name: "legacy-client", session: fay },
      }),
    ).toMatchObject({ status: 201, body: { name: "legacy-client", role: "admin" } });
    expect(
      await call(registry, "POST", "/publishing-identity", { json: { name: "no-session" } }),
    ).toMatchObject({ status: 401, body: { code: "unauthenticated" } });
    expect(
      await call(registry, "POST", "/publishing-identity", {
        json: { name: "bad-session", session: "nope" },
      }),
    ).toMatchObject({ status: 401, body: { code: "unauthenticated" } });
  });

  it("of identities that do not exist answer 404", async () => {
    expect(await call(registry, "GET", "/publishing-identity/nobody-here")).toMatchObject({
      status: 404,
      body: { code: "not_found" },
    });
  });
});

describe("bad input", () => {
  it("gets 400 with the contract's error body and leaves the database unchanged", async () => {
    const gus = await login(registry, "gus@example.com");
    await call(registry, "POST", "/publishing-identity", { token: gus, json: { name: "gus-co" } });
    const before = databaseSnapshot(registry.dbPath);
    const attempts = [
      ...["-acme", "acme-", "ac--me", "ac_me", "", "ac me", "ácme", "a".repeat(254)].map((name) =>
        call(registry, "POST", "/publishing-identity", { token: gus, json: { name } }),
      ),
      call(registry, "POST", "/publishing-identity", { token: gus, json: {} }),
      call(registry, "POST", "/publishing-identity", { token: gus, json: { name: 42 } }),
      call(registry, "POST", "/publishing-identity", { token: gus }),
      call(registry, "PUT", member("gus-co", "x@example.com"), {
        token: gus,
        json: { role: "owner" },
      }),
      call(registry, "PUT", member("gus-co", "x@example.com"), {
        token: gus,
        json: { role: "Admin" },
      }),
      call(registry, "PUT", member("gus-co", "x@example.com"), { token: gus, json: {} }),
      call(registry, "PUT", member("gus-co", "x@example.com"), { token: gus }),
      call(registry, "PUT", member("gus-co", "not-an-email"), {
        token: gus,
        json: { role: "publish" },
      }),
      call(registry, "PUT", member("gus-co", "a@b"), { token: gus, json: { role: "publish" } }),
      call(registry, "PUT", member("gus--co", "x@example.com"), {
        token: gus,
        json: { role: "publish" },
      }),
      call(registry, "DELETE", member("gus-co", "not-an-email"), { token: gus }),
      call(registry, "GET", "/publishing-identity/-bad-"),
    ];
    for (const answer of await Promise.all(attempts)) {
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        code: "invalid_request",
        message: expect.stringMatching(/\S.*\.$/),
      });
    }
    expect(databaseSnapshot(registry.dbPath)).toEqual(before);
  });
});

describe("removing admins at the same time", () => {
  it("leaves one admin when two admins remove each other at once", async () => {
    const hal = await login(registry, "hal@example.com");
    const ida = await login(registry, "ida@example.com");
    await call(registry, "POST", "/publishing-identity", { token: hal, json: { name: "race" } });
    await call(registry, "PUT", member("race", "ida@example.com"), {
      token: hal,
      json: { role: "admin" },
    });
    const answers = await Promise.all([
      call(registry, "DELETE", member("race", "ida@example.com"), { token: hal }),
      call(registry, "DELETE", member("race", "hal@example.com"), { token: ida }),
    ]);
    expect(answers.map((a) => a.status).filter((s) => s === 204)).toHaveLength(1);
    const members = await call<{ members: { role: string }[] }>(
      registry,
      "GET",
      "/publishing-identity/race/members",
      {
        token: answers[0]!.status === 204 ? hal : ida,
      },
    );
    expect(members.body.members).toEqual([{ email: expect.any(String), role: "admin" }]);
  });
});

describe("the audit log", () => {
  it("cannot lose rows: the database refuses to delete or change them", () => {
    const db = new DatabaseSync(registry.dbPath);
    try {
      expect(() => db.exec("DELETE FROM audit_log")).toThrow(/append-only/);
      expect(() => db.exec("UPDATE audit_log SET subject = 'x'")).toThrow(/append-only/);
    } finally {
      db.close();
    }
  });
});

type RoleCase = "anonymous" | "outsider" | "download" | "publish" | "admin";
const CASES: RoleCase[] = ["anonymous", "outsider", "download", "publish", "admin"];

describe("every identity route for every role", () => {
  // Expected status per route and role, as the contract says.
  const table: {
    route: string;
    request: (c: Ctx) => Promise<{ status: number; body: { code?: string } }>;
    expected: Record<RoleCase, number>;
  }[] = [
    {
      route: "POST /publishing-identity",
      request: (c) =>
        call(registry, "POST", "/publishing-identity", {
          token: c.token,
          json: { name: `${c.identity}-new` },
        }),
      expected: { anonymous: 401, outsider: 201, download: 201, publish: 201, admin: 201 },
    },
    {
      route: "GET /publishing-identity/{name}",
      request: (c) =>
        call(registry, "GET", `/publishing-identity/${c.identity}`, { token: c.token }),
      expected: { anonymous: 200, outsider: 200, download: 200, publish: 200, admin: 200 },
    },
    {
      route: "GET /publishing-identity/{name}/members",
      request: (c) =>
        call(registry, "GET", `/publishing-identity/${c.identity}/members`, { token: c.token }),
      expected: { anonymous: 404, outsider: 404, download: 200, publish: 200, admin: 200 },
    },
    {
      route: "PUT /publishing-identity/{name}/members/{email}",
      request: (c) =>
        call(registry, "PUT", member(c.identity, "newcomer@example.com"), {
          token: c.token,
          json: { role: "publish" },
        }),
      expected: { anonymous: 401, outsider: 404, download: 403, publish: 403, admin: 200 },
    },
    {
      route: "DELETE /publishing-identity/{name}/members/{other}",
      request: (c) =>
        call(registry, "DELETE", member(c.identity, "owner@example.com"), { token: c.token }),
      expected: { anonymous: 401, outsider: 404, download: 403, publish: 403, admin: 204 },
    },
    {
      route: "DELETE /publishing-identity/{name}/members/{self}",
      request: (c) => call(registry, "DELETE", member(c.identity, c.email), { token: c.token }),
      expected: { anonymous: 401, outsider: 404, download: 204, publish: 204, admin: 204 },
    },
    {
      route: "GET /publishing-identity/{name}/audit",
      request: (c) =>
        call(registry, "GET", `/publishing-identity/${c.identity}/audit`, { token: c.token }),
      expected: { anonymous: 401, outsider: 404, download: 403, publish: 403, admin: 200 },
    },
  ];

  interface Ctx {
    identity: string;
    email: string;
    token: string | undefined;
  }
  const tokens: Record<string, string> = {};
  let counter = 0;

  beforeAll(async () => {
    for (const who of ["owner", "outsider", "download", "publish", "admin"]) {
      tokens[who] = await login(registry, `${who}@example.com`);
    }
  });

  async function freshIdentity(): Promise<string> {
    const name = `table-${++counter}`;
    await call(registry, "POST", "/publishing-identity", { token: tokens.owner, json: { name } });
    for (const role of ["download", "publish", "admin"]) {
      await call(registry, "PUT", member(name, `${role}@example.com`), {
        token: tokens.owner,
        json: { role },
      });
    }
    return name;
  }

  for (const row of table) {
    for (const who of CASES) {
      it(`${row.route} as ${who} answers ${row.expected[who]}`, async () => {
        const identity = await freshIdentity();
        const answer = await row.request({
          identity,
          email: `${who}@example.com`,
          token: tokens[who],
        });
        expect(answer.status).toBe(row.expected[who]);
        if (answer.status >= 400) {
          expect(answer.body.code).toBe(
            { 401: "unauthenticated", 403: "forbidden", 404: "not_found" }[answer.status],
          );
        }
      });
    }
  }

  it("shows the member list in GET /publishing-identity/{name} only to members", async () => {
    const identity = await freshIdentity();
    for (const who of CASES) {
      const answer = await call(registry, "GET", `/publishing-identity/${identity}`, {
        token: tokens[who],
      });
      expect("members" in answer.body).toBe(["download", "publish", "admin"].includes(who));
    }
  });
});
