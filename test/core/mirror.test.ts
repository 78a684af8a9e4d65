import { describe, expect, it } from "vitest";
import { versionDocsJson } from "../../src/core/documentation.ts";
import {
  DEFAULT_MIRROR_POLICY,
  mirrorBacklog,
  nextMirrorDue,
  updateMirror,
} from "../../src/core/mirror.ts";
import { checkMirror, rebuildMirror } from "../../src/core/mirrorCheck.ts";
import { indexText, packageIndex } from "../../src/core/packageIndex.ts";
import { revokePackage, revokeVersion } from "../../src/core/revoke.ts";
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

/** Runs the worker's passes until nothing more is due. */
async function drain(ports: FakePorts, mirror: RecordingMirror) {
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
  it("holds each public version's bundle, its package's index as the API answers it, the list of packages and mirror.json", async () => {
    const { ports, mirror, publisher } = acme();
    const first = await aVersion(ports, publisher, "acme/widgets", "1.0.0");
    const second = await aVersion(ports, publisher, "acme/widgets", "1.1.0");
    await drain(ports, mirror);

    expect([...mirror.files.keys()].sort()).toEqual([
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
      changes: false,
    });
    expect(mirror.text("packages/acme/widgets/1.1.0/docs.json")).toBe(apiDocs(ports, "1.1.0"));
    expect(mirror.files.get("packages/acme/widgets/1.0.0/bundle")).toMatchObject({
      bytes: first,
      type: "gzip",
      changes: false,
    });
    expect(mirror.files.get("packages/acme/widgets/1.1.0/bundle")?.bytes).toEqual(second);
    expect(mirror.text("packages/acme/widgets/index")).toBe(apiIndex(ports, "widgets"));
    expect(mirror.files.get("packages/acme/widgets/index")).toMatchObject({
      type: "json",
      changes: true,
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
      ],
      writtenAt: new Date(ports.clock.now()).toISOString(),
    });
    expect(pendingJobs(ports)).toEqual([]);
  });

  it("writes a version's files before the index that lists them, and mirror.json last", async () => {
    const { ports, mirror, publisher } = acme();
    await aVersion(ports, publisher, "acme/widgets", "1.0.0");
    await drain(ports, mirror);
    expect(mirror.calls).toEqual([
      "write packages/acme/widgets/1.0.0/bundle",
      "write packages/acme/widgets/1.0.0/docs.json",
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

  it("never holds a private package, and queues nothing for one", async () => {
    const { ports, mirror, publisher } = acme();
    await aVersion(ports, publisher, "acme/secret", "1.0.0", { private: true });
    expect(pendingJobs(ports)).toEqual([]);
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
    expect([...mirror.files.keys()].sort()).toEqual([
      "mirror.json",
      "packages/acme/widgets/index",
      "packages/index",
    ]);
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

    expect(await updateMirror(ports, mirror, POLICY)).toEqual({
      written: 0,
      failed: 2,
      lastFailure: "the bucket does not answer",
    });
    // The index must not list 1.1.0 before its files are there, nor mirror.json say it is.
    expect(pendingJobs(ports)).toEqual([
      { file: "bundle", attempts: 1, last_error: "the bucket does not answer" },
      { file: "docs", attempts: 1, last_error: "the bucket does not answer" },
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
      files: 5,
      failing: 2,
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
      value: { differences: [], files: 7 },
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
      value: { written: 7, deleted: ["packages/acme/secret/index"], failures: [] },
    });
    expect(mirror.calls.at(-1)).toBe("write mirror.json");
    expect(await checkMirror(ports, mirror)).toEqual({
      ok: true,
      value: { differences: [], files: 7 },
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
