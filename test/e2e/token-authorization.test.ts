import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contractViolations } from "../support/auditWorld.ts";
import { packageBundle } from "../support/bundles.ts";
import { createIdentity, publish } from "../support/publishing.ts";
import { call, login, startRegistry, type TestRegistry } from "../support/registry.ts";
import { databaseSnapshot } from "../support/snapshot.ts";

// What each kind of credential may do, route by route: every route that reads
// a credential, asked with a session and with API tokens of each scope (the
// maker being an admin of acme, so only the token's scopes can refuse). Each
// cell is one test with the exact status; a refused request leaves every row
// of the database as it was.

type Credential = "session" | "publish" | "revoke" | "both, other package" | "revoked" | "mistyped";

const CREDENTIALS: Credential[] = [
  "session",
  "publish",
  "revoke",
  "both, other package",
  "revoked",
  "mistyped",
];

const WHO: Record<Credential, string> = {
  session: "a session",
  publish: "a token that may publish acme/*",
  revoke: "a token that may revoke acme/*",
  "both, other package": "a token that may publish and revoke acme/gadgets only",
  revoked: "a revoked token",
  mistyped: "a mistyped token",
};

let registry: TestRegistry;
const tokens = {} as Record<Credential, string>;
let serial = 0;

interface Request {
  method: string;
  path: string;
  json?: unknown;
  bundle?: Uint8Array;
}

/** The status each credential gets: a session `forSession`; a valid token `forToken(scope)`; a bad one 401. */
function expected(
  credential: Credential,
  forSession: number,
  forToken: (credential: "publish" | "revoke" | "both, other package") => number,
): number {
  if (credential === "session") return forSession;
  if (credential === "revoked" || credential === "mistyped") return 401;
  return forToken(credential);
}

interface Cell {
  route: string;
  request: (credential: Credential) => Promise<Request> | Request;
  status: (credential: Credential) => number;
  writes: boolean;
}

const onlySession = (success: number) => (credential: Credential) =>
  expected(credential, success, () => 403);

const cells: Cell[] = [
  {
    route: "GET /user",
    request: () => ({ method: "GET", path: "/user" }),
    status: onlySession(200),
    writes: false,
  },
  {
    route: "GET /user/sessions",
    request: () => ({ method: "GET", path: "/user/sessions" }),
    status: onlySession(200),
    writes: false,
  },
  {
    route: "DELETE /user/sessions/{id}",
    request: () => ({ method: "DELETE", path: "/user/sessions/not-a-session" }),
    status: onlySession(404),
    writes: false,
  },
  {
    route: "POST /publishing-identity",
    request: () => ({
      method: "POST",
      path: "/publishing-identity",
      json: { name: `made-${++serial}` },
    }),
    status: onlySession(201),
    writes: true,
  },
  {
    route: "GET /publishing-identity/{name}",
    request: () => ({ method: "GET", path: "/publishing-identity/acme" }),
    status: (credential) => expected(credential, 200, () => 200),
    writes: false,
  },
  {
    route: "GET /publishing-identity/{name}/members",
    request: () => ({ method: "GET", path: "/publishing-identity/acme/members" }),
    // A token reads as anyone reads: the member list is for members.
    status: (credential) => expected(credential, 200, () => 404),
    writes: false,
  },
  {
    route: "PUT /publishing-identity/{name}/members/{email}",
    request: () => ({
      method: "PUT",
      path: `/publishing-identity/acme/members/added-${++serial}@example.com`,
      json: { role: "download" },
    }),
    status: onlySession(200),
    writes: true,
  },
  {
    route: "DELETE /publishing-identity/{name}/members/{email}",
    request: () => ({
      method: "DELETE",
      path: "/publishing-identity/acme/members/nobody@example.com",
    }),
    status: onlySession(404),
    writes: false,
  },
  {
    route: "GET /publishing-identity/{name}/audit",
    request: () => ({ method: "GET", path: "/publishing-identity/acme/audit" }),
    status: onlySession(200),
    writes: false,
  },
  {
    route: "GET /publishing-identity/{name}/trusted-publishers",
    request: () => ({ method: "GET", path: "/publishing-identity/acme/trusted-publishers" }),
    status: onlySession(200),
    writes: false,
  },
  {
    route: "POST /publishing-identity/{name}/trusted-publishers",
    request: () => ({
      method: "POST",
      path: "/publishing-identity/acme/trusted-publishers",
      json: {
        provider: "github",
        repository: "acme/widgets",
        workflow: `w${++serial}.yml`,
        packages: ["acme/*"],
      },
    }),
    status: onlySession(201),
    writes: true,
  },
  {
    route: "DELETE /publishing-identity/{name}/trusted-publishers/{id}",
    request: () => ({
      method: "DELETE",
      path: "/publishing-identity/acme/trusted-publishers/none",
    }),
    status: onlySession(404),
    writes: false,
  },
  {
    route: "POST /tokens",
    request: () => ({
      method: "POST",
      path: "/tokens",
      json: { name: "more", actions: ["publish"], packages: ["acme/*"] },
    }),
    status: onlySession(201),
    writes: true,
  },
  {
    route: "GET /tokens",
    request: () => ({ method: "GET", path: "/tokens" }),
    status: onlySession(200),
    writes: false,
  },
  {
    route: "DELETE /tokens/{id}",
    request: () => ({ method: "DELETE", path: "/tokens/none" }),
    status: onlySession(404),
    writes: false,
  },
  {
    route: "GET /feed/webhooks",
    request: () => ({ method: "GET", path: "/feed/webhooks" }),
    status: onlySession(200),
    writes: false,
  },
  {
    route: "PUT /packages/{author}/{project}/{version}",
    request: () => {
      // A package of its own each time, so that each publish is a first version, 1.0.0.
      const name = `acme/published-${++serial}`;
      return {
        method: "PUT",
        path: `/packages/${name}/1.0.0`,
        bundle: packageBundle({ name, version: "1.0.0" }),
      };
    },
    status: (credential) => expected(credential, 201, (scope) => (scope === "publish" ? 201 : 403)),
    writes: true,
  },
  {
    route: "DELETE /packages/{author}/{project}/{version}",
    request: async () => {
      const name = `acme/revocable-${++serial}`;
      await publish(registry, tokens.session, name, "1.0.0");
      return {
        method: "DELETE",
        path: `/packages/${name}/1.0.0`,
        json: { reason: "Broken." },
      };
    },
    status: (credential) => expected(credential, 200, (scope) => (scope === "revoke" ? 200 : 403)),
    writes: true,
  },
  {
    route: "DELETE /packages/{author}/{project}",
    request: async () => {
      const name = `acme/retired-${++serial}`;
      await publish(registry, tokens.session, name, "1.0.0");
      return { method: "DELETE", path: `/packages/${name}`, json: { reason: "Retired." } };
    },
    status: (credential) => expected(credential, 200, (scope) => (scope === "revoke" ? 200 : 403)),
    writes: true,
  },
  {
    route: "GET /packages/{author}/{project}",
    request: () => ({ method: "GET", path: "/packages/acme/hidden" }),
    // Private: a token reads as anyone, to whom it does not exist.
    status: (credential) => expected(credential, 200, () => 404),
    writes: false,
  },
  {
    route: "GET /packages",
    request: () => ({ method: "GET", path: "/packages?q=acme" }),
    status: (credential) => expected(credential, 200, () => 200),
    writes: false,
  },
  {
    route: "GET /packages/{author}/{project}/{version}/bundle",
    request: () => ({ method: "GET", path: "/packages/acme/widgets/1.0.0/bundle" }),
    status: (credential) => expected(credential, 200, () => 200),
    writes: false,
  },
  {
    route: "POST /resolve",
    request: () => ({
      method: "POST",
      path: "/resolve",
      json: { grenVersion: "0.6.3", platform: "common", dependencies: { "acme/widgets": "1.0.0" } },
    }),
    status: (credential) => expected(credential, 200, () => 200),
    writes: false,
  },
  // Last: the session ends here.
  {
    route: "DELETE /session",
    request: () => ({ method: "DELETE", path: "/session" }),
    status: (credential) => expected(credential, 204, () => 403),
    writes: true,
  },
];

async function send(request: Request, token: string | undefined) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string | Uint8Array | undefined;
  if (request.bundle) {
    headers["content-type"] = "application/gzip";
    body = request.bundle;
  } else if (request.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(request.json);
  }
  const response = await fetch(registry.url + request.path, {
    method: request.method,
    headers,
    body: (body ?? null) as BodyInit | null,
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

async function tokenFor(name: string, actions: string[], packages: string[]): Promise<string> {
  const answer = await call<{ token: string; id: string }>(registry, "POST", "/tokens", {
    token: tokens.session,
    json: { name, actions, packages },
  });
  expect(answer.status).toBe(201);
  return answer.body.token;
}

beforeAll(async () => {
  registry = await startRegistry({ REGISTRY_OPERATOR_IDENTITY: "acme" });
  tokens.session = await login(registry, "admin@example.com");
  await createIdentity(registry, tokens.session, "acme");
  await publish(registry, tokens.session, "acme/widgets", "1.0.0");
  await publish(registry, tokens.session, "acme/hidden", "1.0.0", { private: true });
  tokens.publish = await tokenFor("publish", ["publish"], ["acme/*"]);
  tokens.revoke = await tokenFor("revoke", ["revoke"], ["acme/*"]);
  tokens["both, other package"] = await tokenFor("other", ["publish", "revoke"], ["acme/gadgets"]);
  const revoked = await call<{ token: string; id: string }>(registry, "POST", "/tokens", {
    token: tokens.session,
    json: { name: "revoked", actions: ["publish", "revoke"], packages: ["acme/*"] },
  });
  await call(registry, "DELETE", `/tokens/${revoked.body.id}`, { token: tokens.session });
  tokens.revoked = revoked.body.token;
  tokens.mistyped = `${tokens.publish.slice(0, 20)}${tokens.publish.slice(21)}x`;
  // Each token's first use is recorded now, so that no cell below is the one that writes it.
  for (const credential of CREDENTIALS)
    await send({ method: "GET", path: "/packages" }, tokens[credential]);
});
afterAll(async () => {
  await registry?.close();
});

for (const cell of cells) {
  describe(cell.route, () => {
    // The session's own logout comes last, or nothing after it would have a session.
    const order =
      cell.route === "DELETE /session"
        ? [...CREDENTIALS.slice(1), "session" as const]
        : CREDENTIALS;
    for (const credential of order) {
      const status = cell.status(credential);
      it(`${WHO[credential]} gets ${status}`, async () => {
        const request = await cell.request(credential);
        const before = databaseSnapshot(registry.dbPath);
        const answer = await send(request, tokens[credential]);
        const after = databaseSnapshot(registry.dbPath);
        expect(answer.status, answer.text.slice(0, 400)).toBe(status);
        if (status >= 400) {
          expect(contractViolations(answer.status, answer.json)).toEqual([]);
          expect(after, "a refused request changed the database").toEqual(before);
        } else if (cell.writes) {
          expect(after, "a write changed nothing").not.toEqual(before);
        } else {
          expect(after, "a read changed the database").toEqual(before);
        }
      });
    }
  });
}
