import { describe, expect, it } from "vitest";
import { packageIndex } from "../../src/core/packageIndex.ts";
import { revokeVersion } from "../../src/core/revoke.ts";
import type { User } from "../../src/core/sessions.ts";
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
  const reader = aUser(ports, "reader@example.com");
  anIdentity(ports, "acme", admin, [[reader, "download"]]);
  return { ports, admin, reader, outsider: aUser(ports, "out@example.com") };
}

const indexOf = (ports: FakePorts, name: string, viewer?: User) => {
  return packageIndex(ports, named(name), viewer);
};

describe("a package's index, as a rule of the core", () => {
  it("holds every version in numeric order, with its platform, compiler range and dependencies", async () => {
    const { ports, admin } = acme();
    await aVersion(ports, admin, "acme/base", "1.0.0");
    for (const version of ["0.10.0", "0.9.0", "0.9.10"]) {
      await aHistoricVersion(ports, admin, "acme/app-kit", version, {
        platform: "browser",
        dependencies: { "acme/base": "1.0.0 <= v < 2.0.0" },
      });
    }
    const found = indexOf(ports, "acme/app-kit");
    expect(found.ok && found.value.index.versions.map((v) => v.version)).toEqual([
      "0.9.0",
      "0.9.10",
      "0.10.0",
    ]);
    expect(found.ok && found.value.index.versions[0]).toMatchObject({
      grenVersion: "0.6.0 <= v < 0.7.0",
      platform: "browser",
      dependencies: { "acme/base": "1.0.0 <= v < 2.0.0" },
      revoked: null,
    });
  });

  it("has a tag that stays while nothing changes and moves with each publication and revocation", async () => {
    const { ports, admin } = acme();
    await aVersion(ports, admin, "acme/base", "1.0.0");
    const tagOf = () => {
      const found = indexOf(ports, "acme/base");
      if (!found.ok) throw new Error(found.error.kind);
      return found.value.tag;
    };
    const first = tagOf();
    expect(tagOf()).toBe(first);
    await aVersion(ports, admin, "acme/base", "1.1.0");
    const second = tagOf();
    ports.clock.advance(1000);
    const revoked = revokeVersion(ports, admin, {
      address: versionAt("acme/base", "1.1.0"),
      reason: "Wrong",
    });
    expect(revoked.ok).toBe(true);
    const third = tagOf();
    expect(new Set([first, second, third]).size).toBe(3);
    expect(indexOf(ports, "acme/base")).toMatchObject({
      ok: true,
      value: { index: { versions: [{ revoked: null }, { revoked: { reason: "Wrong" } }] } },
    });
  });

  it("is no_such_package for a private package to anyone outside its identity", async () => {
    const { ports, admin, reader, outsider } = acme();
    await aVersion(ports, admin, "acme/vault", "1.0.0", { private: true });
    for (const viewer of [undefined, outsider]) {
      expect(indexOf(ports, "acme/vault", viewer)).toEqual({
        ok: false,
        error: { kind: "no_such_package", name: "acme/vault", suggestions: [] },
      });
    }
    expect(indexOf(ports, "acme/vault", reader)).toMatchObject({
      ok: true,
      value: { index: { name: "acme/vault", private: true } },
    });
  });
});
