import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { RouteOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openRegistry } from "../../src/host/compositionRoot.ts";
import { loadConfig } from "../../src/host/config.ts";
import { ERROR_STATUS } from "../../src/wire/errors.ts";
import { call, startRegistry, type TestRegistry, temporaryDir } from "../support/registry.ts";

// The API reference (docs/API.md) and the README are read by people who write
// clients and run registries. These tests hold them to the server: a route, an
// error code or a configuration variable added without being documented fails
// here.

const ROOT = join(import.meta.dirname, "../..");
const reference = readFileSync(join(ROOT, "docs/API.md"), "utf8");
const readme = readFileSync(join(ROOT, "README.md"), "utf8");

const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "head", "options"];

interface OpenApi {
  paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
}

const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Whether the text names `METHOD /path` as it stands, not as the start of a longer path. */
const namesRoute = (text: string, route: string): boolean =>
  new RegExp(`${escaped(route)}(?![\\w/{}.-])`).test(text);

/** The routes the OpenAPI document describes, as `GET /packages/{author}/{project}`. */
function documentedRoutes(document: OpenApi): string[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations)
      .filter((method) => HTTP_METHODS.includes(method))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

/** The error codes the OpenAPI document's error bodies may carry. */
function documentedErrorCodes(document: OpenApi): string[] {
  const codes = new Set<string>();
  const visit = (value: unknown, key: string | undefined): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item, undefined);
      return;
    }
    if (typeof value !== "object" || value === null) return;
    const schema = value as Record<string, unknown>;
    if (key === "code") {
      for (const code of (schema.enum as unknown[] | undefined) ?? []) codes.add(String(code));
      if (schema.const !== undefined) codes.add(String(schema.const));
    }
    for (const [name, inner] of Object.entries(schema)) visit(inner, name);
  };
  for (const operations of Object.values(document.paths)) {
    for (const operation of Object.values(operations)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (/^[45]/.test(status)) visit(response, undefined);
      }
    }
  }
  return [...codes];
}

/**
 * Every route the server registers, API and pages alike, including those the
 * OpenAPI document leaves out (the live feed, the document itself, the pages).
 */
async function registeredRoutes(): Promise<string[]> {
  const dir = temporaryDir("registry-reference-");
  const config = loadConfig({
    REGISTRY_DB_PATH: join(dir, "registry.db"),
    REGISTRY_MAIL_OUTBOX: join(dir, "outbox.jsonl"),
  });
  if (!config.ok) throw new Error(config.error.join("\n"));
  const { app } = openRegistry({ config: config.value, print: () => {}, logger: false });
  const routes = new Set<string>();
  // Routes are registered when the server gets ready, after this hook is in place.
  app.addHook("onRoute", (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const path = route.url.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
    for (const method of methods) routes.add(`${method.toUpperCase()} ${path}`);
  });
  try {
    await app.ready();
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return [...routes];
}

/** The environment variables the server's configuration reads, by name. */
function configurationVariables(): string[] {
  const read = new Set<string>();
  const watched = new Proxy<Record<string, string | undefined>>(
    {},
    {
      get: (_target, name) => {
        if (typeof name === "string") read.add(name);
        return undefined;
      },
    },
  );
  loadConfig(watched);
  // And any variable the configuration's source names, however it comes to read it.
  const source = readFileSync(join(ROOT, "src/host/config.ts"), "utf8");
  for (const [name] of source.matchAll(/\b(?:REGISTRY|POSTMARK)_[A-Z0-9_]+\b/g)) read.add(name);
  return [...read].filter((name) => /^[A-Z][A-Z0-9_]*$/.test(name));
}

let registry: TestRegistry;
let document: OpenApi;

beforeAll(async () => {
  registry = await startRegistry();
  const answer = await call<OpenApi>(registry, "GET", "/openapi.json");
  expect(answer.status).toBe(200);
  document = answer.body;
});
afterAll(async () => {
  await registry.close();
});

describe("the API reference, docs/API.md", () => {
  it("names every route of the OpenAPI document, by method and path", () => {
    const routes = documentedRoutes(document);
    expect(routes).toContain("GET /packages/{author}/{project}/index");
    const missing = routes.filter((route) => !namesRoute(reference, route));
    expect(missing, "routes that docs/API.md does not name").toEqual([]);
  });

  it("names every route the server answers, the ones left out of the OpenAPI document too", async () => {
    const routes = (await registeredRoutes()).filter((route) => !route.startsWith("HEAD "));
    expect(routes).toEqual(expect.arrayContaining(["GET /feed/live", "GET /openapi.json"]));
    const missing = routes.filter((route) => !namesRoute(reference, route));
    expect(missing, "routes that docs/API.md does not name").toEqual([]);
  });

  it("gives every error code the server can answer with its status", () => {
    const codes = new Set([...Object.keys(ERROR_STATUS), ...documentedErrorCodes(document)]);
    expect(codes).toContain("invalid_request");
    const missing = [...codes].filter((code) => {
      const status = ERROR_STATUS[code as keyof typeof ERROR_STATUS];
      const row = new RegExp(`^\\|\\s*\`${escaped(code)}\`\\s*\\|\\s*${status}\\s*\\|`, "m");
      return status === undefined || !row.test(reference);
    });
    expect(missing, "error codes without a row `code` | status in docs/API.md").toEqual([]);
  });
});

describe("the README", () => {
  it("has a row in its configuration table for every variable the server reads", () => {
    const variables = configurationVariables();
    expect(variables).toEqual(expect.arrayContaining(["REGISTRY_DB_PATH", "REGISTRY_PORT"]));
    const missing = variables.filter(
      (name) => !new RegExp(`^\\|\\s*\`${escaped(name)}\`\\s*\\|`, "m").test(readme),
    );
    expect(missing, "variables without a row in README.md").toEqual([]);
  });

  it("links to the API reference", () => {
    expect(readme.includes("](docs/API.md)"), "README.md links to docs/API.md").toBe(true);
  });
});
