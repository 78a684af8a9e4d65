import { DatabaseSync } from "node:sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isSentence } from "../support/auditWorld.ts";
import { packageBundle } from "../support/bundles.ts";
import { githubClaims, type MintOptions, OidcIssuer, signingKey } from "../support/oidcIssuer.ts";
import { createIdentity, publish, putBundle } from "../support/publishing.ts";
import { call, login, sentMail, startRegistry, type TestRegistry } from "../support/registry.ts";
import { databaseSnapshot } from "../support/snapshot.ts";

// Trusted publishing end to end: a local OIDC issuer over HTTPS (its
// certificate trusted as a Node.js process trusts one), the real registry,
// real ID tokens signed with keys jose made. A job's token is traded for a
// publish token only when every claim matches a trusted publisher; each
// refusal is a 401 that says which claim was wrong.

const AUDIENCE = "https://registry.example.test";
const MINUTE = 60_000;

let registry: TestRegistry;
let github: OidcIssuer;
let gitlab: OidcIssuer;
let admin: string;
let publisher: string;

const now = () => registry.clock.now();

/** A run of acme/widgets' release.yml, in the release environment. */
const releaseRun = (extra: Record<string, unknown> = {}) =>
  githubClaims("acme/widgets", "release.yml", { environment: "release", ...extra });

const exchange = (token: string) =>
  call<{ token: string; expiresAt: string }>(registry, "POST", "/trusted-publishing/exchange", {
    json: { token },
  });

async function publishToken(claims = releaseRun(), options: MintOptions = {}): Promise<string> {
  const answer = await exchange(await github.mint(claims, AUDIENCE, options));
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body.token;
}

const bundleOf = (name: string, version: string) => packageBundle({ name, version });

beforeAll(async () => {
  github = await OidcIssuer.start(() => now());
  gitlab = await OidcIssuer.start(() => now());
  github.trustInThisProcess();
  gitlab.trustInThisProcess();
  registry = await startRegistry({
    REGISTRY_PUBLIC_URL: AUDIENCE,
    REGISTRY_OIDC_ISSUERS: `github=${github.url}, gitlab=${gitlab.url}`,
  });
  admin = await login(registry, "admin@example.com");
  publisher = await login(registry, "publisher@example.com");
  await createIdentity(registry, admin, "acme", {
    "publisher@example.com": "publish",
    "second-admin@example.com": "admin",
  });
  const other = await login(registry, "beta@example.com");
  await createIdentity(registry, other, "beta");
  await publish(registry, other, "beta/tools", "1.0.0");
  const added = await call(registry, "POST", "/publishing-identity/acme/trusted-publishers", {
    token: admin,
    json: {
      provider: "github",
      repository: "acme/widgets",
      workflow: "release.yml",
      environment: "release",
      packages: ["acme/widgets", "acme/gadgets"],
    },
  });
  expect(added.status, JSON.stringify(added.body)).toBe(201);
});

afterAll(async () => {
  await registry?.close();
  await github?.close();
  await gitlab?.close();
});

describe("a job of a trusted workflow", () => {
  it("exchanges its ID token for a publish token of 30 minutes, and publishes with it", async () => {
    const answer = await exchange(await github.mint(releaseRun(), AUDIENCE));
    expect(answer.status).toBe(201);
    expect(answer.body.token).toMatch(/^grenreg_[0-9A-Za-z]{46}$/);
    expect(Date.parse(answer.body.expiresAt)).toBe(now() + 30 * MINUTE);

    const published = await putBundle(
      registry,
      answer.body.token,
      "/packages/acme/widgets/1.0.0",
      bundleOf("acme/widgets", "1.0.0"),
    );
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    expect((await call(registry, "GET", "/packages/acme/widgets/latest")).body).toEqual({
      version: "1.0.0",
    });
  });

  it("is recorded as published by the provider's account, with the run, in the audit log", async () => {
    const audit = await call<{
      entries: {
        actor: string;
        action: string;
        subject: string;
        detail: Record<string, unknown>;
      }[];
    }>(registry, "GET", "/publishing-identity/acme/audit", { token: admin });
    const entry = audit.body.entries.find(
      (e) => e.action === "version.publish" && e.subject === "acme/widgets 1.0.0",
    );
    expect(entry?.actor).toBe("GitHub Actions");
    expect(entry?.detail.run).toEqual({
      provider: "github",
      repository: "acme/widgets",
      workflow: "acme/widgets/.github/workflows/release.yml@refs/tags/v1.0.0",
      environment: "release",
      ref: "refs/tags/v1.0.0",
      sha: "2f1e4a8c7b9d0e3f6a5b4c3d2e1f0a9b8c7d6e5f",
      runId: "9876543210",
      url: `${github.url}/acme/widgets/actions/runs/9876543210/attempts/1`,
      triggeredBy: "octocat",
    });

    const db = new DatabaseSync(registry.dbPath, { readOnly: true });
    const row = db
      .prepare(
        `SELECT users.email, users.kind FROM versions JOIN users ON users.id = versions.publisher_id
         WHERE versions.outline LIKE '%"acme/widgets"%'`,
      )
      .get();
    db.close();
    expect(row).toEqual({ email: "GitHub Actions", kind: "workflow" });
  });

  it("has the identity's admins mailed, with the workflow run", () => {
    const mails = sentMail(registry.outbox).filter((m) =>
      m.subject.startsWith("acme/widgets 1.0.0 was published by GitHub Actions"),
    );
    expect(mails.map((m) => m.to).sort()).toEqual([
      "admin@example.com",
      "second-admin@example.com",
    ]);
    expect(mails[0]!.textBody).toContain(
      `run:          ${github.url}/acme/widgets/actions/runs/9876543210/attempts/1`,
    );
    expect(mails[0]!.textBody).toContain("started by:   octocat");
  });

  it("fetches the issuer's keys once, and again when their lifetime is over", async () => {
    const before = github.keyFetches;
    await publishToken();
    await publishToken();
    expect(github.keyFetches).toBe(before);
    registry.clock.advance((github.keysMaxAge + 1) * 1000);
    await publishToken();
    expect(github.keyFetches).toBe(before + 1);
  });
});

describe("an ID token that does not match is refused with 401, saying which claim", () => {
  const refusals: [string, () => Promise<string>, RegExp][] = [
    [
      "from another issuer",
      () => github.mint(releaseRun(), AUDIENCE, { issuer: "https://issuer.example.test" }),
      /issuer "https:\/\/issuer\.example\.test" is not one this registry trusts/,
    ],
    [
      "for another audience",
      () => github.mint(releaseRun(), "https://elsewhere.example.test"),
      /meant for https:\/\/elsewhere\.example\.test, not this registry.*audience https:\/\/registry\.example\.test/,
    ],
    [
      "from another repository",
      () =>
        github.mint(
          githubClaims("mallory/widgets", "release.yml", { environment: "release" }),
          AUDIENCE,
        ),
      /No publishing identity trusts the GitHub Actions repository mallory\/widgets/,
    ],
    [
      "from another workflow",
      () =>
        github.mint(githubClaims("acme/widgets", "ci.yml", { environment: "release" }), AUDIENCE),
      /workflow \.github\/workflows\/ci\.yml of acme\/widgets, but only \.github\/workflows\/release\.yml/,
    ],
    [
      "from another environment",
      () => github.mint(releaseRun({ environment: "staging" }), AUDIENCE),
      /environment "staging" of acme\/widgets, but publishing is trusted only in release/,
    ],
    [
      "from a job without an environment",
      () => github.mint(githubClaims("acme/widgets", "release.yml"), AUDIENCE),
      /a job with no environment/,
    ],
    [
      "that has expired",
      () =>
        github.mint(releaseRun(), AUDIENCE, {
          issuedAt: Math.floor(now() / 1000) - 900,
          notBefore: Math.floor(now() / 1000) - 900,
          expiresAt: Math.floor(now() / 1000) - 120,
        }),
      /expired at/,
    ],
    [
      "that is not valid yet",
      () => github.mint(releaseRun(), AUDIENCE, { notBefore: Math.floor(now() / 1000) + 600 }),
      /not valid before/,
    ],
    [
      "signed by a key that is not the one its kid names",
      async () =>
        github.mint(releaseRun(), AUDIENCE, {
          key: await signingKey(),
          kid: github.currentKey.kid,
        }),
      /signature does not match the key/,
    ],
    [
      "signed by a key the issuer never listed",
      async () => github.mint(releaseRun(), AUDIENCE, { key: await signingKey("made-up") }),
      /key "made-up" that https:\/\/127\.0\.0\.1:\d+ does not list/,
    ],
    [
      "not signed at all (alg none)",
      async () => github.unsigned(releaseRun(), AUDIENCE),
      /not signed/,
    ],
    [
      "from another repository of the same name (a new repository id)",
      () => github.mint(releaseRun({ repository_id: "10000001" }), AUDIENCE),
      /deleted and made again/,
    ],
    ["that is not a JWT", async () => "not.a.token", /not an ID token/],
  ];

  for (const [what, token, message] of refusals) {
    it(`refuses one ${what}`, async () => {
      const before = databaseSnapshot(registry.dbPath);
      const answer = await exchange(await token());
      expect(answer.status, JSON.stringify(answer.body)).toBe(401);
      expect(answer.body.code).toBe("unauthenticated");
      expect(answer.body.message).toMatch(message);
      expect(isSentence(answer.body.message)).toBe(true);
      const after = databaseSnapshot(registry.dbPath);
      expect(after.api_tokens).toEqual(before.api_tokens);
    });
  }

  it("accepts a token once: its jti replayed is refused", async () => {
    const token = await github.mint(releaseRun(), AUDIENCE);
    expect((await exchange(token)).status).toBe(201);
    const again = await exchange(token);
    expect(again.status).toBe(401);
    expect(again.body.message).toMatch(/already exchanged \(its jti was seen before\)/);
  });

  it("refuses a key the issuer no longer lists, once the kept keys have expired", async () => {
    const retired = await github.rotate();
    // Signed by the new key, the token is taken: the new key is fetched for it.
    registry.clock.advance(2 * MINUTE);
    await publishToken();
    const stale = await exchange(await github.mint(releaseRun(), AUDIENCE, { key: retired }));
    expect(stale.status).toBe(401);
    expect(stale.body.message).toMatch(new RegExp(`key "${retired.kid}" that .* does not list`));
  });
});

describe("a publish token from a trusted publisher", () => {
  it("cannot publish a package outside the trusted publisher's patterns", async () => {
    const token = await publishToken();
    for (const [name, path] of [
      ["acme/others", "/packages/acme/others/1.0.0"],
      ["beta/tools", "/packages/beta/tools/2.0.0"],
    ] as const) {
      const refused = await putBundle(
        registry,
        token,
        path,
        bundleOf(name, path.split("/").at(-1)!),
      );
      expect(refused.status).toBe(403);
      expect(refused.body.message).toBe(
        `This API token may act only on acme/widgets, acme/gadgets, and ${name} is not among them.`,
      );
    }
    const allowed = await putBundle(
      registry,
      token,
      "/packages/acme/gadgets/1.0.0",
      bundleOf("acme/gadgets", "1.0.0"),
    );
    expect(allowed.status).toBe(201);
  });

  it("cannot revoke, make tokens, or do anything a session does", async () => {
    const token = await publishToken();
    const revoke = await call(registry, "DELETE", "/packages/acme/widgets/1.0.0", {
      token,
      json: { reason: "Trying" },
    });
    expect(revoke.status).toBe(403);
    expect(revoke.body.message).toBe(
      "This API token may only publish; it is not allowed to revoke.",
    );
    const made = await call(registry, "POST", "/tokens", {
      token,
      json: { name: "escalate", actions: ["publish"], packages: ["acme/*"] },
    });
    expect(made.status).toBe(403);
    expect(made.body.message).toMatch(/needs a session/);
    for (const [method, path] of [
      ["GET", "/user"],
      ["GET", "/tokens"],
      ["GET", "/publishing-identity/acme/trusted-publishers"],
      ["PUT", "/publishing-identity/acme/members/me@example.com"],
    ] as const) {
      const answer = await call(registry, method, path, {
        token,
        ...(method === "PUT" ? { json: { role: "admin" } } : {}),
      });
      expect(answer.status, `${method} ${path}`).toBe(403);
    }
  });

  it("expires after 30 minutes", async () => {
    const token = await publishToken();
    registry.clock.advance(30 * MINUTE);
    const late = await putBundle(
      registry,
      token,
      "/packages/acme/widgets/9.0.0",
      bundleOf("acme/widgets", "9.0.0"),
    );
    expect(late.status).toBe(401);
    expect(late.body.message).toMatch(/expired at/);
  });

  it("stops working the moment its trusted publisher is removed", async () => {
    const extra = await call<{ id: string }>(
      registry,
      "POST",
      "/publishing-identity/acme/trusted-publishers",
      {
        token: admin,
        json: {
          provider: "github",
          repository: "acme/widgets",
          workflow: "hotfix.yml",
          packages: ["acme/widgets"],
        },
      },
    );
    expect(extra.status).toBe(201);
    const token = await publishToken(githubClaims("acme/widgets", "hotfix.yml"));
    const removed = await call(
      registry,
      "DELETE",
      `/publishing-identity/acme/trusted-publishers/${extra.body.id}`,
      { token: admin },
    );
    expect(removed.status).toBe(204);
    const refused = await putBundle(
      registry,
      token,
      "/packages/acme/widgets/3.0.0",
      bundleOf("acme/widgets", "3.0.0"),
    );
    expect(refused.status).toBe(401);
    const mails = sentMail(registry.outbox).filter((m) =>
      m.subject.startsWith("A trusted publisher was removed from acme"),
    );
    expect(mails.map((m) => m.to).sort()).toEqual([
      "admin@example.com",
      "second-admin@example.com",
    ]);
    expect(mails[0]!.textBody).toContain(
      "the workflow hotfix.yml of acme/widgets, for acme/widgets",
    );
  });
});

describe("GitLab, another provider added by configuration", () => {
  it("trusts a project's CI configuration file, by GitLab's own claims", async () => {
    const added = await call(registry, "POST", "/publishing-identity/acme/trusted-publishers", {
      token: admin,
      json: {
        provider: "gitlab",
        repository: "acme/tools/widgets",
        workflow: ".gitlab-ci.yml",
        packages: ["acme/*"],
      },
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const host = new URL(gitlab.url).host;
    const claims = {
      jti: crypto.randomUUID(),
      project_path: "acme/tools/widgets",
      project_id: "321",
      namespace_path: "acme/tools",
      namespace_id: "12",
      ci_config_ref_uri: `${host}/acme/tools/widgets//.gitlab-ci.yml@refs/heads/main`,
      ref: "main",
      sha: "abc123",
      pipeline_id: "555",
      job_id: "777",
      user_login: "alice",
    };
    const answer = await exchange(await gitlab.mint(claims, AUDIENCE));
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    const published = await putBundle(
      registry,
      answer.body.token,
      "/packages/acme/sprockets/1.0.0",
      bundleOf("acme/sprockets", "1.0.0"),
    );
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    const audit = await call<{
      entries: { actor: string; subject: string; detail: { run?: { url: string } } }[];
    }>(registry, "GET", "/publishing-identity/acme/audit", { token: admin });
    const entry = audit.body.entries.find((e) => e.subject === "acme/sprockets 1.0.0");
    expect(entry?.actor).toBe("GitLab CI/CD");
    expect(entry?.detail.run?.url).toBe(`${gitlab.url}/acme/tools/widgets/-/jobs/777`);

    const otherFile = await exchange(
      await gitlab.mint(
        {
          ...claims,
          jti: crypto.randomUUID(),
          ci_config_ref_uri: `${host}/acme/tools/widgets//ci/other.yml@refs/heads/main`,
        },
        AUDIENCE,
      ),
    );
    expect(otherFile.status).toBe(401);
    expect(otherFile.body.message).toMatch(/workflow ci\/other\.yml of acme\/tools\/widgets/);
  });
});

describe("managing trusted publishers", () => {
  const path = "/publishing-identity/acme/trusted-publishers";
  const valid = {
    provider: "github",
    repository: "acme/docs",
    workflow: ".github/workflows/publish.yaml",
    packages: ["acme/docs"],
  };

  it("is for the identity's admins: members get 403, outsiders 404, tokens 403", async () => {
    expect((await call(registry, "GET", path, { token: publisher })).status).toBe(403);
    const outsider = await login(registry, "outsider@example.com");
    expect((await call(registry, "GET", path, { token: outsider })).status).toBe(404);
    expect((await call(registry, "POST", path, { token: outsider, json: valid })).status).toBe(404);
    expect((await call(registry, "POST", path, { token: publisher, json: valid })).status).toBe(
      403,
    );
    expect((await call(registry, "GET", path)).status).toBe(401);
  });

  it("lists them, and mails the admins and writes the audit log when one is added", async () => {
    const added = await call<{ id: string; workflow: string }>(registry, "POST", path, {
      token: admin,
      json: valid,
    });
    expect(added.status).toBe(201);
    expect(added.body.workflow).toBe("publish.yaml");
    const listed = await call<{ trustedPublishers: { id: string; createdBy: string }[] }>(
      registry,
      "GET",
      path,
      { token: admin },
    );
    expect(listed.body.trustedPublishers.find((p) => p.id === added.body.id)?.createdBy).toBe(
      "admin@example.com",
    );
    const mails = sentMail(registry.outbox).filter(
      (m) =>
        m.subject === "A trusted publisher was added to acme" && m.textBody.includes("acme/docs"),
    );
    expect(mails.map((m) => m.to).sort()).toEqual([
      "admin@example.com",
      "second-admin@example.com",
    ]);
    const again = await call(registry, "POST", path, { token: admin, json: valid });
    expect(again.status).toBe(409);
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    [
      "an unknown provider",
      { provider: "jenkins" },
      /"jenkins" is not a CI provider this registry trusts; use github, gitlab/,
    ],
    [
      "a repository that is not owner/name",
      { repository: "acme" },
      /is not a GitHub Actions repository/,
    ],
    [
      "a workflow that is not a .yml file",
      { workflow: "release" },
      /is not a GitHub Actions workflow file/,
    ],
    [
      "a pattern of another identity",
      { packages: ["beta/*"] },
      /"beta\/\*" is not a package of "acme"/,
    ],
    ["no patterns", { packages: [] }, /at least one package pattern/],
    ["a pattern that is none", { packages: ["acme"] }, /is not a package pattern/],
  ];
  for (const [what, change, message] of bad) {
    it(`refuses ${what} with 400 and a sentence`, async () => {
      const answer = await call(registry, "POST", path, {
        token: admin,
        json: { ...valid, ...change },
      });
      expect(answer.status).toBe(400);
      expect(answer.body.message).toMatch(message);
    });
  }
});
