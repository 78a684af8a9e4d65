import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageBundle } from "../support/bundles.ts";
import {
  createIdentity,
  download,
  putBundle,
  putBundleWithReadme,
  sha256,
} from "../support/publishing.ts";
import { call, login, startRegistry, type TestRegistry } from "../support/registry.ts";

// A package's README travels beside its bundle, in the same publish: kept
// byte for byte with the version, served back as sent, named by its digest in
// the transparency log, and refused (with the version) when it is too large
// or not UTF-8. A bare bundle is published exactly as before.

let registry: TestRegistry;
let token: string;

beforeAll(async () => {
  registry = await startRegistry();
  token = await login(registry, "admin@example.com");
  await createIdentity(registry, token, "acme");
});
afterAll(async () => {
  await registry.close();
});

const bundleOf = (version: string, name = "acme/widgets") => packageBundle({ name, version });

/** The transparency log's entry for a version, decoded. */
async function logEntryOf(name: string, version: string): Promise<Record<string, unknown>> {
  const proof = await call<{ entry: string }>(
    registry,
    "GET",
    `/log/proof/inclusion?package=${encodeURIComponent(name)}&version=${version}`,
  );
  expect(proof.status).toBe(200);
  return JSON.parse(Buffer.from(proof.body.entry, "base64").toString("utf8"));
}

describe("a README sent beside the bundle", () => {
  it("is kept byte for byte, served as sent, and named by its sha256 in the log", async () => {
    const readme = new TextEncoder().encode("# acme/widgets\n\nWidgets — for every occasion. ✨\n");
    const bundle = bundleOf("1.0.0");
    const answer = await putBundleWithReadme(
      registry,
      token,
      "/packages/acme/widgets/1.0.0",
      bundle,
      readme,
    );
    expect(answer.status).toBe(201);
    // The bundle is the compiler's, untouched by travelling beside a README.
    expect(answer.body.sha256).toBe(sha256(bundle));
    const served = await download(registry, "/packages/acme/widgets/1.0.0/bundle");
    expect(sha256(served.bytes)).toBe(sha256(bundle));

    const sent = await fetch(`${registry.url}/packages/acme/widgets/1.0.0/readme`);
    expect(sent.status).toBe(200);
    expect(sent.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
    expect(new Uint8Array(await sent.arrayBuffer())).toEqual(readme);
    const etag = sent.headers.get("etag")!;
    const again = await fetch(`${registry.url}/packages/acme/widgets/1.0.0/readme`, {
      headers: { "if-none-match": etag },
    });
    expect(again.status).toBe(304);

    expect(await logEntryOf("acme/widgets", "1.0.0")).toMatchObject({
      kind: "publish",
      readme: sha256(readme),
    });
  });

  it("is optional: a bare bundle is published as before, with no README and a null in the log", async () => {
    const answer = await putBundle(
      registry,
      token,
      "/packages/acme/widgets/1.1.0",
      bundleOf("1.1.0"),
    );
    expect(answer.status).toBe(201);
    const readme = await call(registry, "GET", "/packages/acme/widgets/1.1.0/readme");
    expect(readme.status).toBe(404);
    expect(readme.body).toMatchObject({
      code: "not_found",
      message: "acme/widgets 1.1.0 was published without a README.",
    });
    expect((await logEntryOf("acme/widgets", "1.1.0")).readme).toBeNull();
  });

  it("refuses the publish when the README is over 512 KiB, and keeps nothing", async () => {
    const answer = await putBundleWithReadme(
      registry,
      token,
      "/packages/acme/widgets/2.0.0",
      bundleOf("2.0.0"),
      "x".repeat(512 * 1024 + 1),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe("invalid_bundle");
    expect(answer.body.problems).toEqual([
      "The README is 513 KiB, more than the 512 KiB the registry keeps; shorten it, or link to longer documentation.",
    ]);
    expect((await call(registry, "GET", "/packages/acme/widgets/2.0.0")).status).toBe(404);
  });

  it("refuses a README that is not UTF-8, beside the bundle's own problems", async () => {
    const answer = await putBundleWithReadme(
      registry,
      token,
      "/packages/acme/widgets/2.0.0",
      new TextEncoder().encode("not gzip"),
      new Uint8Array([0x23, 0x20, 0xff, 0xfe, 0x0a]),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe("invalid_bundle");
    expect(answer.body.problems).toContain(
      "The README is not UTF-8 text; save it as UTF-8 and publish again.",
    );
    expect(answer.body.problems!.length).toBeGreaterThan(1);
  });

  it("answers a multipart body without its bundle, or with a stranger part, with a sentence", async () => {
    const noBundle = new FormData();
    noBundle.append("readme", new Blob(["# hi"]), "README.md");
    const missing = await call(registry, "PUT", "/packages/acme/widgets/1.2.0", {
      token,
      body: noBundle,
    });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: "invalid_request" });
    expect(missing.body.message).toContain("no part named bundle");

    const stranger = new FormData();
    stranger.append("bundle", new Blob([bundleOf("1.2.0") as Uint8Array<ArrayBuffer>]), "b.pkg.gz");
    stranger.append("license", new Blob(["MIT"]), "LICENSE");
    const refused = await call(registry, "PUT", "/packages/acme/widgets/1.2.0", {
      token,
      body: stranger,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain("only bundle and readme are read");
    expect((await call(registry, "GET", "/packages/acme/widgets/1.2.0")).status).toBe(404);
  });

  it("goes with its version's bundle when the version is revoked; its digest stays in the log", async () => {
    const readme = "# acme/gadgets\n\nGadgets.\n";
    const published = await putBundleWithReadme(
      registry,
      token,
      "/packages/acme/gadgets/1.0.0",
      bundleOf("1.0.0", "acme/gadgets"),
      readme,
    );
    expect(published.status).toBe(201);
    const revoked = await call(registry, "DELETE", "/packages/acme/gadgets/1.0.0", {
      token,
      json: { reason: "Broken" },
    });
    expect(revoked.status).toBe(200);
    const gone = await call(registry, "GET", "/packages/acme/gadgets/1.0.0/readme");
    expect(gone.status).toBe(410);
    expect((await logEntryOf("acme/gadgets", "1.0.0")).readme).toBe(
      sha256(new TextEncoder().encode(readme)),
    );
  });
});
