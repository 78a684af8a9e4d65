import { describe, expect, it } from "vitest";
import { lastPackageChange, packagesChangedSince } from "../../src/core/packageHead.ts";
import { findVisiblePackage } from "../../src/core/packages.ts";
import { recentlyPublished } from "../../src/core/recent.ts";
import { revokePackage, revokeVersion } from "../../src/core/revoke.ts";
import { latestVersion } from "../../src/core/versions.ts";
import {
  aHistoricVersion,
  anIdentity,
  aUser,
  aVersion,
  type FakePorts,
  fakePorts,
  named,
  versionAt,
} from "../support/fakePorts.ts";

function acme() {
  const ports = fakePorts();
  const admin = aUser(ports, "admin@example.com");
  anIdentity(ports, "acme", admin);
  return { ports, admin };
}

const headOf = (ports: FakePorts, project: string) => {
  const found = findVisiblePackage(ports.db, named(`acme/${project}`), undefined);
  if (!found.ok || !found.value.head) throw new Error(`acme/${project} has no head`);
  return found.value.head;
};

const latest = (ports: FakePorts, project: string) => {
  const found = latestVersion(
    ports.db,
    { name: named(`acme/${project}`), compiler: undefined },
    undefined,
  );
  return found.ok ? found.value.version : found.error.kind;
};

describe("a package's head", () => {
  it("is written by each publication: latest and highest, counts, and a new change and tag", async () => {
    const { ports, admin } = acme();
    await aVersion(ports, admin, "acme/widgets", "1.0.0");
    const first = headOf(ports, "widgets");
    ports.clock.advance(1000);
    await aVersion(ports, admin, "acme/widgets", "2.0.0");
    ports.clock.advance(1000);
    await aVersion(ports, admin, "acme/widgets", "1.1.0");
    const head = headOf(ports, "widgets");
    expect(head).toMatchObject({ versions: 3, liveVersions: 3 });
    expect(latest(ports, "widgets")).toBe("2.0.0");
    expect(head.changeSeq).toBeGreaterThan(first.changeSeq);
    expect(head.tag).not.toBe(first.tag);
    // The home page's "recently published" is the version published last, not the highest.
    expect(recentlyPublished(ports.db, 5).map((r) => `${r.name} ${r.version}`)).toEqual([
      "acme/widgets 1.1.0",
    ]);
  });

  it("is written by each revocation: latest falls back, and none is left once all are revoked", async () => {
    const { ports, admin } = acme();
    await aVersion(ports, admin, "acme/widgets", "1.0.0");
    ports.clock.advance(1000);
    await aVersion(ports, admin, "acme/widgets", "1.1.0");
    ports.clock.advance(1000);
    await aHistoricVersion(ports, admin, "acme/gears", "3.0.0");
    const before = headOf(ports, "widgets");
    const revoked = revokeVersion(ports, admin, {
      address: versionAt(`acme/widgets`, "1.1.0"),
      reason: "Broken",
    });
    expect(revoked.ok).toBe(true);
    const after = headOf(ports, "widgets");
    expect(latest(ports, "widgets")).toBe("1.0.0");
    expect(after).toMatchObject({ versions: 2, liveVersions: 1 });
    expect(after.changeSeq).toBeGreaterThan(before.changeSeq);
    expect(recentlyPublished(ports.db, 5).map((r) => `${r.name} ${r.version}`)).toEqual([
      "acme/gears 3.0.0",
      "acme/widgets 1.0.0",
    ]);

    expect(revokePackage(ports, admin, { name: named(`acme/widgets`), reason: "Retired" }).ok).toBe(
      true,
    );
    expect(headOf(ports, "widgets")).toMatchObject({ latestKey: undefined, liveVersions: 0 });
    expect(latest(ports, "widgets")).toBe("no_version_found");
    expect(recentlyPublished(ports.db, 5).map((r) => r.name)).toEqual(["acme/gears"]);
  });

  it("tells which packages changed after a change, each once, with its last change", async () => {
    const { ports, admin } = acme();
    await aVersion(ports, admin, "acme/widgets", "1.0.0");
    const since = lastPackageChange(ports.db);
    await aVersion(ports, admin, "acme/gears", "1.0.0");
    await aVersion(ports, admin, "acme/widgets", "1.0.1");
    const changed = packagesChangedSince(ports.db, since);
    expect(changed.map((c) => c.packageKey)).toEqual(["acme/gears", "acme/widgets"]);
    expect(changed.at(-1)?.changeSeq).toBe(lastPackageChange(ports.db));
    expect(packagesChangedSince(ports.db, lastPackageChange(ports.db))).toEqual([]);
  });

  it("is not moved by a publication that is refused", async () => {
    const { ports, admin } = acme();
    await aVersion(ports, admin, "acme/widgets", "1.0.0");
    const before = headOf(ports, "widgets");
    await expect(aVersion(ports, admin, "acme/widgets", "1.0.0")).rejects.toThrow();
    expect(headOf(ports, "widgets")).toEqual(before);
  });
});
