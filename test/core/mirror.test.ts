import { describe, expect, it } from "vitest";
import { versionDocsJson } from "../../src/core/documentation.ts";
import {
  DEFAULT_MIRROR_POLICY,
  mirrorBacklog,
  nextMirrorDue,
  queueMirrorUpdate,
  updateMirror,
} from "../../src/core/mirror.ts";
import { checkMirror, rebuildMirror } from "../../src/core/mirrorCheck.ts";
import { indexText, packageIndex } from "../../src/core/packageIndex.ts";
import { revokePackage, revokeVersion } from "../../src/core/revoke.ts";
import { findPackage } from "../../src/core/stores/packages.ts";
import {
  entriesBetween,
  logChange,
  signedCheckpoints,
  treeRoot,
  treeSize,
} from "../../src/core/transparencyLog.ts";
import { parseCheckpoint } from "../../src/log/checkpoint.ts";
import { decodeEntry } from "../../src/log/entry.ts";
import { inclusionProof, leafHash, rootHash, verifyInclusion } from "../../src/log/merkle.ts";
import {
  decodeEntryBundle,
  decodeHashTile,
  hashesFromTiles,
  tileKey,
  tilePath,
  tilesOf,
} from "../../src/log/tiles.ts";
import {
  anIdentity,
  aUser,
  aVersion,
  type FakePorts,
  fakePorts,
  named,
  versionAt,
} from "../support/fakePorts.ts";
import { RecordingMirror } from "../support/recordingMirror.ts";
import { signTree } from "../support/signedLog.ts";

const POLICY = { ...DEFAULT_MIRROR_POLICY, firstRetryMs: 1000 };

function acme(options: { mirror: boolean } = { mirror: true }) {
  const ports = fakePorts();
  const mirror = new RecordingMirror();
  if (options.mirror) ports.mirror = mirror;
  const admin = aUser(ports, "admin@example.com");
  const publisher = aUser(ports, "publisher@example.com");
  anIdentity(ports, "acme", admin, [[publisher, "publish"]]);
  return { ports, mirror, admin, publisher };
}

/** Signs the log as the registry does once a change commits, then runs the worker's passes until nothing more is due. */
async function drain(ports: FakePorts, mirror: RecordingMirror) {
  signTree(ports);
  for (;;) {
    const pass = await updateMirror(ports, mirror, POLICY);
    if (pass.written + pass.failed === 0) return;
  }
}

/** The docs.json of an acme/widgets version as `GET …/{version}/docs.json` answers it to anyone. */
function apiDocs(ports: FakePorts, version: string): string {
  const answer = versionDocsJson(ports.db, versionAt("acme/widgets", version), undefined);
  if (!answer.ok) throw new Error(JSON.stringify(answer.error));
  return answer.value.docsJson;
}

/** The index as `GET /packages/acme/{project}/index` answers it to anyone. */
function apiIndex(ports: FakePorts, project: string): string {
  const answer = packageIndex(ports, named(`acme/${project}`), undefined);
  if (!answer.ok) throw new Error(JSON.stringify(answer.error));
  return indexText(answer.value.index);
}

const json = (mirror: RecordingMirror, path: string): unknown =>
  JSON.parse(mirror.text(path) ?? "null");

const pendingJobs = (ports: FakePorts) =>
  ports.db.all("SELECT file, attempts, last_error FROM mirror_jobs ORDER BY id");

describe("the static mirror, as a rule of the core", () => {
  it("holds each public version's bundle, its package's index as the API answers it, the list of packages, the log and mirror.json", async () => {
    const { ports, mirror, publisher } = acme();
    const first = await aVersion(ports, publisher, "acme/widgets", "1.0.0");
    const second = await aVersion(ports, publisher, "acme/widgets", "1.1.0");
    await drain(ports, mirror);

    expect([...mirror.files.keys()].sort()).toEqual([
      "log/checkpoint",
      "log/tile/0/000.p/2",
      "log/tile/entries/000.p/2",
      "mirror.json",
      "packages/acme/widgets/1.0.0/bundle",
      "packages/acme/widgets/1.0.0/docs.json",
      "packages/acme/widgets/1.1.0/bundle",
      "packages/acme/widgets/1.1.0/docs.json",
      "packages/acme/widgets/index",
      "packages/index",
    ]);
    expect(mirror.files.get("packages/acme/widgets/1.1.0/docs.json")).toMatchObject({
      type: "json",
      caching: "immutable",
    });
    expect(mirror.text("packages/acme/widgets/1.1.0/docs.json")).toBe(apiDocs(ports, "1.1.0"));
    expect(mirror.files.get("packages/acme/widgets/1.0.0/bundle")).toMatchObject({
      bytes: first,
      type: "gzip",
      caching: "immutable",
    });
    expect(mirror.files.get("packages/acme/widgets/1.1.0/bundle")?.bytes).toEqual(second);
    expect(mirror.text("packages/acme/widgets/index")).toBe(apiIndex(ports, "widgets"));
    expect(mirror.files.get("packages/acme/widgets/index")).toMatchObject({
      type: "json",
      caching: "short-lived",
    });
    expect(mirror.text("log/checkpoint")).toBe(signedCheckpoints(ports.db, 1)[0]?.note);
    expect(mirror.files.get("log/checkpoint")).toMatchObject({
      type: "text",
      caching: "revalidate",
    });
    expect(mirror.files.get("log/tile/0/000.p/2")).toMatchObject({
      type: "binary",
      caching: "immutable",
    });
    expect(json(mirror, "packages/index")).toEqual({
      packages: [{ name: "acme/widgets", latest: "1.1.0" }],
    });
    expect(json(mirror, "mirror.json")).toEqual({
      format: 1,
      change: 2,
      packages: 1,
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
      writtenAt: new Date(ports.clock.now()).toISOString(),
    });
    expect(pendingJobs(ports)).toEqual([]);
  });

  it("writes a version's files and the log that proves it before the index that lists it, and mirror.json last", async () => {
    const { ports, mirror, publisher } = acme();
    await aVersion(ports, publisher, "acme/widgets", "1.0.0");
    await drain(ports, mirror);
    expect(mirror.calls).toEqual([
      "write packages/acme/widgets/1.0.0/bundle",
      "write packages/acme/widgets/1.0.0/docs.json",
      "write log/tile/0/000.p/1",
      "write log/tile/entries/000.p/1",
      "write log/checkpoint",
      "write packages/acme/widgets/index",
      "write packages/index",
      "write mirror.json",
    ]);
  });

  it("writes each file once for a burst of changes queued before the worker ran", async () => {
    const { ports, mirror, publisher } = acme();
    for (const version of ["1.0.0", "1.0.1", "1.0.2"]) {
      await aVersion(ports, publisher, "acme/widgets", version);
    }
    await drain(ports, mirror);
    expect(
      mirror.calls.filter((call) => call === "write packages/acme/widgets/index"),
    ).toHaveLength(1);
    expect(mirror.calls.filter((call) => call === "write mirror.json")).toHaveLength(1);
  });

  it("never holds a private package, only the commitment its change is logged as", async () => {
    const { ports, mirror, publisher } = acme();
    await aVersion(ports, publisher, "acme/secret", "1.0.0", { private: true });
    expect(pendingJobs(ports)).toEqual([{ file: "log", attempts: 0, last_error: null }]);
    await drain(ports, mirror);
    expect([...mirror.files.keys()].sort()).toEqual([
      "log/checkpoint",
      "log/tile/0/000.p/1",
      "log/tile/entries/000.p/1",
    ]);
    const bundled = decodeEntryBundle(mirror.files.get("log/tile/entries/000.p/1")!.bytes, 1);
    const logged = bundled.ok ? decodeEntry(bundled.value[0]!) : undefined;
    expect(logged?.ok && logged.value.kind).toBe("private");
    await aVersion(ports, publisher, "acme/widgets", "1.0.0");
    await drain(ports, mirror);
    expect([...mirror.files.keys()].filter((path) => path.includes("secret"))).toEqual([]);
    expect(json(mirror, "packages/index")).toEqual({
      packages: [{ name: "acme/widgets", latest: "1.0.0" }],
    });
    expect(json(mirror, "mirror.json")).toMatchObject({ change: 1, packages: 1, versions: 1 });
  });

  it("queues nothing when the registry keeps no mirror", async () => {
    const { ports, publisher } = acme({ mirror: false });
    await aVersion(ports, publisher, "acme/widgets", "1.0.0");
    expect(pendingJobs(ports)).toEqual([]);
  });

  it("deletes a revoked version's bundle, and its index says it was revoked", async () => {
    const { ports, mirror, admin, publisher } = acme();
    await aVersion(ports, publisher, "acme/widgets", "1.0.0");
    await aVersion(ports, publisher, "acme/widgets", "1.1.0");
    await drain(ports, mirror);
    const reason = "Breaks parsing of empty lists";
    revokeVersion(ports, admin, { address: versionAt(`acme/widgets`, "1.1.0"), reason });
    await drain(ports, mirror);
    expect(mirror.files.has("packages/acme/widgets/1.1.0/bundle")).toBe(false);
    expect(mirror.files.has("packages/acme/widgets/1.1.0/docs.json")).toBe(false);
    expect(mirror.text("packages/acme/widgets/index")).toBe(apiIndex(ports, "widgets"));
    expect(json(mirror, "packages/acme/widgets/index")).toMatchObject({
      versions: [
        { version: "1.0.0", revoked: null },
        { version: "1.1.0", revoked: { reason } },
      ],
    });
    expect(json(mirror, "packages/index")).toEqual({
      packages: [{ name: "acme/widgets", latest: "1.0.0" }],
    });

    revokePackage(ports, admin, { name: named(`acme/widgets`), reason });
    await drain(ports, mirror);
    expect([...mirror.files.keys()].filter((path) => !path.startsWith("log/")).sort()).toEqual([
      "mirror.json",
      "packages/acme/widgets/index",
      "packages/index",
    ]);
    // The log keeps every change, the revocations too.
    expect(mirror.files.has("log/tile/entries/000.p/4")).toBe(true);
    expect(json(mirror, "packages/index")).toEqual({
      packages: [{ name: "acme/widgets", latest: null }],
    });
    expect(json(mirror, "mirror.json")).toMatchObject({ change: 4, packages: 1, versions: 0 });
  });

  it("keeps the files it could not write, tries them again later and later, and writes nothing that would point to them meanwhile", async () => {
    const { ports, mirror, publisher } = acme();
    await aVersion(ports, publisher, "acme/widgets", "1.0.0");
    await drain(ports, mirror);
    mirror.failWith = "the bucket does not answer";
    await aVersion(ports, publisher, "acme/widgets", "1.1.0");
    const start = ports.clock.now();

    signTree(ports);
    expect(await updateMirror(ports, mirror, POLICY)).toEqual({
      written: 0,
      failed: 3,
      lastFailure: "the bucket does not answer",
    });
    // The index must not list 1.1.0 before its files and its log are there, nor mirror.json say it is.
    expect(pendingJobs(ports)).toEqual([
      { file: "bundle", attempts: 1, last_error: "the bucket does not answer" },
      { file: "docs", attempts: 1, last_error: "the bucket does not answer" },
      { file: "log", attempts: 1, last_error: "the bucket does not answer" },
      { file: "package_index", attempts: 0, last_error: null },
      { file: "package_list", attempts: 0, last_error: null },
      { file: "manifest", attempts: 0, last_error: null },
    ]);
    expect(nextMirrorDue(ports.db)).toBe(start + 1000);
    expect(await updateMirror(ports, mirror, POLICY)).toMatchObject({ written: 0, failed: 0 });

    ports.clock.advance(1000);
    await updateMirror(ports, mirror, POLICY);
    expect(nextMirrorDue(ports.db)).toBe(start + 1000 + 2000);
    expect(mirrorBacklog(ports.db)).toEqual({
      files: 6,
      failing: 3,
      lastError: "the bucket does not answer",
    });

    mirror.failWith = undefined;
    ports.clock.advance(2000);
    await drain(ports, mirror);
    expect(pendingJobs(ports)).toEqual([]);
    expect(mirror.files.has("packages/acme/widgets/1.1.0/bundle")).toBe(true);
    expect(mirror.text("packages/acme/widgets/index")).toBe(apiIndex(ports, "widgets"));
    expect(json(mirror, "mirror.json")).toMatchObject({ change: 2, versions: 2 });
  });

  it("finds every file that differs from the database, and a rebuild mends them all", async () => {
    const { ports, mirror, publisher } = acme();
    await aVersion(ports, publisher, "acme/widgets", "1.0.0");
    await aVersion(ports, publisher, "acme/widgets", "1.1.0");
    await aVersion(ports, publisher, "acme/secret", "1.0.0", { private: true });
    await drain(ports, mirror);
    expect(await checkMirror(ports, mirror)).toEqual({
      ok: true,
      value: { differences: [], files: 10 },
    });

    const index = mirror.files.get("packages/acme/widgets/index")!;
    mirror.files.delete("packages/acme/widgets/1.0.0/bundle");
    mirror.files.set(index.path, { ...index, bytes: new TextEncoder().encode("{}") });
    mirror.files.set("packages/acme/secret/index", {
      ...index,
      path: "packages/acme/secret/index",
    });
    const manifest = json(mirror, "mirror.json") as Record<string, unknown>;
    mirror.files.set("mirror.json", {
      ...index,
      path: "mirror.json",
      bytes: new TextEncoder().encode(JSON.stringify({ ...manifest, change: 1 })),
    });

    const checked = await checkMirror(ports, mirror);
    expect(checked.ok && checked.value.differences).toEqual([
      {
        kind: "different",
        path: "mirror.json",
        detail:
          "it says change 1, 1 packages, 2 versions; the database has change 2, 1 packages, 2 versions",
      },
      { kind: "unexpected", path: "packages/acme/secret/index" },
      { kind: "missing", path: "packages/acme/widgets/1.0.0/bundle" },
      { kind: "different", path: "packages/acme/widgets/index", detail: undefined },
    ]);

    const rebuilt = await rebuildMirror(ports, mirror);
    expect(rebuilt).toEqual({
      ok: true,
      value: { written: 10, deleted: ["packages/acme/secret/index"], failures: [] },
    });
    expect(mirror.calls.at(-1)).toBe("write mirror.json");
    expect(await checkMirror(ports, mirror)).toEqual({
      ok: true,
      value: { differences: [], files: 10 },
    });
  });

  it("leaves mirror.json as it was when a rebuild could not write everything", async () => {
    const { ports, publisher } = acme();
    await aVersion(ports, publisher, "acme/widgets", "1.0.0");
    const failing = new RecordingMirror();
    const write = failing.write.bind(failing);
    failing.write = async (file) =>
      file.path.endsWith("/bundle") ? { ok: false, error: "refused" } : write(file);
    const rebuilt = await rebuildMirror(ports, failing);
    expect(rebuilt.ok && rebuilt.value.failures).toEqual([
      { path: "packages/acme/widgets/1.0.0/bundle", reason: "refused" },
    ]);
    expect(failing.files.has("mirror.json")).toBe(false);
  });
});

/** The hash tiles the mirror holds for a tree of `size` entries, read back, by tile. */
function mirroredTiles(mirror: RecordingMirror, size: number) {
  const tiles = new Map<string, Uint8Array[]>();
  for (const tile of tilesOf(size)) {
    if (tile.level === "entries") continue;
    const file = mirror.files.get(`log/${tilePath(tile)}`);
    if (!file) throw new Error(`the mirror has no log/${tilePath(tile)}`);
    const hashes = decodeHashTile(file.bytes, tile.width);
    if (!hashes.ok) throw new Error(hashes.error);
    tiles.set(tileKey(tile), hashes.value);
  }
  return tiles;
}

/** Appends entries to the log as publications of acme/widgets would, many at once. */
function logMany(ports: FakePorts, count: number) {
  const pkg = findPackage(ports.db, "acme/widgets")!;
  for (let i = 0; i < count; i++) {
    logChange(ports, {
      kind: "publish",
      packageId: pkg.id,
      name: "acme/widgets",
      private: false,
      versionKey: 1_000_000 + treeSize(ports.db),
      sha256: "0".repeat(64),
      size: 1,
      at: ports.clock.now(),
    });
  }
  queueMirrorUpdate(ports, { packageId: pkg.id, versionKey: 1 });
}

const logFiles = (mirror: RecordingMirror) =>
  [...mirror.files.keys()].filter((path) => path.startsWith("log/tile/")).sort();

describe("the transparency log in the mirror", () => {
  it("holds the signed tree as tiles, from which every entry's inclusion checks against the checkpoint", async () => {
    const { ports, mirror, admin, publisher } = acme();
    await aVersion(ports, publisher, "acme/widgets", "1.0.0");
    await aVersion(ports, publisher, "acme/secret", "1.0.0", { private: true });
    await aVersion(ports, publisher, "acme/widgets", "1.1.0");
    revokeVersion(ports, admin, { address: versionAt("acme/widgets", "1.0.0"), reason: "No" });
    await drain(ports, mirror);

    const signed = parseCheckpoint(mirror.text("log/checkpoint")!);
    expect(signed.ok && signed.value.size).toBe(4);
    const root = signed.ok ? signed.value.root : new Uint8Array();
    const nodes = hashesFromTiles(mirroredTiles(mirror, 4));
    expect(Buffer.from(rootHash(nodes, 4)).equals(Buffer.from(root))).toBe(true);
    const bundled = decodeEntryBundle(mirror.files.get("log/tile/entries/000.p/4")!.bytes, 4);
    const served = entriesBetween(ports.db, 0, 4);
    expect(bundled.ok && bundled.value.map((e) => Buffer.from(e).toString("base64"))).toEqual(
      served.ok && served.value.map((e) => e.entry),
    );
    if (!bundled.ok) return;
    bundled.value.forEach((logged, index) => {
      const proof = inclusionProof(nodes, index, 4);
      expect(verifyInclusion(index, 4, leafHash(logged), proof, root)).toBe(true);
    });
    // Each index says where its versions' publications are.
    const index = json(mirror, "packages/acme/widgets/index") as {
      versions: { version: string; logIndex: number }[];
    };
    expect(index.versions.map((v) => [v.version, v.logIndex])).toEqual([
      ["1.0.0", 0],
      ["1.1.0", 2],
    ]);
  });

  it("keeps a tile's partial versions until the tile is full, then holds the full one alone", async () => {
    const { ports, mirror, publisher } = acme();
    await aVersion(ports, publisher, "acme/widgets", "1.0.0");
    await drain(ports, mirror);
    logMany(ports, 99);
    await drain(ports, mirror);
    logMany(ports, 155);
    await drain(ports, mirror);
    expect(logFiles(mirror)).toEqual([
      "log/tile/0/000.p/1",
      "log/tile/0/000.p/100",
      "log/tile/0/000.p/255",
      "log/tile/entries/000.p/1",
      "log/tile/entries/000.p/100",
      "log/tile/entries/000.p/255",
    ]);
    expect(await checkMirror(ports, mirror)).toMatchObject({
      ok: true,
      value: { differences: [] },
    });

    logMany(ports, 3);
    await drain(ports, mirror);
    expect(logFiles(mirror)).toEqual([
      "log/tile/0/000",
      "log/tile/0/001.p/2",
      "log/tile/1/000.p/1",
      "log/tile/entries/000",
      "log/tile/entries/001.p/2",
    ]);
    const size = treeSize(ports.db);
    expect(size).toBe(258);
    expect(
      Buffer.from(rootHash(hashesFromTiles(mirroredTiles(mirror, size)), size)).equals(
        Buffer.from(treeRoot(ports.db, size)),
      ),
    ).toBe(true);
    expect(await checkMirror(ports, mirror)).toMatchObject({
      ok: true,
      value: { differences: [] },
    });
  });

  it("has a damaged tile, a partial tile of a full one, and a stale checkpoint found by a check and mended by a rebuild", async () => {
    const { ports, mirror, publisher } = acme();
    await aVersion(ports, publisher, "acme/widgets", "1.0.0");
    await drain(ports, mirror);
    logMany(ports, 255);
    await drain(ports, mirror);
    const stale = mirror.files.get("log/checkpoint")!;
    await aVersion(ports, publisher, "acme/widgets", "1.1.0");
    await drain(ports, mirror);

    const tile = mirror.files.get("log/tile/0/001.p/1")!;
    const damaged = new Uint8Array(tile.bytes);
    damaged[0] = (damaged[0] ?? 0) ^ 1;
    mirror.files.set(tile.path, { ...tile, bytes: damaged });
    mirror.files.set("log/tile/0/000.p/1", { ...tile, path: "log/tile/0/000.p/1" });
    mirror.files.set(stale.path, stale);
    const checked = await checkMirror(ports, mirror);
    expect(checked.ok && checked.value.differences).toEqual([
      { kind: "different", path: "log/checkpoint", detail: undefined },
      { kind: "unexpected", path: "log/tile/0/000.p/1" },
      { kind: "different", path: "log/tile/0/001.p/1", detail: undefined },
    ]);

    const rebuilt = await rebuildMirror(ports, mirror);
    expect(rebuilt.ok && rebuilt.value.deleted).toEqual(["log/tile/0/000.p/1"]);
    expect(await checkMirror(ports, mirror)).toMatchObject({
      ok: true,
      value: { differences: [] },
    });
  });

  it("leaves a log that is ahead of the database as it is, and keeps saying why", async () => {
    const ahead = acme();
    await aVersion(ahead.ports, ahead.publisher, "acme/widgets", "1.0.0");
    await aVersion(ahead.ports, ahead.publisher, "acme/widgets", "1.1.0");
    await drain(ahead.ports, ahead.mirror);
    const published = ahead.mirror.text("log/checkpoint");

    // The same mirror, written from a database restored to before the second publication.
    const { ports, publisher } = acme();
    await aVersion(ports, publisher, "acme/widgets", "1.0.0");
    await drain(ports, ahead.mirror);
    expect(ahead.mirror.text("log/checkpoint")).toBe(published);
    expect(pendingJobs(ports)).toEqual([
      {
        file: "log",
        attempts: 1,
        last_error: expect.stringMatching(
          /^The mirror's transparency log holds a checkpoint of 2 entries, but the newest the database signed is of 1/,
        ),
      },
      { file: "package_index", attempts: 0, last_error: null },
      { file: "package_list", attempts: 0, last_error: null },
      { file: "manifest", attempts: 0, last_error: null },
    ]);
  });
});
