import { randomBytes } from "node:crypto";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contractViolations, type RawAnswer, rawRequest } from "../support/auditWorld.ts";
import {
  gzipBomb,
  makeBundle,
  moduleSource,
  type OutlineJson,
  packageOutline,
} from "../support/bundles.ts";
import { publish } from "../support/publishing.ts";
import { login, startRegistry, type TestRegistry } from "../support/registry.ts";
import { databaseSnapshot } from "../support/snapshot.ts";

// A corpus of requests that are wrong on purpose: broken bundles, JSON bodies,
// paths, query strings and headers, several sent byte for byte over a socket.
// Each one is refused with a 4xx, never a 5xx, whose body is exactly the
// contract's `{code, message}` (with `problems` only where the contract says),
// and none of them changes a single row of the database.

const KIB = 1024;
const MIB = 1024 * KIB;
/** The registry here unpacks at most this much of a bundle. */
const MAX_UNPACKED = 2 * MIB;
/** And takes uploads up to this size. */
const MAX_UPLOAD = 1 * MIB;

let registry: TestRegistry;
let token: string;

beforeAll(async () => {
  registry = await startRegistry({
    REGISTRY_MAX_UNPACKED_BYTES: String(MAX_UNPACKED),
    REGISTRY_MAX_BUNDLE_BYTES: String(MAX_UPLOAD),
  });
  token = await login(registry, "alice@example.com");
  await rawJson("POST", "/publishing-identity", JSON.stringify({ name: "acme" }), { token });
  await publish(registry, token, "acme/widgets", "1.0.0");
  // acme-tools/kit installs as acme_tools_kit, as acme/tools-kit would.
  await rawJson("POST", "/publishing-identity", JSON.stringify({ name: "acme-tools" }), { token });
  await publish(registry, token, "acme-tools/kit", "1.0.0");
});
afterAll(async () => {
  await registry?.close();
});

// ---- Sending requests exactly as written ----

interface Options {
  token?: string | undefined;
  headers?: string[];
}

/** A request line and headers, as given, with the Host and a Content-Length for the body. */
function raw(
  method: string,
  path: string,
  options: Options & { body?: string | Uint8Array } = {},
): Promise<RawAnswer> {
  const body = options.body ?? "";
  const headers = options.headers ?? [];
  const declared = headers.some((h) => /^(content-length|transfer-encoding):/i.test(h));
  const length = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
  return rawRequest(
    registry,
    [
      `${method} ${path} HTTP/1.1`,
      "Host: 127.0.0.1",
      "Connection: close",
      ...(options.token ? [`Authorization: Bearer ${options.token}`] : []),
      ...headers,
      ...(declared || (length === 0 && !["POST", "PUT"].includes(method))
        ? []
        : [`Content-Length: ${length}`]),
    ].join("\r\n"),
    body,
  );
}

/** A JSON body (as text or bytes, which may be anything but JSON). */
const rawJson = (
  method: string,
  path: string,
  body: string | Uint8Array,
  options: Options & { contentType?: string | null | undefined } = {},
) =>
  raw(method, path, {
    ...options,
    body,
    headers: [
      ...(options.contentType === null
        ? []
        : [`Content-Type: ${options.contentType ?? "application/json"}`]),
      ...(options.headers ?? []),
    ],
  });

/** An upload of bundle bytes, as the compiler's client sends it, to version 2.0.0 unless said. */
const upload = (
  bytes: Uint8Array,
  options: { version?: string; contentType?: string | null } = {},
) =>
  rawJson("PUT", `/packages/acme/widgets/${options.version ?? "2.0.0"}`, bytes, {
    token,
    contentType: options.contentType === undefined ? "application/gzip" : options.contentType,
  });

// ---- Bundles, wrong in every way a bundle can be ----

const SOURCES = {
  Widgets: moduleSource("Widgets"),
  "Widgets.Extra": moduleSource("Widgets.Extra"),
};
/** The outline of 2.0.0 with fields replaced; `undefined` leaves one out. */
const outline = (overrides: OutlineJson = {}) =>
  packageOutline({ name: "acme/widgets", version: "2.0.0", ...overrides });
/** A bundle that is right but for its outline. */
const withOutline = (overrides: OutlineJson) =>
  makeBundle({ outline: outline(overrides), sources: SOURCES });
const gzipText = (text: string | Uint8Array) => new Uint8Array(gzipSync(text));
const goodBundle = () => withOutline({});
const valid = JSON.stringify({ outline: outline(), sources: SOURCES });

interface Case {
  title: string;
  /** The status expected; where two are right, either. */
  status: number | readonly number[];
  code?: string;
  send: () => Promise<RawAnswer>;
}

const bundles: Case[] = [
  {
    title: "a bundle that is not gzip",
    status: 400,
    code: "invalid_bundle",
    send: () => upload(new TextEncoder().encode(valid)),
  },
  {
    title: "an empty bundle",
    status: 400,
    code: "invalid_bundle",
    send: () => upload(new Uint8Array(0)),
  },
  {
    title: "a bundle cut in half",
    status: 400,
    code: "invalid_bundle",
    send: () => {
      const bytes = goodBundle();
      return upload(bytes.subarray(0, bytes.length >> 1));
    },
  },
  {
    title: "a bundle of nothing but a gzip header",
    status: 400,
    code: "invalid_bundle",
    send: () => upload(goodBundle().subarray(0, 10)),
  },
  {
    title: "a bundle whose gzip checksum is wrong",
    status: 400,
    code: "invalid_bundle",
    send: () => {
      const bytes = goodBundle().slice();
      bytes[bytes.length - 6] = bytes[bytes.length - 6]! ^ 0xff;
      return upload(bytes);
    },
  },
  {
    title: "a gzip bomb",
    status: 413,
    code: "payload_too_large",
    send: async () => upload(await gzipBomb(16 * MAX_UNPACKED)),
  },
  {
    title: "a bundle with bytes after its gzip data",
    status: 400,
    code: "invalid_bundle",
    send: () => upload(Buffer.concat([goodBundle(), Buffer.from("and then some")])),
  },
  {
    title: "a bundle of two gzip members",
    status: 400,
    code: "invalid_bundle",
    send: () => upload(Buffer.concat([goodBundle(), goodBundle()])),
  },
  {
    title: "a bundle larger than the registry takes",
    status: 413,
    code: "payload_too_large",
    send: () => upload(randomBytes(MAX_UPLOAD + KIB)),
  },
  {
    title: "a bundle whose sources unpack past the limit",
    status: 413,
    code: "payload_too_large",
    send: () =>
      upload(
        makeBundle({
          outline: outline(),
          sources: {
            ...SOURCES,
            Widgets: `${SOURCES.Widgets}${"-- x\n".repeat(MAX_UNPACKED / 4)}`,
          },
        }),
      ),
  },
  {
    title: "a bundle of JSON cut short",
    status: 400,
    code: "invalid_bundle",
    send: () => upload(gzipText(valid.slice(0, -20))),
  },
  {
    title: "a bundle of text that is not JSON",
    status: 400,
    code: "invalid_bundle",
    send: () => upload(gzipText("outline: acme/widgets\nsources: none\n")),
  },
  ...(
    [
      ["an array", "[]"],
      ["a string", '"acme/widgets"'],
      ["a number", "2"],
      ["null", "null"],
    ] as const
  ).map(
    ([what, json]): Case => ({
      title: `a bundle of ${what}`,
      status: 400,
      code: "invalid_bundle",
      send: () => upload(gzipText(json)),
    }),
  ),
  {
    title: "a bundle nesting arrays a hundred thousand deep",
    status: 400,
    code: "invalid_bundle",
    send: () =>
      upload(gzipText(`{"outline": ${"[".repeat(100_000)}${"]".repeat(100_000)}, "sources": {}}`)),
  },
  {
    title: "a bundle nesting objects forty deep in its outline",
    status: 400,
    code: "invalid_bundle",
    send: () => {
      let deep: unknown = "x";
      for (let i = 0; i < 40; i++) deep = { deeper: deep };
      return upload(withOutline({ extra: deep }));
    },
  },
  {
    title: 'a bundle with "outline" twice',
    status: 400,
    code: "invalid_bundle",
    send: () =>
      upload(
        gzipText(
          `{"outline": ${JSON.stringify(outline())}, "outline": ${JSON.stringify(outline({ license: "MIT" }))}, "sources": ${JSON.stringify(SOURCES)}}`,
        ),
      ),
  },
  {
    title: 'a bundle whose outline has "license" twice',
    status: 400,
    code: "invalid_bundle",
    send: () =>
      upload(
        gzipText(
          valid.replace('"license":"BSD-3-Clause"', '"license":"BSD-3-Clause","license":"MIT"'),
        ),
      ),
  },
  {
    title: 'a bundle whose outline has "__proto__"',
    status: 400,
    code: "invalid_bundle",
    send: () =>
      upload(
        gzipText(
          valid.replace('"type":"package"', '"type":"package","__proto__":{"private":true}'),
        ),
      ),
  },
  {
    title: 'a bundle with a key beside "outline" and "sources"',
    status: 400,
    code: "invalid_bundle",
    send: () =>
      upload(gzipText(JSON.stringify({ outline: outline(), sources: SOURCES, scripts: {} }))),
  },
  {
    title: "a bundle without an outline",
    status: 400,
    code: "invalid_bundle",
    send: () => upload(gzipText(JSON.stringify({ sources: SOURCES }))),
  },
  {
    title: "a bundle without sources",
    status: 400,
    code: "invalid_bundle",
    send: () => upload(gzipText(JSON.stringify({ outline: outline() }))),
  },
  {
    title: "a bundle whose sources are an array",
    status: 400,
    code: "invalid_bundle",
    send: () =>
      upload(gzipText(JSON.stringify({ outline: outline(), sources: Object.values(SOURCES) }))),
  },
  {
    title: "a bundle with a source that is a number",
    status: 400,
    code: "invalid_bundle",
    send: () => upload(makeBundle({ outline: outline(), sources: { ...SOURCES, Widgets: 42 } })),
  },
  {
    title: "a bundle with a source for something that is no module name",
    status: 400,
    code: "invalid_bundle",
    send: () =>
      upload(makeBundle({ outline: outline(), sources: { ...SOURCES, "../../etc/passwd": "x" } })),
  },
  {
    title: "a bundle with a source for a module name holding a NUL",
    status: 400,
    code: "invalid_bundle",
    send: () =>
      upload(makeBundle({ outline: outline(), sources: { ...SOURCES, "Widgets\u0000": "x" } })),
  },
  {
    title: "a bundle exposing a module it has no source for",
    status: 400,
    code: "invalid_bundle",
    send: () => upload(makeBundle({ outline: outline(), sources: { Widgets: SOURCES.Widgets } })),
  },
  {
    title: "a bundle with kernel code from an identity not allowed any",
    status: 400,
    code: "invalid_bundle",
    send: () =>
      upload(
        makeBundle({
          outline: outline(),
          sources: { ...SOURCES, "Gren.Kernel.Widgets": "var _Widgets_x = 1;" },
        }),
      ),
  },
  {
    title: "a bundle whose outline is a string",
    status: 400,
    code: "invalid_bundle",
    send: () => upload(makeBundle({ outline: "acme/widgets 2.0.0", sources: SOURCES })),
  },
  ...(
    [
      ["type", 1],
      ["platform", ["node"]],
      ["name", 7],
      ["summary", { text: "Widgets" }],
      ["license", true],
      ["version", 2],
      ["exposed-modules", "Widgets"],
      ["gren-version", 6],
      ["dependencies", []],
      ["private", "yes"],
    ] as const
  ).map(
    ([field, value]): Case => ({
      title: `a bundle whose outline's "${field}" is ${JSON.stringify(value)}`,
      status: 400,
      code: "invalid_bundle",
      send: () => upload(withOutline({ [field]: value })),
    }),
  ),
  ...[
    "type",
    "platform",
    "name",
    "summary",
    "license",
    "version",
    "exposed-modules",
    "gren-version",
    "dependencies",
  ].map(
    (field): Case => ({
      title: `a bundle whose outline has no "${field}"`,
      status: 400,
      code: "invalid_bundle",
      send: () => upload(withOutline({ [field]: undefined })),
    }),
  ),
  ...(
    [
      ["type", "application"],
      ["platform", "deno"],
      ["name", "acme/Widgets"],
      ["summary", "helpful summary of your project, less than 80 characters"],
      ["summary", "w".repeat(MIB)],
      ["license", "Nonsense-1.0"],
      ["version", "2.0"],
      ["exposed-modules", ["widgets"]],
      ["gren-version", "whatever"],
      ["dependencies", { "not a name": "1.0.0 <= v < 2.0.0" }],
      ["dependencies", { "acme/widgets": "^1.0.0" }],
      ["dependencies", { "acme/nothing": "1.0.0 <= v < 2.0.0" }],
      ["name", "acme/gadgets"],
      ["version", "3.0.0"],
      ["private", true],
    ] as const
  ).map(
    ([field, value]): Case => ({
      title: `a bundle whose outline's "${field}" is ${JSON.stringify(value).slice(0, 60)}`,
      status: 400,
      code: "invalid_bundle",
      send: () => upload(withOutline({ [field]: value })),
    }),
  ),
  {
    title: "a bundle that is not UTF-8",
    status: 400,
    code: "invalid_bundle",
    send: () => {
      const text = Buffer.from(valid.replace("Widgets for", "Widgets \u0001for"));
      text[text.indexOf(1)] = 0xff;
      return upload(gzipText(text));
    },
  },
  {
    title: "a bundle that starts with a byte order mark",
    status: 400,
    code: "invalid_bundle",
    send: () => upload(gzipText(`\ufeff${valid}`)),
  },
  {
    title: "a bundle in UTF-16",
    status: 400,
    code: "invalid_bundle",
    send: () => upload(gzipText(Buffer.from(`\ufeff${valid}`, "utf16le"))),
  },
  {
    title: "a bundle in zlib rather than gzip",
    status: 400,
    code: "invalid_bundle",
    send: () => upload(new Uint8Array(deflateSync(valid))),
  },
  {
    title: "a bundle in brotli rather than gzip",
    status: 400,
    code: "invalid_bundle",
    send: () => upload(new Uint8Array(brotliCompressSync(valid))),
  },
  {
    title: "a bundle with fifty thousand sources that are no module names",
    status: 400,
    code: "invalid_bundle",
    send: () =>
      upload(
        makeBundle({
          outline: outline(),
          sources: {
            ...SOURCES,
            ...Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`m${i}`, ""])),
          },
        }),
      ),
  },
  {
    title: 'a bundle with a source named "__proto__"',
    status: 400,
    code: "invalid_bundle",
    send: () =>
      upload(
        gzipText(valid.replace('"sources":{', '"sources":{"__proto__":"module X exposing (..)",')),
      ),
  },
  {
    title: "a bundle exposing a module whose name is 300 bytes",
    status: 400,
    code: "invalid_bundle",
    send: () => {
      const long = `W${"w".repeat(299)}`;
      return upload(
        makeBundle({
          outline: outline({ "exposed-modules": [long] }),
          sources: { [long]: moduleSource(long) },
        }),
      );
    },
  },
  {
    title: "a bundle grouping its modules under a name of 40 bytes",
    status: 400,
    code: "invalid_bundle",
    send: () =>
      upload(
        withOutline({ "exposed-modules": { ["G".repeat(40)]: ["Widgets", "Widgets.Extra"] } }),
      ),
  },
  {
    title: "a version that is already published",
    status: 409,
    code: "conflict",
    send: () => upload(withOutline({ version: "1.0.0" }), { version: "1.0.0" }),
  },
  {
    title: "a package that would install as the same file as another",
    status: 409,
    code: "conflict",
    send: () =>
      rawJson(
        "PUT",
        "/packages/acme/tools-kit/1.0.0",
        makeBundle({
          outline: outline({ name: "acme/tools-kit", version: "1.0.0" }),
          sources: SOURCES,
        }),
        { token, contentType: "application/gzip" },
      ),
  },
  {
    title: "a bundle published under its identity spelled in upper case",
    status: 400,
    code: "invalid_request",
    send: () =>
      rawJson("PUT", "/packages/ACME/widgets/2.0.0", withOutline({ name: "ACME/widgets" }), {
        token,
        contentType: "application/gzip",
      }),
  },
  {
    title: "a bundle sent as text/plain",
    status: 400,
    code: "invalid_request",
    send: () => upload(goodBundle(), { contentType: "text/plain" }),
  },
  {
    title: "a bundle sent as JSON",
    status: 400,
    code: "invalid_request",
    send: () => upload(goodBundle(), { contentType: "application/json" }),
  },
  {
    title: "a bundle sent without a Content-Type",
    status: 400,
    code: "invalid_request",
    send: () => upload(goodBundle(), { contentType: null }),
  },
  ...["01.0.0", "2.0", "2.0.0.0", "-2.0.0", "65536.0.0", "2.0.0-beta"].map(
    (version): Case => ({
      title: `a bundle published as version ${version}`,
      status: 400,
      code: "invalid_request",
      send: () => upload(withOutline({ version }), { version }),
    }),
  ),
];

// ---- JSON bodies ----

const MEMBER = "/publishing-identity/acme/members/bob%40example.com";
const REVOKE = "/packages/acme/widgets/1.0.0";

/** A JSON body sent to a route by alice. */
const body = (
  title: string,
  method: string,
  path: string,
  text: string | Uint8Array,
  options: {
    contentType?: string | null;
    status?: number;
    code?: string;
    anonymous?: boolean;
  } = {},
): Case => ({
  title,
  status: options.status ?? 400,
  code: options.code ?? "invalid_request",
  send: () =>
    rawJson(method, path, text, {
      token: options.anonymous ? undefined : token,
      contentType: options.contentType,
    }),
});

const invalidUtf8 = Buffer.concat([
  Buffer.from('{"email": "'),
  Buffer.from([0xc3, 0x28, 0xff]),
  Buffer.from('@example.com"}'),
]);
const deep = (depth: number) => `${"[".repeat(depth)}"x"${"]".repeat(depth)}`;

const jsonBodies: Case[] = [
  body("invalid JSON to POST /session", "POST", "/session", '{"email": '),
  body(
    "JSON with a trailing comma to POST /session",
    "POST",
    "/session",
    '{"email": "a@example.com",}',
  ),
  body("JSON that is not UTF-8 to POST /session", "POST", "/session", invalidUtf8),
  body("a number for the email to POST /session", "POST", "/session", '{"email": 5}'),
  body("no email to POST /session", "POST", "/session", "{}"),
  body(
    "an array instead of an object to POST /session",
    "POST",
    "/session",
    '[{"email": "a@example.com"}]',
  ),
  body("null to POST /session", "POST", "/session", "null"),
  body("a bare string to POST /session", "POST", "/session", '"a@example.com"'),
  body(
    "__proto__ to POST /session",
    "POST",
    "/session",
    '{"__proto__": {"email": "a@example.com"}}',
  ),
  body(
    "the email twice to POST /session",
    "POST",
    "/session",
    '{"email": "a@example.com", "email": "b@example.com"}',
  ),
  body("an email nested nine deep to POST /session", "POST", "/session", `{"email": ${deep(9)}}`),
  body("JSON nested twenty thousand deep to POST /session", "POST", "/session", deep(20_000)),
  body(
    "something that is no email address to POST /session",
    "POST",
    "/session",
    '{"email": "not an address"}',
  ),
  body(
    "an email address of 400 characters to POST /session",
    "POST",
    "/session",
    JSON.stringify({ email: `${"a".repeat(388)}@example.com` }),
  ),
  body(
    "an email with a NUL to POST /session",
    "POST",
    "/session",
    '{"email": "a\\u0000@example.com"}',
  ),
  body(
    "a huge extra field to POST /session",
    "POST",
    "/session",
    JSON.stringify({ email: "a@example.com", padding: "x".repeat(70 * KIB) }),
    { status: 413, code: "payload_too_large" },
  ),
  body("an empty body with a JSON Content-Type to POST /session", "POST", "/session", ""),
  body("only white space to POST /session", "POST", "/session", "  \r\n "),
  body(
    "a body without a Content-Type to POST /session",
    "POST",
    "/session",
    '{"email": "a@example.com"}',
    { contentType: null },
  ),
  body("a body as text/plain to POST /session", "POST", "/session", '{"email": "a@example.com"}', {
    contentType: "text/plain",
  }),
  body("a body as form data to POST /session", "POST", "/session", "email=a%40example.com", {
    contentType: "application/x-www-form-urlencoded",
  }),
  body(
    "a body in a charset the registry does not read to POST /session",
    "POST",
    "/session",
    Buffer.from('{"email": "a@example.com"}', "utf16le"),
    { contentType: "application/json; charset=utf-16" },
  ),
  body("a broken Content-Type to POST /session", "POST", "/session", '{"email": "a@example.com"}', {
    contentType: ";;;/",
  }),
  body("nothing to POST /session/fetch", "POST", "/session/fetch", "{}"),
  body(
    "numbers to POST /session/fetch",
    "POST",
    "/session/fetch",
    '{"fetchSessionToken": 1, "emailConfirmationCode": 2}',
  ),
  body(
    "a made-up token to POST /session/fetch",
    "POST",
    "/session/fetch",
    '{"fetchSessionToken": "00000000-0000-0000-0000-000000000000", "emailConfirmationCode": "ABCDEFGH"}',
  ),
  body("invalid JSON to POST /session/fetch", "POST", "/session/fetch", "{fetchSessionToken}"),
  body(
    "a number for the name to POST /publishing-identity",
    "POST",
    "/publishing-identity",
    '{"name": 5}',
  ),
  body("no name to POST /publishing-identity", "POST", "/publishing-identity", "{}"),
  body(
    "a name that breaks the rules to POST /publishing-identity",
    "POST",
    "/publishing-identity",
    '{"name": "-acme-"}',
  ),
  body(
    "a name of 300 characters to POST /publishing-identity",
    "POST",
    "/publishing-identity",
    JSON.stringify({ name: "a".repeat(300) }),
  ),
  body(
    "a name in Cyrillic to POST /publishing-identity",
    "POST",
    "/publishing-identity",
    '{"name": "\u0430cme"}',
  ),
  body("a gzip body to POST /session", "POST", "/session", gzipText('{"email": "a@example.com"}'), {
    contentType: "application/gzip",
  }),
  body("a gzip body to revoke a version", "DELETE", REVOKE, gzipText('{"reason": "x"}'), {
    contentType: "application/gzip",
  }),
  body(
    "a member address with a right-to-left override to PUT a member",
    "PUT",
    "/publishing-identity/acme/members/a%E2%80%AEmoc.elpmaxe%40b",
    '{"role": "download"}',
  ),
  body(
    "a thousand and five hundred dependencies to POST /resolve",
    "POST",
    "/resolve",
    JSON.stringify({
      grenVersion: "0.6.5",
      platform: "node",
      dependencies: Object.fromEntries(
        Array.from({ length: 1500 }, (_, i) => [`acme/p${i}`, "1.0.0"]),
      ),
    }),
  ),
  body(
    "an empty range to POST /resolve",
    "POST",
    "/resolve",
    '{"grenVersion": "0.6.5", "platform": "node", "dependencies": {"acme/widgets": "1.0.0 <= v < 1.0.0"}}',
  ),
  body(
    "a compiler version past the largest to POST /resolve",
    "POST",
    "/resolve",
    '{"grenVersion": "65536.0.0", "platform": "node", "dependencies": {}}',
  ),
  body(
    "a number for the session to POST /publishing-identity",
    "POST",
    "/publishing-identity",
    '{"name": "widgeteers", "session": 5}',
    { anonymous: true },
  ),
  body("a role that does not exist to PUT a member", "PUT", MEMBER, '{"role": "owner"}'),
  body("a number for the role to PUT a member", "PUT", MEMBER, '{"role": 1}'),
  body("null for the role to PUT a member", "PUT", MEMBER, '{"role": null}'),
  body("no role to PUT a member", "PUT", MEMBER, "{}"),
  body("an array to PUT a member", "PUT", MEMBER, '["admin"]'),
  body("the role twice to PUT a member", "PUT", MEMBER, '{"role": "download", "role": "admin"}'),
  body("__proto__ to PUT a member", "PUT", MEMBER, '{"__proto__": {"role": "admin"}}'),
  body("a role with a NUL to PUT a member", "PUT", MEMBER, '{"role": "admin\\u0000"}'),
  body("a role in upper case to PUT a member", "PUT", MEMBER, '{"role": "ADMIN"}'),
  body("no reason to revoke a version", "DELETE", REVOKE, "{}"),
  body("an empty reason to revoke a version", "DELETE", REVOKE, '{"reason": ""}'),
  body("a blank reason to revoke a version", "DELETE", REVOKE, '{"reason": " \\t\\n "}'),
  body("a number for the reason to revoke a version", "DELETE", REVOKE, '{"reason": 5}'),
  body(
    "a reason of 1001 characters to revoke a version",
    "DELETE",
    REVOKE,
    JSON.stringify({ reason: "r".repeat(1001) }),
  ),
  body(
    "a reason given twice to revoke a version",
    "DELETE",
    REVOKE,
    '{"reason": "one", "reason": "two"}',
  ),
  body("invalid JSON to revoke a version", "DELETE", REVOKE, '{"reason": "broken'),
  body("no body to revoke a version", "DELETE", REVOKE, "", { contentType: null }),
  body("no reason to revoke a package", "DELETE", "/packages/acme/widgets", "{}"),
  body("an array to revoke a package", "DELETE", "/packages/acme/widgets", '[{"reason": "x"}]'),
  body("nothing to POST /resolve", "POST", "/resolve", "{}"),
  body(
    "a compiler version that is none to POST /resolve",
    "POST",
    "/resolve",
    '{"grenVersion": "latest", "platform": "node", "dependencies": {}}',
  ),
  body(
    "a platform that is none to POST /resolve",
    "POST",
    "/resolve",
    '{"grenVersion": "0.6.5", "platform": "deno", "dependencies": {}}',
  ),
  body(
    "dependencies as an array to POST /resolve",
    "POST",
    "/resolve",
    '{"grenVersion": "0.6.5", "platform": "node", "dependencies": ["acme/widgets"]}',
  ),
  body(
    "a dependency that is no package name to POST /resolve",
    "POST",
    "/resolve",
    '{"grenVersion": "0.6.5", "platform": "node", "dependencies": {"widgets": "1.0.0"}}',
  ),
  body(
    "a range that is none to POST /resolve",
    "POST",
    "/resolve",
    '{"grenVersion": "0.6.5", "platform": "node", "dependencies": {"acme/widgets": "^1"}}',
  ),
  body(
    "__proto__ as a dependency to POST /resolve",
    "POST",
    "/resolve",
    '{"grenVersion": "0.6.5", "platform": "node", "dependencies": {"__proto__": "1.0.0"}}',
  ),
];

// ---- Paths ----

const get = (title: string, path: string, status = 400, code?: string): Case => ({
  title,
  status,
  ...(code ? { code } : status === 400 ? { code: "invalid_request" } : {}),
  send: () => raw("GET", path),
});

const paths: Case[] = [
  get("a broken %-escape", "/packages/acme/%E0%A4%A"),
  get("a %-escape that is no hex", "/packages/acme/%zz"),
  get("an escaped byte that is not UTF-8", "/packages/acme/widgets%FF"),
  get("an escaped NUL", "/packages/acme/widgets%00"),
  get("an escaped line feed", "/packages/acme/wid%0Agets"),
  get("an escape sequence that clears a terminal", "/packages/acme/%1B%5B2J"),
  get("an escaped NUL in a version", "/packages/acme/widgets/1.0.0%00"),
  get("a raw NUL", "/packages/acme/wid\u0000gets"),
  get("a raw control character", "/packages/acme/wid\u0001gets"),
  get("a raw DEL", "/packages/acme/wid\u007fgets"),
  get("a raw tab", "/packages/acme/wid\tgets"),
  get("a segment of 2000 characters", `/packages/acme/${"w".repeat(2000)}`),
  get("a segment of 300 characters", `/packages/acme/${"w".repeat(300)}`),
  get("an identity name of 255 characters", `/publishing-identity/${"a".repeat(255)}`),
  get("a path of 20 KiB", `/packages/acme/${"w/".repeat(10 * KIB)}`),
  get("a Cyrillic look-alike of an identity", "/packages/%D0%B0cme/widgets"),
  get("a full-width look-alike of a project", "/packages/acme/%EF%BD%97idgets"),
  get("a Cyrillic look-alike sent as raw UTF-8", "/packages/\u0430cme/widgets"),
  get("a dot-dot segment", "/packages/acme/../acme/widgets", 404, "not_found"),
  get("an escaped dot-dot segment", "/packages/acme/%2e%2e"),
  get("an escaped slash", "/packages/acme%2Fwidgets/1.0.0"),
  get("a double slash before packages", "//packages/acme/widgets", 404, "not_found"),
  get("an empty identity", "/packages//widgets"),
  get("an empty version", "/packages/acme/widgets//bundle"),
  get("a project in upper case", "/packages/acme/Widgets"),
  get("an identity with a double dash", "/publishing-identity/ac--me"),
  get("an identity starting with a dash", "/publishing-identity/-acme"),
  ...[
    "01.0.0",
    "1.0",
    "1.0.0.0",
    "-1.0.0",
    "65536.0.0",
    "1.0.0-beta",
    "1.0.0+build",
    "v1.0.0",
    "1.0.0%20",
    "%D9%A1.%D9%A0.%D9%A0",
    "99999999999999999999.0.0",
  ].map((version) => get(`the version ${version}`, `/packages/acme/widgets/${version}`)),
  get("a bundle of the version 1.0", "/packages/acme/widgets/1.0/bundle"),
  get("the version before 01.0.0", "/packages/acme/widgets/previous/01.0.0"),
  get("the version before 65536.0.0", "/packages/acme/widgets/previous/65536.0.0"),
  {
    title: "a revocation of the version 1.0",
    status: 400,
    code: "invalid_request",
    send: () => rawJson("DELETE", "/packages/acme/widgets/1.0", '{"reason": "x"}', { token }),
  },
  {
    title: "a member whose address is none",
    status: 400,
    code: "invalid_request",
    send: () =>
      rawJson("PUT", "/publishing-identity/acme/members/not-an-address", '{"role": "download"}', {
        token,
      }),
  },
  {
    title: "a member address of 400 characters",
    status: 400,
    code: "invalid_request",
    send: () =>
      rawJson(
        "PUT",
        `/publishing-identity/acme/members/${"a".repeat(388)}%40example.com`,
        '{"role": "download"}',
        { token },
      ),
  },
  {
    title: "a session id of 200 characters",
    status: 400,
    code: "invalid_request",
    send: () => raw("DELETE", `/user/sessions/${"0".repeat(200)}`, { token }),
  },
  {
    title: "a session id that is an escaped NUL",
    status: 404,
    code: "not_found",
    send: () => raw("DELETE", "/user/sessions/%00", { token }),
  },
];

// ---- Query strings ----

const queries: Case[] = [
  ...["0", "101", "-1", "abc", "1e2", "99999", "%00", "1&limit=2", "", "1.5", "%201"].map((limit) =>
    get(`a listing with limit=${limit}`, `/packages?limit=${limit}`),
  ),
  get("a search for a NUL", "/packages?q=%00"),
  get("a search of 201 characters", `/packages?q=${"q".repeat(201)}`),
  get("a search twice", "/packages?q=widgets&q=gadgets"),
  get("a search of 10 KiB", `/packages?q=${"q".repeat(10 * KIB)}`),
  get("a cursor of 301 characters", `/packages?cursor=${"c".repeat(301)}`),
  get("a cursor twice", "/packages?cursor=a&cursor=b"),
  get("a cursor holding a NUL", "/packages?cursor=acme%2Fwidgets%00"),
  ...["-1", "abc", "1.5", "1234567890123456", "%00", "1&since=2", "1e3"].map((since) =>
    get(`the feed since=${since}`, `/feed?since=${since}`),
  ),
  ...["0", "1001", "abc"].map((limit) =>
    get(`the feed with limit=${limit}`, `/feed?limit=${limit}`),
  ),
  ...["abc", "0.6", "%00", `${"9".repeat(300)}`, "0.6.0&gren=0.7.0"].map((gren) =>
    get(
      `the latest version for gren=${gren.slice(0, 20)}`,
      `/packages/acme/widgets/latest?gren=${gren}`,
    ),
  ),
];

// ---- Headers ----

/** A request on the raw socket, headers as given. */
const rawCase = (
  title: string,
  status: number,
  code: string,
  head: string,
  rawBody = "",
): Case => ({
  title,
  status,
  code,
  send: () => rawRequest(registry, head, rawBody),
});
const HEAD = (line: string, ...headers: string[]) =>
  [line, "Host: 127.0.0.1", "Connection: close", ...headers].join("\r\n");

const withAuthorization = (title: string, value: string, path = "/user"): Case => ({
  title,
  status: 401,
  code: "unauthenticated",
  send: () => raw("GET", path, { headers: [`Authorization: ${value}`] }),
});

const headers: Case[] = [
  rawCase(
    "a header of 20 KiB",
    400,
    "invalid_request",
    HEAD("GET /packages HTTP/1.1", `X-Filler: ${"x".repeat(20 * KIB)}`),
  ),
  rawCase(
    "two thousand headers",
    400,
    "invalid_request",
    HEAD("GET /packages HTTP/1.1", ...Array.from({ length: 2000 }, (_, i) => `X-H${i}: ${i}`)),
  ),
  rawCase(
    "a header name with a space",
    400,
    "invalid_request",
    HEAD("GET /packages HTTP/1.1", "Bad Header: x"),
  ),
  rawCase(
    "a header value with a control character",
    400,
    "invalid_request",
    HEAD("GET /packages HTTP/1.1", "Accept: application/json\u0001"),
  ),
  rawCase("no Host header", 400, "invalid_request", "GET /packages HTTP/1.1\r\nConnection: close"),
  rawCase("a request line of garbage", 400, "invalid_request", "\u0016\u0003\u0001 garbage"),
  rawCase(
    "an HTTP version that does not exist",
    400,
    "invalid_request",
    HEAD("GET /packages HTTP/7.3"),
  ),
  withAuthorization("an Authorization that is Basic", "Basic YWxpY2U6c2VjcmV0"),
  withAuthorization("an Authorization of Bearer alone", "Bearer"),
  withAuthorization("an Authorization of Bearer and two words", "Bearer abc def"),
  withAuthorization("an Authorization of Bearer and junk", "Bearer not-a-token"),
  withAuthorization("an Authorization of Bearer and 5000 characters", `Bearer ${"t".repeat(5000)}`),
  withAuthorization(
    "an Authorization of Bearer and junk on a public route",
    "Bearer not-a-token",
    "/packages/acme/widgets",
  ),
  withAuthorization(
    "an Authorization of Bearer and junk on the listing",
    "Bearer not-a-token",
    "/packages?q=widgets",
  ),
  {
    title: "an Authorization of a session token with junk after it",
    status: 401,
    code: "unauthenticated",
    send: () => raw("GET", "/user", { headers: [`Authorization: Bearer ${token}x`] }),
  },
  {
    // Refusing the request outright (400) and refusing the junk (401) both refuse it.
    title: "two Authorization headers, junk first",
    status: [400, 401],
    send: () =>
      raw("GET", "/user", {
        headers: ["Authorization: Bearer not-a-token", `Authorization: Bearer ${token}`],
      }),
  },
  {
    title: "two Authorization headers, the session first",
    status: 400,
    code: "invalid_request",
    send: () =>
      raw("GET", "/user", {
        headers: [`Authorization: Bearer ${token}`, "Authorization: Bearer not-a-token"],
      }),
  },
  {
    title: "a huge Content-Length with no body, on a JSON route",
    status: 413,
    code: "payload_too_large",
    send: () =>
      raw("POST", "/session", {
        headers: ["Content-Type: application/json", "Content-Length: 1000000000000"],
      }),
  },
  {
    title: "a huge Content-Length with no body, on an upload",
    status: 413,
    code: "payload_too_large",
    send: () =>
      raw("PUT", "/packages/acme/widgets/2.0.0", {
        token,
        headers: ["Content-Type: application/gzip", "Content-Length: 1000000000000"],
      }),
  },
  ...["abc", "-1", "1, 2", "0x10", "1.5"].map((length) =>
    rawCase(
      `a Content-Length of ${length}`,
      400,
      "invalid_request",
      HEAD("POST /session HTTP/1.1", "Content-Type: application/json", `Content-Length: ${length}`),
      '{"email": "a@example.com"}',
    ),
  ),
  rawCase(
    "two Content-Lengths that differ",
    400,
    "invalid_request",
    HEAD(
      "POST /session HTTP/1.1",
      "Content-Type: application/json",
      "Content-Length: 5",
      "Content-Length: 26",
    ),
    '{"email": "a@example.com"}',
  ),
  rawCase(
    "a Content-Length beside chunked encoding",
    400,
    "invalid_request",
    HEAD(
      "POST /session HTTP/1.1",
      "Content-Type: application/json",
      "Content-Length: 26",
      "Transfer-Encoding: chunked",
    ),
    '1a\r\n{"email": "a@example.com"}\r\n0\r\n\r\n',
  ),
  rawCase(
    "a chunk size that is no number",
    400,
    "invalid_request",
    HEAD("POST /session HTTP/1.1", "Content-Type: application/json", "Transfer-Encoding: chunked"),
    'zz\r\n{"email": "a@example.com"}\r\n0\r\n\r\n',
  ),
  rawCase(
    "a transfer encoding that does not exist",
    400,
    "invalid_request",
    HEAD("POST /session HTTP/1.1", "Content-Type: application/json", "Transfer-Encoding: rot13"),
    '{"email": "a@example.com"}',
  ),
  {
    title: "an Accept whose qualities are no numbers",
    status: 404,
    code: "not_found",
    send: () =>
      raw("GET", "/packages/acme/nothing", {
        headers: ["Accept: text/html;q=abc, application/json;q=x"],
      }),
  },
  {
    title: "an Accept of nothing the registry writes",
    status: 404,
    code: "not_found",
    send: () => raw("GET", "/packages/acme/nothing", { headers: ["Accept: image/png"] }),
  },
  {
    title: "an Accept of 8 KiB of commas",
    status: 404,
    code: "not_found",
    send: () =>
      raw("GET", "/packages/acme/nothing", { headers: [`Accept: ${",".repeat(8 * KIB)}`] }),
  },
  {
    title: "a plain GET of the live feed, without a WebSocket upgrade",
    status: 400,
    code: "invalid_request",
    send: () => raw("GET", "/feed/live?since=0"),
  },
  {
    title: "a WebSocket upgrade of a version the registry does not speak",
    status: 400,
    code: "invalid_request",
    send: () =>
      raw("GET", "/feed/live?since=0", {
        headers: [
          "Upgrade: websocket",
          "Connection: Upgrade",
          "Sec-WebSocket-Version: 99",
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
        ],
      }),
  },
  {
    title: "an Expect the registry does not meet",
    status: 400,
    code: "invalid_request",
    send: () =>
      raw("POST", "/session", {
        headers: ["Content-Type: application/json", "Expect: the-unexpected"],
        body: '{"email": "a@example.com"}',
      }),
  },
];

// ---- Odd but valid: answered normally, still without a 5xx or a change ----

const odd: Case[] = [
  ...['"', "NEAR(", "a OR", "widgets*", "col:widgets", "%", "_", "'; DROP TABLE users;--"].map(
    (q): Case => get(`a search for ${q}`, `/packages?q=${encodeURIComponent(q)}`, 200),
  ),
  get("a cursor past every name", "/packages?cursor=zzzz", 200),
  get("a query parameter named __proto__", "/packages?__proto__=1&constructor=2", 200),
  get("a query parameter no route reads", "/feed?since=0&debug=true", 200),
  {
    title: "an If-None-Match of garbage",
    status: 200,
    send: () =>
      raw("GET", "/packages/acme/widgets/1.0.0/bundle", {
        headers: [`If-None-Match: W/"", *x, ,,, ${'"'.repeat(500)}`],
      }),
  },
  {
    title: "an Accept of everything at once",
    status: 200,
    send: () =>
      raw("GET", "/packages/acme/widgets", {
        headers: [
          `Accept: ${Array.from({ length: 500 }, (_, i) => `x/y${i};q=0.${i % 10}`).join(",")}`,
        ],
      }),
  },
];

const corpus: Record<string, Case[]> = {
  bundles,
  "JSON bodies": jsonBodies,
  paths,
  "query strings": queries,
  headers,
  "but odd requests": odd,
};

describe("a bad request", () => {
  it("of every kind is in the corpus, a hundred at least", () => {
    const bad = Object.entries(corpus).filter(([group]) => group !== "but odd requests");
    expect(bad.flatMap(([, cases]) => cases).length).toBeGreaterThanOrEqual(100);
  });
});

for (const [group, cases] of Object.entries(corpus)) {
  describe(`bad ${group}`, () => {
    for (const bad of cases) {
      it(`${bad.title}: ${[bad.status].flat().join(" or ")}${bad.code ? ` ${bad.code}` : ""}, and nothing changes`, async () => {
        const before = databaseSnapshot(registry.dbPath);
        const answer = await bad.send();
        const after = databaseSnapshot(registry.dbPath);
        if (group !== "but odd requests" || answer.status >= 400) {
          expect(
            contractViolations(answer.status, answer.json ?? answer.text),
            answer.text.slice(0, 300),
          ).toEqual([]);
        }
        expect([bad.status].flat(), answer.text.slice(0, 300)).toContain(answer.status);
        if (bad.code) expect((answer.json as { code?: string }).code).toBe(bad.code);
        expect(after, "the database changed").toEqual(before);
      });
    }
  });
}
