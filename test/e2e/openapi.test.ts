import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API } from "../../src/wire/routes.ts";
import { packageBundle } from "../support/bundles.ts";
import { githubClaims, OidcIssuer } from "../support/oidcIssuer.ts";
import { publish, putBundleWithReadme } from "../support/publishing.ts";
import {
  type Answer,
  call,
  latestCode,
  login,
  startRegistry,
  type TestRegistry,
} from "../support/registry.ts";

// The OpenAPI document is generated from the schemas the server validates and
// serialises with. These tests hold every answer to it: an answer that drifts
// from its schema, or a route the document does not describe, fails here.

interface Operation {
  responses: Record<
    string,
    { content?: Record<string, { schema: Record<string, unknown> }> } | undefined
  >;
}
type OpenApi = { openapi: string; paths: Record<string, Record<string, Operation>> };

let registry: TestRegistry;
let issuer: OidcIssuer;
let document: OpenApi;
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
/** "GET /packages/{author}/{project}" for each answer checked, with its status. */
const checked = new Map<string, Set<number>>();

beforeAll(async () => {
  issuer = await OidcIssuer.start(() => registry.clock.now());
  issuer.trustInThisProcess();
  registry = await startRegistry({
    REGISTRY_OPERATOR_IDENTITY: "acme",
    REGISTRY_OIDC_ISSUERS: `github=${issuer.url}`,
  });
  document = (await call<OpenApi>(registry, "GET", "/openapi.json")).body;
});
afterAll(async () => {
  await registry.close();
  await issuer.close();
});

/** The documented path a request path matches, e.g. /packages/acme/x -> /packages/{author}/{project}. */
function documentedPath(path: string, method: string): string | undefined {
  const plain = path.split("?")[0]!;
  const candidates = Object.keys(document.paths).filter((template) => {
    if (!document.paths[template]?.[method]) return false;
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`);
    return pattern.test(plain);
  });
  // A literal segment beats a parameter: /latest is not a {version}.
  return candidates.sort((a, b) => a.split("{").length - b.split("{").length)[0];
}

/** Sends a request and checks its answer against the document. */
async function checkedCall(
  method: string,
  path: string,
  options: Parameters<typeof call>[3] = {},
): Promise<Answer> {
  const answer =
    options.body instanceof Uint8Array
      ? await call(registry, method, path, {
          ...options,
          headers: { "content-type": "application/gzip" },
        })
      : await call(registry, method, path, options);
  expectDocumented(method, path, answer.status, answer.body);
  return answer as Answer;
}

function expectDocumented(method: string, path: string, status: number, body: unknown): void {
  const lower = method.toLowerCase();
  const template = documentedPath(path, lower);
  expect(template, `${method} ${path} is in the OpenAPI document`).toBeDefined();
  const operation = document.paths[template!]![lower]!;
  const response =
    operation.responses[String(status)] ?? operation.responses[`${String(status)[0]}XX`];
  expect(response, `${method} ${template} documents the answer ${status}`).toBeDefined();
  const schema = response?.content?.["application/json"]?.schema;
  if (schema && body !== undefined) {
    const validate = ajv.compile(schema);
    const valid = validate(body);
    expect(
      valid,
      `${method} ${path} ${status} fits its schema: ${JSON.stringify(validate.errors)}`,
    ).toBe(true);
  }
  const key = `${method} ${template}`;
  checked.set(key, (checked.get(key) ?? new Set()).add(status));
}

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3 document", async () => {
    expect(document.openapi).toMatch(/^3\./);
    const result = await new Validator().validate(document as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("describes exactly the routes of the route table, each with its summary", () => {
    const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(
        ([method, operation]) =>
          `${method.toUpperCase()} ${path} ${(operation as { summary?: string }).summary}`,
      ),
    );
    const declared = Object.values(API)
      .filter((route) => !("websocket" in route))
      .map(
        (route) =>
          `${route.method} ${route.path.replace(/:([A-Za-z]+)/g, "{$1}")} ${route.summary}`,
      );
    expect(documented.sort()).toEqual(declared.sort());
  });

  it("describes every answer of every route, and nothing answers outside its schema", async () => {
    await checkedCall("GET", "/health");
    const started = await checkedCall("POST", "/session", { json: { email: "a@example.com" } });
    expect(started.status).toBe(200);
    await checkedCall("POST", "/session/fetch", {
      json: { fetchSessionToken: "nope", emailConfirmationCode: "ABCDEFGH" },
    });
    const adminLogin = await checkedCall("POST", "/session", {
      json: { email: "admin@example.com" },
    });
    const fetched = await checkedCall("POST", "/session/fetch", {
      json: {
        fetchSessionToken: adminLogin.body.fetchSessionToken,
        emailConfirmationCode: latestCode(registry.outbox, "admin@example.com"),
      },
    });
    const admin = String(fetched.body.sessionToken);
    const other = await login(registry, "other@example.com");
    await checkedCall("GET", "/user", { token: admin });
    const sessions = await checkedCall("GET", "/user/sessions", { token: admin });
    await checkedCall("DELETE", "/user/sessions/not-one-of-mine", { token: admin });
    const extra = await login(registry, "admin@example.com");
    const extraId = (
      await call<{ sessions: { id: string; current: boolean }[] }>(
        registry,
        "GET",
        "/user/sessions",
        { token: extra },
      )
    ).body.sessions.find((s) => s.current)!.id;
    await checkedCall("DELETE", `/user/sessions/${extraId}`, { token: admin });
    expect(sessions.status).toBe(200);
    await checkedCall("GET", "/user");

    await checkedCall("POST", "/publishing-identity", { token: admin, json: { name: "acme" } });
    await checkedCall("POST", "/publishing-identity", { token: admin, json: { name: "acme" } });
    await checkedCall("PUT", "/publishing-identity/acme/members/other@example.com", {
      token: admin,
      json: { role: "publish" },
    });
    await checkedCall("GET", "/publishing-identity/acme", { token: admin });
    await checkedCall("GET", "/publishing-identity/acme");
    await checkedCall("GET", "/publishing-identity/acme/members", { token: other });
    await checkedCall("GET", "/publishing-identity/acme/members");
    await checkedCall("GET", "/publishing-identity/acme/audit", { token: admin });

    await checkedCall("PUT", "/packages/acme/widgets/1.0.0", {
      token: other,
      body: packageBundle({ name: "acme/widgets", version: "1.0.0" }),
    });
    await checkedCall("PUT", "/packages/acme/widgets/1.0.1", {
      token: other,
      body: new TextEncoder().encode("not gzip"),
    });
    await publish(registry, other, "acme/widgets", "1.1.0");
    // A bundle with its README beside it, as the multipart body the document describes.
    const gadgets = await putBundleWithReadme(
      registry,
      other,
      "/packages/acme/gadgets/1.0.0",
      packageBundle({ name: "acme/gadgets", version: "1.0.0" }),
      "# acme/gadgets\n\nGadgets.\n",
    );
    expectDocumented("PUT", "/packages/acme/gadgets/1.0.0", gadgets.status, gadgets.body);
    const readme = await fetch(`${registry.url}/packages/acme/gadgets/1.0.0/readme`);
    expect(readme.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
    expectDocumented("GET", "/packages/acme/gadgets/1.0.0/readme", readme.status, undefined);
    await checkedCall("GET", "/packages/acme/widgets/1.1.0/readme");
    await checkedCall("GET", "/packages/acme/widgets/downloads");
    await checkedCall("GET", "/packages/acme/nothing/downloads");
    await checkedCall("GET", "/packages/acme/widgets/dependents");
    for (const path of ["/feed.atom", "/packages/acme/widgets/feed.atom"]) {
      const feed = await fetch(registry.url + path);
      expect(feed.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
      expectDocumented("GET", path, feed.status, undefined);
    }
    await checkedCall("GET", "/packages/acme/widgets/changes/1.0.0/1.1.0");
    await checkedCall("GET", "/packages/acme/widgets/changes/1.1.0/1.0.0");
    await checkedCall("GET", "/packages/acme/widgets/changes/1.0.0/9.0.0");
    await checkedCall("POST", "/packages/acme/widgets/check", {
      token: other,
      body: packageBundle({ name: "acme/widgets", version: "1.2.0" }),
    });
    await checkedCall("POST", "/packages/acme/widgets/check", {
      token: other,
      body: packageBundle({ name: "acme/widgets", version: "1.3.0" }),
    });
    await checkedCall("GET", "/packages?q=widgets");
    await checkedCall("GET", "/packages?limit=0");
    await checkedCall("GET", "/packages/acme/widgets");
    await checkedCall("GET", "/packages/acme/nothing");
    await checkedCall("GET", "/packages/acme/widgets/latest?gren=0.6.3");
    await checkedCall("GET", "/packages/acme/widgets/previous/1.1.0");
    await checkedCall("GET", "/packages/acme/widgets/1.0.0");
    const index = await checkedCall("GET", "/packages/acme/widgets/index");
    await checkedCall("GET", "/packages/acme/widgets/index", {
      headers: { "if-none-match": String(index.headers.get("etag")) },
    });
    await checkedCall("GET", "/packages/acme/nothing/index");
    const asked = { grenVersion: "0.6.3", platform: "node" };
    await checkedCall("POST", "/resolve", {
      json: { ...asked, dependencies: { "acme/widgets": "1.0.0 <= v < 2.0.0" } },
    });
    await checkedCall("POST", "/resolve", {
      json: { ...asked, dependencies: { "acme/widgets": "2.0.0 <= v < 3.0.0" } },
    });
    await checkedCall("POST", "/resolve", {
      json: { ...asked, dependencies: { "acme/widgets": "^1" } },
    });
    const bundle = await fetch(`${registry.url}/packages/acme/widgets/1.0.0/bundle`);
    expectDocumented("GET", "/packages/acme/widgets/1.0.0/bundle", bundle.status, undefined);
    await checkedCall("GET", "/packages/acme/widgets/1.0.0/docs.json");
    await checkedCall("GET", "/packages/acme/widgets/9.0.0/docs.json");
    await checkedCall("DELETE", "/packages/acme/widgets/1.0.0", {
      token: other,
      json: { reason: "Broken" },
    });
    await checkedCall("GET", "/packages/acme/widgets/1.0.0/bundle");
    await checkedCall("GET", "/packages/acme/widgets/1.0.0/docs.json");
    await checkedCall("DELETE", "/packages/acme/widgets", {
      token: admin,
      json: { reason: "Retired" },
    });

    const made = await checkedCall("POST", "/tokens", {
      token: admin,
      json: { name: "ci", actions: ["publish"], packages: ["acme/*"] },
    });
    await checkedCall("POST", "/tokens", {
      token: admin,
      json: { name: "ci", actions: ["delete"], packages: ["acme/*"] },
    });
    await checkedCall("GET", "/tokens", { token: admin });
    await checkedCall("PUT", "/packages/acme/widgets/1.2.0", {
      token: String(made.body.token),
      body: packageBundle({ name: "acme/widgets", version: "1.2.0" }),
    });
    await checkedCall("DELETE", `/tokens/${made.body.id}`, { token: admin });
    await checkedCall("DELETE", "/tokens/none", { token: admin });
    const trusted = await checkedCall("POST", "/publishing-identity/acme/trusted-publishers", {
      token: admin,
      json: {
        provider: "github",
        repository: "acme/widgets",
        workflow: "release.yml",
        packages: ["acme/*"],
      },
    });
    await checkedCall("POST", "/publishing-identity/acme/trusted-publishers", {
      token: admin,
      json: {
        provider: "nobody",
        repository: "acme/widgets",
        workflow: "release.yml",
        packages: ["acme/*"],
      },
    });
    await checkedCall("GET", "/publishing-identity/acme/trusted-publishers", { token: admin });
    const audience = await checkedCall("GET", "/trusted-publishing/audience");
    const idToken = await issuer.mint(
      githubClaims("acme/widgets", "release.yml"),
      String(audience.body.audience),
    );
    await checkedCall("POST", "/trusted-publishing/exchange", { json: { token: idToken } });
    await checkedCall("POST", "/trusted-publishing/exchange", { json: { token: idToken } });
    await checkedCall("DELETE", `/publishing-identity/acme/trusted-publishers/${trusted.body.id}`, {
      token: admin,
    });
    for (const path of ["/log/checkpoint", "/log/key"]) {
      const text = await fetch(registry.url + path);
      expect(text.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      expectDocumented("GET", path, text.status, undefined);
    }
    await checkedCall("GET", "/log/entries?start=0&end=2");
    await checkedCall("GET", "/log/entries?start=2&end=1");
    await checkedCall("GET", "/log/proof/inclusion?package=acme/widgets&version=1.1.0");
    await checkedCall("GET", "/log/proof/inclusion?index=0&treeSize=2");
    await checkedCall("GET", "/log/proof/inclusion?index=0");
    await checkedCall("GET", "/log/proof/consistency?from=1&to=3");
    await checkedCall("GET", "/log/proof/consistency?from=3&to=1");

    await checkedCall("GET", "/feed?since=0");
    await checkedCall("GET", "/feed/webhooks", { token: admin });
    await checkedCall("GET", "/feed/webhooks", { token: other });
    await checkedCall("DELETE", "/publishing-identity/acme/members/other@example.com", {
      token: admin,
    });
    await checkedCall("DELETE", "/session", { token: other });

    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const succeeded = operations.filter((operation) =>
      [...(checked.get(operation) ?? [])].some((status) => status < 300),
    );
    expect(succeeded.sort()).toEqual(operations.sort());
  });
});
