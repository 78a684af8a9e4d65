import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../support/ops.ts";
import { createIdentity, download, publish } from "../support/publishing.ts";
import {
  call,
  login,
  startRegistry,
  type TestRegistry,
  temporaryDir,
} from "../support/registry.ts";
import {
  filesUnder,
  hasNginx,
  NGINX,
  type StaticServer,
  startNginx,
} from "../support/staticServers.ts";

// A registry keeping its static mirror in a folder: after publications, a
// revocation and a private package, the folder holds exactly the public
// content and the transparency log, each file the very bytes the API answers
// at the same path, and nginx, set up as the README says, serves it with the
// API's headers.

let registry: TestRegistry;
let mirrorDir: string;
let token: string;

/** What the API holds publicly, by the mirror's paths: five changes logged, one of them private. */
const PUBLIC_FILES = [
  "log/checkpoint",
  "log/tile/0/000.p/5",
  "log/tile/entries/000.p/5",
  "mirror.json",
  "packages/acme/gadgets/1.0.0/bundle",
  "packages/acme/gadgets/1.0.0/docs.json",
  "packages/acme/gadgets/index",
  "packages/acme/widgets/1.1.0/bundle",
  "packages/acme/widgets/1.1.0/docs.json",
  "packages/acme/widgets/index",
  "packages/index",
];
/** Paths the API answers with the same bytes as the mirror's files. */
const API_PATHS = PUBLIC_FILES.filter(
  (path) => path.startsWith("packages/acme/") || path === "log/checkpoint",
);

const mirrored = (path: string) => readFileSync(join(mirrorDir, path));

/**
 * The folder's files, but for the log's partial tiles of older checkpoints,
 * which are kept until their tile is full, and are as many as the times the
 * log was written.
 */
function mirrorFiles(): string[] {
  const size = Number(mirrored("log/checkpoint").toString().split("\n")[1]);
  return filesUnder(mirrorDir).filter((path) => {
    const partial = /^log\/tile\/(?:0|entries)\/000\.p\/(\d+)$/.exec(path);
    return !partial || Number(partial[1]) === size;
  });
}

async function lastPublicChange(): Promise<number> {
  const feed = await call<{ events: { seq: number }[] }>(registry, "GET", "/feed");
  return feed.body.events.at(-1)?.seq ?? 0;
}

/**
 * Waits until mirror.json says the mirror holds every public change so far,
 * and its log holds the registry's newest checkpoint (which private changes
 * move too).
 */
async function caughtUp(): Promise<void> {
  const change = await lastPublicChange();
  const checkpoint = Buffer.from((await download(registry, "/log/checkpoint")).bytes);
  await eventually(async () => {
    const manifest = JSON.parse(mirrored("mirror.json").toString()) as { change: number };
    return manifest.change === change && mirrored("log/checkpoint").equals(checkpoint)
      ? true
      : undefined;
  }, `the mirror to reach change ${change}`);
}

beforeAll(async () => {
  mirrorDir = join(temporaryDir("mirror-"), "mirror");
  registry = await startRegistry({ REGISTRY_MIRROR: `file://${mirrorDir}` });
  token = await login(registry, "publisher@example.com");
  await createIdentity(registry, token, "acme");
  await publish(registry, token, "acme/widgets", "1.0.0");
  await publish(registry, token, "acme/widgets", "1.1.0");
  await publish(registry, token, "acme/gadgets", "1.0.0");
  const revoked = await call(registry, "DELETE", "/packages/acme/widgets/1.0.0", {
    token,
    json: { reason: "Breaks parsing of empty lists" },
  });
  expect(revoked.status).toBe(200);
  await publish(registry, token, "acme/secret", "1.0.0", { private: true });
  await caughtUp();
});

afterAll(async () => {
  await registry.close();
  rmSync(join(mirrorDir, ".."), { recursive: true, force: true });
});

describe("a registry with a mirror in a folder", () => {
  it("holds exactly the public content and the log, nothing of the revoked version or the private package", () => {
    expect(mirrorFiles()).toEqual(PUBLIC_FILES);
    const older = filesUnder(mirrorDir).filter((path) => !PUBLIC_FILES.includes(path));
    for (const path of older) expect(path).toMatch(/^log\/tile\/(0|entries)\/000\.p\/[1-4]$/);
  });

  it("holds at each of the API's paths the very bytes the API answers there", async () => {
    for (const path of API_PATHS) {
      const answer = await download(registry, `/${path}`);
      expect(answer.status, path).toBe(200);
      expect(Buffer.from(answer.bytes).equals(mirrored(path)), path).toBe(true);
    }
  });

  it("lists every public package with its latest version, and says up to which change it holds them", async () => {
    const listing = await call<{ packages: { name: string; latest: string | null }[] }>(
      registry,
      "GET",
      "/packages",
    );
    expect(JSON.parse(mirrored("packages/index").toString())).toEqual({
      packages: listing.body.packages.map(({ name, latest }) => ({ name, latest })),
    });
    expect(listing.body.packages.map((pkg) => pkg.name)).toEqual(["acme/gadgets", "acme/widgets"]);
    expect(JSON.parse(mirrored("mirror.json").toString())).toEqual({
      format: 1,
      change: await lastPublicChange(),
      packages: 2,
      versions: 2,
      files: [
        "packages/index",
        "packages/{author}/{project}/index",
        "packages/{author}/{project}/{version}/bundle",
        "packages/{author}/{project}/{version}/docs.json",
        "log/checkpoint",
        "log/tile/{level}/{index}",
        "log/tile/entries/{index}",
      ],
      writtenAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it("follows a new publication of a public package, and ignores one of a private package", async () => {
    await publish(registry, token, "acme/widgets", "1.2.0");
    await publish(registry, token, "acme/secret", "1.1.0", { private: true });
    await caughtUp();
    expect(mirrorFiles()).toEqual(
      [
        ...PUBLIC_FILES.filter((path) => !path.startsWith("log/tile/")),
        "log/tile/0/000.p/7",
        "log/tile/entries/000.p/7",
        "packages/acme/widgets/1.2.0/bundle",
        "packages/acme/widgets/1.2.0/docs.json",
      ].sort(),
    );
    const index = await download(registry, "/packages/acme/widgets/index");
    expect(Buffer.from(index.bytes).equals(mirrored("packages/acme/widgets/index"))).toBe(true);
    // Back as the other tests expect it.
    await call(registry, "DELETE", "/packages/acme/widgets/1.2.0", {
      token,
      json: { reason: "Published by mistake" },
    });
    await caughtUp();
    expect(mirrorFiles().filter((path) => !path.startsWith("log/tile/"))).toEqual(
      PUBLIC_FILES.filter((path) => !path.startsWith("log/tile/")),
    );
    expect(mirrorFiles()).toContain("log/tile/entries/000.p/8");
  });
});

if (!hasNginx) {
  console.warn(
    `Skipping the static mirror's tests with nginx: there is no nginx at ${NGINX} (run \`node scripts/ensure-nginx.mjs\`, as root on Debian, to install it).`,
  );
}

describe.skipIf(!hasNginx)("the mirror's folder served by nginx as the README says", () => {
  let nginx: StaticServer;
  beforeAll(async () => {
    nginx = await startNginx(mirrorDir);
  });
  afterAll(async () => {
    await nginx?.stop();
  });

  it("answers each of the API's paths as the API does: the same bytes, type and caching", async () => {
    for (const path of API_PATHS) {
      const [api, served] = await Promise.all([
        download(registry, `/${path}`),
        download(nginx, `/${path}`),
      ]);
      expect(served.status, path).toBe(200);
      expect(Buffer.from(served.bytes).equals(Buffer.from(api.bytes)), path).toBe(true);
      for (const header of ["content-type", "cache-control"]) {
        expect(served.headers.get(header), `${header} of ${path}`).toBe(api.headers.get(header));
      }
    }
  });

  it("keeps bundles and the log's tiles for good and the indexes a minute, each with a tag a cache can check it by", async () => {
    for (const path of ["/packages/acme/widgets/1.1.0/bundle", "/log/tile/0/000.p/5"]) {
      const immutable = await download(nginx, path);
      expect(immutable.status, path).toBe(200);
      expect(immutable.headers.get("cache-control"), path).toBe(
        "public, max-age=31536000, immutable",
      );
    }
    const tile = await download(nginx, "/log/tile/entries/000.p/5");
    expect(tile.headers.get("content-type")).toBe("application/octet-stream");
    expect(Buffer.from(tile.bytes).equals(mirrored("log/tile/entries/000.p/5"))).toBe(true);
    for (const path of ["/packages/index", "/packages/acme/widgets/index", "/mirror.json"]) {
      const served = await download(nginx, path);
      expect(served.headers.get("content-type"), path).toBe("application/json; charset=utf-8");
      expect(served.headers.get("cache-control"), path).toBe("public, max-age=60");
      const etag = served.headers.get("etag");
      expect(etag, path).toBeTruthy();
      const again = await download(nginx, path, { "if-none-match": etag! });
      expect(again.status, path).toBe(304);
    }
  });

  it("has nothing at a revoked version's bundle, a private package's paths, or a file being written", async () => {
    writeFileSync(join(mirrorDir, "packages/acme/.partial-0123456789abcdef"), "half");
    try {
      for (const path of [
        "/packages/acme/widgets/1.0.0/bundle",
        "/packages/acme/secret/index",
        "/packages/acme/secret/1.0.0/bundle",
        "/packages/acme/.partial-0123456789abcdef",
      ]) {
        expect((await download(nginx, path)).status, path).toBe(404);
      }
    } finally {
      rmSync(join(mirrorDir, "packages/acme/.partial-0123456789abcdef"));
    }
  });
});
