import { rmSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import {
  DeleteObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, killStrays, runProcess } from "../support/ops.ts";
import { createIdentity, download, publish } from "../support/publishing.ts";
import {
  call,
  login,
  startRegistry,
  type TestRegistry,
  temporaryDir,
} from "../support/registry.ts";
import { freePort, S3RVER_KEYS, type S3Server, startS3Server } from "../support/staticServers.ts";

// A registry keeping its static mirror in a bucket of a server that speaks
// the S3 protocol, through the AWS SDK: the bucket holds exactly the public
// content with the API's headers; no write is lost while the storage is down,
// not even across a restart of the registry; and `npm run mirror` finds
// every damage done to the bucket and mends it.

const BUCKET = "gren-mirror";
const PREFIX = "registry";

let dir: string;
let port: number;
let s3: S3Server;
let client: S3Client;
let registry: TestRegistry;
let token: string;
let secretBundle: Uint8Array;

const mirrorEnv = () => ({
  REGISTRY_MIRROR: `s3://${BUCKET}/${PREFIX}`,
  REGISTRY_MIRROR_S3_ENDPOINT: s3.url,
  REGISTRY_MIRROR_S3_ACCESS_KEY_ID: S3RVER_KEYS.accessKeyId,
  REGISTRY_MIRROR_S3_SECRET_ACCESS_KEY: S3RVER_KEYS.secretAccessKey,
  REGISTRY_MIRROR_RETRY_MS: "50",
});

/** The registry on its one database and port, again after a restart; retries go by the real clock. */
const startTheRegistry = () =>
  startRegistry(mirrorEnv(), { dir, port, systemClock: true }).then((started) => {
    registry = started;
  });

/** The mirror's files, as the bucket lists them. */
async function allObjects(): Promise<string[]> {
  const listed = await client.send(
    new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${PREFIX}/` }),
  );
  return (listed.Contents ?? []).map((object) => object.Key!.slice(PREFIX.length + 1)).sort();
}

/**
 * The mirror's files but for the log's partial tiles of older checkpoints,
 * kept until their tile is full: as many as the times the log was written.
 */
async function objects(): Promise<string[]> {
  const checkpoint = await fromBucket("log/checkpoint");
  const size = Number(Buffer.from(checkpoint.bytes).toString().split("\n")[1]);
  return (await allObjects()).filter((path) => {
    const partial = /^log\/tile\/(?:0|entries)\/000\.p\/(\d+)$/.exec(path);
    return !partial || Number(partial[1]) === size;
  });
}

/** The log's files a tree of `size` entries has in the mirror, while it is under 256. */
const logFiles = (size: number) => [
  "log/checkpoint",
  `log/tile/0/000.p/${size}`,
  `log/tile/entries/000.p/${size}`,
];

/** A file of the mirror as anyone reads it from the bucket, with no credentials, as a CDN does. */
const fromBucket = (path: string) => download({ url: `${s3.url}/${BUCKET}/${PREFIX}` }, `/${path}`);

async function lastPublicChange(): Promise<number> {
  const feed = await call<{ events: { seq: number }[] }>(registry, "GET", "/feed");
  return feed.body.events.at(-1)?.seq ?? 0;
}

/**
 * Waits until mirror.json says the bucket holds every public change so far,
 * and its log the registry's newest checkpoint.
 */
async function caughtUp(): Promise<void> {
  const change = await lastPublicChange();
  const checkpoint = Buffer.from((await download(registry, "/log/checkpoint")).bytes);
  await eventually(async () => {
    const [manifest, log] = await Promise.all([
      fromBucket("mirror.json"),
      fromBucket("log/checkpoint"),
    ]);
    if (manifest.status !== 200) return undefined;
    const says = JSON.parse(Buffer.from(manifest.bytes).toString()) as { change: number };
    return says.change === change && Buffer.from(log.bytes).equals(checkpoint) ? true : undefined;
  }, `the bucket to reach change ${change}`);
}

/** Each of the API's paths in the bucket holds the bytes the API answers, with its type and caching. */
async function expectTheApisAnswers(paths: string[]): Promise<void> {
  for (const path of paths.filter(
    (p) => p.startsWith("packages/acme/") || p === "log/checkpoint",
  )) {
    const [api, stored] = await Promise.all([download(registry, `/${path}`), fromBucket(path)]);
    expect(api.status, path).toBe(200);
    expect(stored.status, path).toBe(200);
    expect(Buffer.from(stored.bytes).equals(Buffer.from(api.bytes)), path).toBe(true);
    for (const header of ["content-type", "cache-control"]) {
      expect(stored.headers.get(header), `${header} of ${path}`).toBe(api.headers.get(header));
    }
  }
}

const npmRunMirror = (command: "--check" | "--rebuild") =>
  runProcess("npm", ["run", "--silent", "mirror", "--", command], {
    REGISTRY_DB_PATH: join(dir, "registry.db"),
    ...mirrorEnv(),
  });

beforeAll(async () => {
  dir = temporaryDir("registry-mirror-");
  s3 = await startS3Server(BUCKET, join(dir, "s3"));
  client = new S3Client({
    endpoint: s3.url,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: S3RVER_KEYS,
  });
  port = await freePort();
  await startTheRegistry();
  token = await login(registry, "publisher@example.com");
  await createIdentity(registry, token, "acme");
});

afterAll(async () => {
  await registry?.close();
  await s3?.stop();
  await killStrays();
  client?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

/** Four changes logged: two publications, a revocation, a private publication. */
const FIRST_FILES = [
  ...logFiles(4),
  "mirror.json",
  "packages/acme/widgets/1.1.0/bundle",
  "packages/acme/widgets/1.1.0/docs.json",
  "packages/acme/widgets/index",
  "packages/index",
];
/** Two more publications. */
const ALL_FILES = [
  ...logFiles(6),
  "mirror.json",
  "packages/acme/gadgets/1.0.0/bundle",
  "packages/acme/gadgets/1.0.0/docs.json",
  "packages/acme/gadgets/index",
  "packages/acme/widgets/1.1.0/bundle",
  "packages/acme/widgets/1.1.0/docs.json",
  "packages/acme/widgets/1.2.0/bundle",
  "packages/acme/widgets/1.2.0/docs.json",
  "packages/acme/widgets/index",
  "packages/index",
];

describe("a registry with a mirror in an S3 bucket", () => {
  it("holds exactly the public content, as the API answers it, with the API's type and caching", async () => {
    await publish(registry, token, "acme/widgets", "1.0.0");
    await publish(registry, token, "acme/widgets", "1.1.0");
    await caughtUp();
    expect((await fromBucket("packages/acme/widgets/1.0.0/bundle")).status).toBe(200);
    const revoked = await call(registry, "DELETE", "/packages/acme/widgets/1.0.0", {
      token,
      json: { reason: "Breaks parsing of empty lists" },
    });
    expect(revoked.status).toBe(200);
    secretBundle = await publish(registry, token, "acme/secret", "1.0.0", { private: true });
    await caughtUp();

    expect(await objects()).toEqual(FIRST_FILES);
    await expectTheApisAnswers(FIRST_FILES);
    expect((await fromBucket("packages/acme/widgets/1.0.0/bundle")).status).toBe(404);
  });

  it("loses no write while the storage is down, not even across a restart of the registry", async () => {
    await s3.stop();
    // Publishing goes on: only the copy waits.
    await publish(registry, token, "acme/widgets", "1.2.0");
    await publish(registry, token, "acme/gadgets", "1.0.0");
    const db = new DatabaseSync(join(dir, "registry.db"), { readOnly: true });
    try {
      const failed = () =>
        db.prepare("SELECT count(*) AS n FROM mirror_jobs WHERE attempts > 0").get() as {
          n: number;
        };
      await eventually(async () => (failed().n > 0 ? true : undefined), "a failed write");
    } finally {
      db.close();
    }
    await registry.close();
    const left = new DatabaseSync(join(dir, "registry.db"), { readOnly: true });
    const pending = left.prepare("SELECT DISTINCT file FROM mirror_jobs ORDER BY file").all();
    left.close();
    expect(pending.map((row) => row.file)).toEqual([
      "bundle",
      "docs",
      "log",
      "manifest",
      "package_index",
      "package_list",
    ]);

    await startTheRegistry();
    await s3.start();
    await caughtUp();
    expect(await objects()).toEqual(ALL_FILES);
    await expectTheApisAnswers(ALL_FILES);
    expect(JSON.parse(Buffer.from((await fromBucket("packages/index")).bytes).toString())).toEqual({
      packages: [
        { name: "acme/gadgets", latest: "1.0.0" },
        { name: "acme/widgets", latest: "1.2.0" },
      ],
    });
  });

  it("is found by `npm run mirror -- --check` to hold exactly what the database says", async () => {
    const checked = await npmRunMirror("--check");
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
    expect(checked.stdout).toContain(
      `The mirror holds exactly what the database says: ${ALL_FILES.length} files.`,
    );
  });

  it("has every damage found by --check and mended by --rebuild", async () => {
    const key = (path: string) => `${PREFIX}/${path}`;
    await client.send(
      new DeleteObjectCommand({ Bucket: BUCKET, Key: key("packages/acme/gadgets/1.0.0/bundle") }),
    );
    await client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: key("packages/acme/widgets/index"),
        Body: '{"name":"acme/widgets","private":false,"versions":[]}',
      }),
    );
    await client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: key("packages/acme/secret/1.0.0/bundle"),
        Body: secretBundle,
      }),
    );

    const checked = await npmRunMirror("--check");
    expect(checked.code, checked.stderr).toBe(1);
    expect(
      checked.stdout.split("\n").filter((line) => /^(missing|different|unexpected)/.test(line)),
    ).toEqual([
      "missing     packages/acme/gadgets/1.0.0/bundle",
      "unexpected  packages/acme/secret/1.0.0/bundle",
      "different   packages/acme/widgets/index",
    ]);

    // The log's partial tiles of older checkpoints, which a check lets be, a rebuild deletes.
    const shown = new Set(await objects());
    const older = (await allObjects()).filter((path) => !shown.has(path));
    const rebuilt = await npmRunMirror("--rebuild");
    expect(rebuilt.code, rebuilt.stdout + rebuilt.stderr).toBe(0);
    expect(rebuilt.stdout).toContain("deleted   packages/acme/secret/1.0.0/bundle");
    for (const path of older) expect(rebuilt.stdout).toContain(`deleted   ${path}`);
    expect(rebuilt.stdout).toContain(
      `Wrote ${ALL_FILES.length} files, deleted ${older.length + 1}.`,
    );

    expect(await allObjects()).toEqual(ALL_FILES);
    await expectTheApisAnswers(ALL_FILES);
    const again = await npmRunMirror("--check");
    expect(again.code, again.stdout).toBe(0);
  });
});
