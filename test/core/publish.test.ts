import { describe, expect, it } from "vitest";
import { describePackage } from "../../src/core/packages.ts";
import { admitUpload, publishVersion } from "../../src/core/publish.ts";
import { revokePackage, revokeVersion } from "../../src/core/revoke.ts";
import type { User } from "../../src/core/sessions.ts";
import { deleteVersionDocs, storeRefusedDocs } from "../../src/core/stores/versionDocs.ts";
import { describeVersion, downloadBundle } from "../../src/core/versions.ts";
import { versionKey } from "../../src/gren/semver.ts";
import { packageBundle } from "../support/bundles.ts";
import {
  anIdentity,
  aUser,
  type FakePorts,
  fakePorts,
  named,
  publishAs,
  versionAt,
} from "../support/fakePorts.ts";

const LIMITS = { maxUnpackedBytes: 1024 * 1024, kernelIdentities: ["gren-lang"] };

function acme() {
  const ports = fakePorts();
  const admin = aUser(ports, "admin@example.com");
  const publisher = aUser(ports, "publisher@example.com");
  const downloader = aUser(ports, "downloader@example.com");
  anIdentity(ports, "acme", admin, [
    [publisher, "publish"],
    [downloader, "download"],
  ]);
  return { ports, admin, publisher, downloader, outsider: aUser(ports, "out@example.com") };
}

const publish = (ports: FakePorts, who: User, version: string, overrides = {}) =>
  publishAs(ports, who, versionAt("acme/widgets", version), {
    bytes: packageBundle({ name: "acme/widgets", version, ...overrides }),
    limits: LIMITS,
  });

const rows = (ports: FakePorts, table: string) => ports.db.all(`SELECT * FROM ${table}`).length;

describe("publishing, as a rule of the core", () => {
  it("stores the version, its bytes and one event, and tells the feed's followers", async () => {
    const { ports, publisher } = acme();
    const published = await publish(ports, publisher, "1.0.0");
    expect(published.ok && published.value).toMatchObject({
      name: "acme/widgets",
      version: "1.0.0",
    });
    expect([rows(ports, "versions"), rows(ports, "blobs"), rows(ports, "events")]).toEqual([
      1, 1, 1,
    ]);
    expect(ports.notifier.told).toBe(1);
  });

  it("refuses a version published before, leaving nothing behind", async () => {
    const { ports, publisher } = acme();
    await publish(ports, publisher, "1.0.0");
    const again = await publish(ports, publisher, "1.0.0");
    expect(again.ok || again.error.kind).toBe("version_exists");
    expect([rows(ports, "versions"), rows(ports, "events")]).toEqual([1, 1]);
    expect(ports.notifier.told).toBe(1);
  });

  it("is forbidden to members without the publish role and to outsiders", async () => {
    const { ports, downloader, outsider } = acme();
    for (const who of [downloader, outsider]) {
      const refused = await publish(ports, who, "1.0.0");
      expect(refused.ok || refused.error).toMatchObject({
        kind: "forbidden",
        needed: "publish",
        role: who === downloader ? "download" : undefined,
      });
    }
    expect(rows(ports, "packages")).toBe(0);
  });

  it("rolls back a package made public by a first version when a later check fails", async () => {
    const { ports, publisher } = acme();
    await publish(ports, publisher, "1.0.0", { private: true });
    const refused = await publish(ports, publisher, "1.1.0");
    expect(refused.ok || refused.error.kind).toBe("invalid_bundle");
    expect([rows(ports, "versions"), rows(ports, "blobs")]).toEqual([1, 1]);
  });
});

describe("revoking, as a rule of the core", () => {
  it("keeps the version's number and deletes its bytes, once", async () => {
    const { ports, publisher } = acme();
    await publish(ports, publisher, "1.0.0");
    const address = versionAt("acme/widgets", "1.0.0");
    const revoked = revokeVersion(ports, publisher, { address, reason: "Broken" });
    expect(revoked.ok && revoked.value.revoked?.reason).toBe("Broken");
    expect(rows(ports, "blobs")).toBe(0);
    expect(downloadBundle(ports.db, address, publisher)).toMatchObject({
      ok: false,
      error: { kind: "revoked" },
    });
    ports.clock.advance(1000);
    const again = revokeVersion(ports, publisher, { address, reason: "Other" });
    expect(again).toEqual({
      ok: false,
      error: {
        kind: "already_revoked",
        name: "acme/widgets",
        version: "1.0.0",
        revoked: revoked.ok && revoked.value.revoked,
      },
    });
    expect(rows(ports, "events")).toBe(2);
  });

  it("of a whole package needs the admin role", async () => {
    const { ports, admin, publisher } = acme();
    await publish(ports, publisher, "1.0.0");
    await publish(ports, publisher, "1.1.0");
    const input = { name: named("acme/widgets"), reason: "Retired" };
    const refused = revokePackage(ports, publisher, input);
    expect(refused.ok || refused.error).toMatchObject({ kind: "forbidden", needed: "admin" });
    expect(revokePackage(ports, admin, input).ok).toBe(true);
    const view = describePackage(ports.db, named("acme/widgets"), admin);
    expect(view.ok && view.value.versions.map((v) => v.revoked?.reason)).toEqual([
      "Retired",
      "Retired",
    ]);
  });

  it("of a private package is not found by outsiders, who learn nothing of it", async () => {
    const { ports, publisher, outsider } = acme();
    await publish(ports, publisher, "1.0.0", { private: true });
    const refused = revokeVersion(ports, outsider, {
      address: versionAt("acme/widgets", "1.0.0"),
      reason: "Mine now",
    });
    expect(refused.ok || refused.error.kind).toBe("no_such_package");
  });
});

describe("a version's number, confirmed in the publishing transaction", () => {
  const upload = (version: string) => ({
    bytes: packageBundle({ name: "acme/widgets", version }),
    limits: LIMITS,
  });

  it("refuses a version whose bumped version changed while it was read, and stores nothing", async () => {
    const { ports, publisher } = acme();
    await publish(ports, publisher, "1.0.0");
    // 1.1.0 is admitted as a minor bump of 1.0.0; then 1.0.1 lands, and 1.1.0 would bump it instead.
    const ticket = admitUpload(ports, publisher, versionAt("acme/widgets", "1.1.0"));
    if (!ticket.ok) throw new Error(JSON.stringify(ticket.error));
    expect((await publish(ports, publisher, "1.0.1")).ok).toBe(true);
    const late = await publishVersion(ports, ticket.value, upload("1.1.0"));
    expect(late.ok || late.error).toEqual({
      kind: "invalid_bundle",
      problems: [
        "1.0.1 was published while this upload was read, and 1.1.0 would now be compared with it; upload it again.",
      ],
    });
    expect(rows(ports, "versions")).toBe(2);
    expect((await publish(ports, publisher, "1.1.0")).ok).toBe(true);
  });

  it("asks to try again while the API of the version it bumps is still being made", async () => {
    const { ports, publisher } = acme();
    await publish(ports, publisher, "1.0.0");
    // As a version published before the registry kept APIs: its bundle, no docs yet.
    deleteVersionDocs(ports.db, 1);
    const waiting = await publish(ports, publisher, "1.0.1");
    expect(waiting.ok || waiting.error).toEqual({
      kind: "invalid_bundle",
      problems: [
        "The API of acme/widgets 1.0.0, which this version is compared with, is still being made from its bundle; try again in a minute.",
      ],
    });
  });

  it("holds a version to the number rules alone when the API it bumps can never be known, and says so", async () => {
    const { ports, publisher } = acme();
    await publish(ports, publisher, "1.0.0");
    deleteVersionDocs(ports.db, 1);
    storeRefusedDocs(
      ports.db,
      { packageId: 1, versionKey: versionKey({ major: 1, minor: 0, patch: 0 }) },
      ["Its docs.json would be 3 MiB."],
      ports.clock.now(),
    );
    // A major number for an unchanged API: accepted, for nothing is known to compare it with.
    expect((await publish(ports, publisher, "2.0.0")).ok).toBe(true);
    const version = describeVersion(ports.db, versionAt("acme/widgets", "2.0.0"), publisher);
    expect(version.ok && version.value.changes).toEqual({
      since: "1.0.0",
      magnitude: null,
      decidedBy: null,
      modules: null,
      unknown: "The API of acme/widgets 1.0.0 is unknown: Its docs.json would be 3 MiB.",
      history: false,
    });
    expect((await publish(ports, publisher, "2.0.2")).ok).toBe(false);
  });
});
