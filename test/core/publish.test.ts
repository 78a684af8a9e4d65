import { describe, expect, it } from "vitest";
import { describePackage } from "../../src/core/packages.ts";
import { revokePackage, revokeVersion } from "../../src/core/revoke.ts";
import type { User } from "../../src/core/sessions.ts";
import { downloadBundle } from "../../src/core/versions.ts";
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
