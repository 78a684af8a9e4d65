import { describe, expect, it } from "vitest";
import { removeMember, setMember } from "../../src/core/identities.ts";
import { resolveDependencies } from "../../src/core/resolution.ts";
import { revokeVersion } from "../../src/core/revoke.ts";
import type { User } from "../../src/core/sessions.ts";
import { versionKey } from "../../src/gren/semver.ts";
import { inlineResolver } from "../../src/host/catalogueReading/inline.ts";
import type { Database } from "../../src/ports/database.ts";
import type { Ports } from "../../src/ports/index.ts";
import {
  anIdentity,
  aUser,
  aVersion,
  type FakePorts,
  fakePorts,
  versionAt,
} from "../support/fakePorts.ts";
import { sha256 } from "../support/publishing.ts";

function acme() {
  const ports = fakePorts();
  const admin = aUser(ports, "admin@example.com");
  const reader = aUser(ports, "reader@example.com");
  anIdentity(ports, "Acme", admin, [[reader, "download"]]);
  return { ports, admin, reader, outsider: aUser(ports, "out@example.com") };
}

/** Publishes a version and returns what a resolution should say of it. */
async function publish(
  ports: FakePorts,
  who: User,
  name: string,
  version: string,
  overrides: Record<string, unknown> = {},
) {
  const bytes = await aVersion(ports, who, name, version, overrides);
  return { version, sha256: sha256(bytes), size: bytes.byteLength };
}

const ask = (
  ports: Pick<Ports, "resolver">,
  dependencies: Record<string, string>,
  viewer?: User,
  project: { grenVersion?: string; platform?: string } = {},
) =>
  resolveDependencies(
    ports,
    {
      grenVersion: project.grenVersion ?? "0.6.3",
      platform: project.platform ?? "node",
      dependencies,
    },
    viewer,
  );

const RANGE_1 = "1.0.0 <= v < 2.0.0";

describe("resolving, as a rule of the core", () => {
  it("answers with each package's registered name, however the request and the outlines spell its author", async () => {
    const { ports, admin } = acme();
    const base = await publish(ports, admin, "Acme/base", "1.0.0");
    const top = await publish(ports, admin, "Acme/top", "1.0.0", {
      dependencies: { "acme/base": RANGE_1 },
    });
    expect(await ask(ports, { "ACME/top": RANGE_1, "acme/base": "1.0.0" })).toEqual({
      ok: true,
      value: { packages: { "Acme/base": base, "Acme/top": top } },
    });
  });

  it("reads each package once, then keeps it until a version is published or revoked", async () => {
    const { ports, admin } = acme();
    await publish(ports, admin, "Acme/base", "1.0.0");
    await publish(ports, admin, "Acme/mid", "1.0.0", { dependencies: { "Acme/base": RANGE_1 } });
    await publish(ports, admin, "Acme/top", "1.0.0", {
      dependencies: { "Acme/mid": RANGE_1, "Acme/base": RANGE_1 },
    });
    let statements = 0;
    const counting: Database = {
      get: (sql, params) => {
        statements++;
        return ports.db.get(sql, params);
      },
      all: (sql, params) => {
        statements++;
        return ports.db.all(sql, params);
      },
      run: (sql, params) => ports.db.run(sql, params),
      exec: (sql) => ports.db.exec(sql),
      transaction: (work) => ports.db.transaction(work),
    };
    const resolver = { resolver: inlineResolver(counting) };
    const versionsOf = async () => {
      statements = 0;
      const answer = await ask(resolver, { "Acme/top": RANGE_1 });
      if (!answer.ok) throw new Error(answer.error.kind);
      return Object.values(answer.value.packages).map((pinned) => pinned.version);
    };

    // The last event, then one statement per package.
    expect(await versionsOf()).toEqual(["1.0.0", "1.0.0", "1.0.0"]);
    expect(statements).toBe(4);
    expect(await versionsOf()).toEqual(["1.0.0", "1.0.0", "1.0.0"]);
    expect(statements).toBe(1);

    await publish(ports, admin, "Acme/base", "1.1.0");
    expect(await versionsOf()).toEqual(["1.1.0", "1.0.0", "1.0.0"]);
    expect(statements).toBe(4);
    revokeVersion(ports, admin, { address: versionAt("Acme/base", "1.1.0"), reason: "No" });
    expect(await versionsOf()).toEqual(["1.0.0", "1.0.0", "1.0.0"]);
  });

  it("skips revoked versions", async () => {
    const { ports, admin } = acme();
    const old = await publish(ports, admin, "Acme/base", "1.0.0");
    await publish(ports, admin, "Acme/base", "1.1.0");
    revokeVersion(ports, admin, { address: versionAt("Acme/base", "1.1.0"), reason: "No" });
    expect(await ask(ports, { "Acme/base": RANGE_1 })).toEqual({
      ok: true,
      value: { packages: { "Acme/base": old } },
    });
  });

  it("lets members resolve private packages, and tells others there is no such package", async () => {
    const { ports, admin, reader, outsider } = acme();
    const secret = await publish(ports, admin, "Acme/secret", "1.0.0", { private: true });
    for (const viewer of [undefined, outsider]) {
      expect(await ask(ports, { "Acme/secret": RANGE_1 }, viewer)).toEqual({
        ok: false,
        error: {
          kind: "unresolvable",
          message: "There is no package acme/secret.",
          problems: ["There is no package acme/secret."],
        },
      });
    }
    expect(await ask(ports, { "Acme/secret": RANGE_1 }, reader)).toEqual({
      ok: true,
      value: { packages: { "Acme/secret": secret } },
    });

    // Membership changes record no event: a new member sees the package at once.
    setMember(ports, admin, { identity: "Acme", email: outsider.email, role: "download" });
    expect((await ask(ports, { "Acme/secret": RANGE_1 }, outsider)).ok).toBe(true);
    removeMember(ports, admin, { identity: "Acme", email: reader.email });
    expect((await ask(ports, { "Acme/secret": RANGE_1 }, reader)).ok).toBe(false);
  });

  it("passes the project's compiler and platform to the search", async () => {
    const { ports, admin } = acme();
    const common = await publish(ports, admin, "Acme/tool", "1.0.0");
    const node = await publish(ports, admin, "Acme/tool", "1.1.0", { platform: "node" });
    const tool = async (platform: string, grenVersion = "0.6.3") => {
      const answer = await ask(ports, { "Acme/tool": RANGE_1 }, undefined, {
        platform,
        grenVersion,
      });
      return answer.ok ? answer.value.packages["Acme/tool"] : answer.error.kind;
    };
    expect(await tool("node")).toEqual(node);
    expect(await tool("browser")).toEqual(common);
    expect(await tool("node", "0.7.0")).toBe("unresolvable");
  });

  it("leaves out a version whose stored dependencies cannot be read, rather than choose it without them", async () => {
    const { ports, admin } = acme();
    const good = await publish(ports, admin, "Acme/base", "1.0.0");
    await publish(ports, admin, "Acme/base", "1.1.0");
    ports.db.run("UPDATE versions SET dependencies = '{\"nope\": 1}' WHERE version_key = :key", {
      key: versionKey({ major: 1, minor: 1, patch: 0 }),
    });
    expect(await ask(ports, { "Acme/base": RANGE_1 })).toEqual({
      ok: true,
      value: { packages: { "Acme/base": good } },
    });
  });

  it("refuses malformed requests before reading anything", async () => {
    const unasked = {
      resolver: {
        resolve: () => {
          throw new Error("a malformed request reached the search");
        },
      },
    };
    const kind = async (answer: ReturnType<typeof ask>) => {
      const result = await answer;
      return result.ok ? "ok" : result.error;
    };
    expect(await kind(ask(unasked, {}, undefined, { grenVersion: "v0.6.3" }))).toEqual({
      kind: "invalid_version",
      version: "v0.6.3",
    });
    expect(await kind(ask(unasked, {}, undefined, { platform: "deno" }))).toEqual({
      kind: "invalid_platform",
      platform: "deno",
    });
    expect(await kind(ask(unasked, { "acme/Base": "1.0.0" }))).toEqual({
      kind: "invalid_package_name",
      name: "acme/Base",
    });
    expect(await kind(ask(unasked, { "acme/base": "1.0" }))).toEqual({
      kind: "invalid_requirement",
      name: "acme/base",
      requirement: "1.0",
    });
    const many = Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`acme/p${i}`, "1.0.0"]));
    expect(await kind(ask(unasked, many))).toEqual({
      kind: "too_many_dependencies",
      count: 501,
      max: 500,
    });
  });
});
