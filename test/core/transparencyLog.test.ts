import { verifyMerkleInclusion } from "@sigstore/verify/dist/tlog/merkle.js";
import { describe, expect, it } from "vitest";
import { revokeVersion } from "../../src/core/revoke.ts";
import {
  consistencyBetween,
  entriesBetween,
  inclusionAt,
  inclusionOfVersion,
  logPastChanges,
  treeRoot,
  treeSize,
} from "../../src/core/transparencyLog.ts";
import { commitmentTo, decodeEntry } from "../../src/log/entry.ts";
import { leafHash, MemoryTree, verifyConsistency } from "../../src/log/merkle.ts";
import { packageBundle } from "../support/bundles.ts";
import {
  aHistoricVersion,
  anIdentity,
  aUser,
  aVersion,
  type FakePorts,
  fakePorts,
  publishAs,
  versionAt,
} from "../support/fakePorts.ts";
import { sha256 } from "../support/publishing.ts";

const LIMITS = { maxUnpackedBytes: 1024 * 1024, kernelIdentities: [] };

function acme() {
  const ports = fakePorts();
  const admin = aUser(ports, "admin@example.com");
  anIdentity(ports, "acme", admin);
  return { ports, admin, outsider: aUser(ports, "out@example.com") };
}

const fromBase64 = (text: string) => new Uint8Array(Buffer.from(text, "base64"));

function entries(ports: FakePorts) {
  const page = entriesBetween(ports.db, 0, treeSize(ports.db));
  if (!page.ok) throw new Error(JSON.stringify(page.error));
  return page.value.map(({ entry }) => {
    const decoded = decodeEntry(fromBase64(entry));
    if (!decoded.ok) throw new Error(decoded.error);
    return decoded.value;
  });
}

describe("the transparency log, as a rule of the core", () => {
  it("logs each publish and revoke in order, in canonical entries", async () => {
    const { ports, admin } = acme();
    const first = await aVersion(ports, admin, "acme/widgets", "1.0.0");
    ports.clock.advance(1000);
    await aVersion(ports, admin, "acme/widgets", "1.1.0");
    const revoked = revokeVersion(ports, admin, {
      address: versionAt("acme/widgets", "1.0.0"),
      reason: "Broken.",
    });
    expect(revoked.ok).toBe(true);
    const time = new Date(ports.clock.now()).toISOString();
    expect(entries(ports)).toEqual([
      {
        kind: "publish",
        package: "acme/widgets",
        version: "1.0.0",
        sha256: sha256(first),
        size: first.byteLength,
        readme: null,
        time: new Date(ports.clock.now() - 1000).toISOString(),
      },
      expect.objectContaining({ kind: "publish", version: "1.1.0", time }),
      {
        kind: "revoke",
        package: "acme/widgets",
        version: "1.0.0",
        sha256: sha256(first),
        size: first.byteLength,
        time,
      },
    ]);
    const page = entriesBetween(ports.db, 0, 1);
    expect(page.ok && Buffer.from(page.value[0]!.entry, "base64").toString()).toBe(
      `{"kind":"publish","package":"acme/widgets","version":"1.0.0","sha256":"${sha256(first)}","size":${first.byteLength},"readme":null,"time":"${new Date(ports.clock.now() - 1000).toISOString()}"}`,
    );
  });

  it("adds no entry for a publish that is refused", async () => {
    const { ports, admin } = acme();
    await aVersion(ports, admin, "acme/widgets", "1.0.0");
    const attempt = (version: string, overrides = {}) =>
      publishAs(ports, admin, versionAt(`acme/widgets`, version), {
        bytes: packageBundle({ name: "acme/widgets", version, ...overrides }),
        limits: LIMITS,
      });
    expect((await attempt("1.0.0")).ok).toBe(false);
    expect((await attempt("1.1.0", { license: "not a license" })).ok).toBe(false);
    expect(
      (await attempt("1.2.0", { dependencies: { "acme/nothing": "1.0.0 <= v < 2.0.0" } })).ok,
    ).toBe(false);
    expect(treeSize(ports.db)).toBe(1);
  });

  it("logs a private package's changes as commitments that only its members can open", async () => {
    const { ports, admin, outsider } = acme();
    const bytes = await aVersion(ports, admin, "acme/secret", "1.0.0", { private: true });
    const [logged] = entries(ports);
    expect(logged).toEqual({
      kind: "private",
      commitment: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const raw = entriesBetween(ports.db, 0, 1);
    expect(raw.ok && Buffer.from(raw.value[0]!.entry, "base64").toString()).not.toMatch(
      /secret|acme/,
    );

    const address = versionAt("acme/secret", "1.0.0");
    expect(inclusionOfVersion(ports.db, address, outsider, 1)).toMatchObject({
      ok: false,
      error: { kind: "no_such_package" },
    });
    const proof = inclusionOfVersion(ports.db, address, admin, 1);
    if (!proof.ok || !proof.value.opening) throw new Error("no opening for a member");
    const opened = fromBase64(proof.value.opening.entry);
    expect(commitmentTo(opened, fromBase64(proof.value.opening.salt))).toBe(
      logged?.kind === "private" ? logged.commitment : "",
    );
    expect(decodeEntry(opened)).toMatchObject({
      ok: true,
      value: { kind: "publish", package: "acme/secret", version: "1.0.0", sha256: sha256(bytes) },
    });
  });

  it("proves, from its stored subtrees, every entry in every tree up to 70, as Sigstore checks", async () => {
    const { ports, admin } = acme();
    for (let i = 0; i < 70; i++) await aVersion(ports, admin, "acme/widgets", `1.0.${i}`);
    const memory = new MemoryTree();
    const page = entriesBetween(ports.db, 0, 70);
    if (!page.ok) throw new Error("no entries");
    for (const { entry } of page.value) memory.append(leafHash(fromBase64(entry)));
    for (let size = 1; size <= 70; size++) {
      const root = treeRoot(ports.db, size);
      expect(Buffer.from(root).equals(Buffer.from(memory.root(size)))).toBe(true);
      for (let index = 0; index < size; index++) {
        const proof = inclusionAt(ports.db, index, size);
        if (!proof.ok) throw new Error(JSON.stringify(proof.error));
        verifyMerkleInclusion(
          {
            canonicalizedBody: Buffer.from(page.value[index]!.entry, "base64"),
            inclusionProof: {
              logIndex: String(index),
              hashes: proof.value.hashes.map(fromBase64).map(Buffer.from),
            },
          } as never,
          { logSize: BigInt(size), logHash: Buffer.from(root) } as never,
        );
      }
      for (let first = 1; first <= size; first++) {
        const proof = consistencyBetween(ports.db, first, size);
        if (!proof.ok) throw new Error(JSON.stringify(proof.error));
        expect(verifyConsistency(first, size, treeRoot(ports.db, first), root, proof.value)).toBe(
          true,
        );
      }
    }
  }, 60_000);

  it("logs the versions of a database older than its log once, in the order they happened", async () => {
    const { ports, admin } = acme();
    await aVersion(ports, admin, "acme/widgets", "1.0.0");
    ports.clock.advance(1000);
    await aHistoricVersion(ports, admin, "acme/gadgets", "2.0.0");
    ports.clock.advance(1000);
    revokeVersion(ports, admin, { address: versionAt(`acme/widgets`, "1.0.0"), reason: "Old." });
    const before = entries(ports);
    // The database as it was before it had a log.
    for (const trigger of ports.db.all(
      "SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'log_%'",
    )) {
      ports.db.exec(`DROP TRIGGER ${String(trigger.name)}`);
    }
    ports.db.exec("DELETE FROM log_entries; DELETE FROM log_nodes;");
    expect(logPastChanges(ports)).toBe(3);
    expect(entries(ports)).toEqual(before);
    expect(logPastChanges(ports)).toBe(0);
    expect(treeSize(ports.db)).toBe(3);
  });
});
