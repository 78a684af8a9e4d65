import { describe, expect, it } from "vitest";
import { describePackage } from "../../src/core/packages.ts";
import { similarPackageNames, typingDistance } from "../../src/core/similarNames.ts";
import { anIdentity, aUser, aVersion, fakePorts, named } from "../support/fakePorts.ts";

// The registry's "did you mean": the names a mistyped one is close to, and
// never a private package to someone who may not see it.

async function catalogue() {
  const ports = fakePorts();
  const owner = aUser(ports, "owner@example.com");
  const member = aUser(ports, "member@example.com");
  const outsider = aUser(ports, "outsider@example.com");
  anIdentity(ports, "Acme", owner, [[member, "download"]]);
  anIdentity(ports, "tools", owner);
  for (const name of ["Acme/node", "Acme/nodes", "Acme/widgets", "Acme/url", "tools/node"]) {
    await aVersion(ports, owner, name, "1.0.0");
  }
  await aVersion(ports, owner, "Acme/secret", "1.0.0", { private: true });
  return { ports, member, outsider };
}

describe("similar package names", () => {
  it("are those one slip away in the project, or in the identity, closest first", async () => {
    const { ports, outsider } = await catalogue();
    const similar = (author: string, project: string) =>
      similarPackageNames(ports.db, { author, project }, outsider);
    expect(similar("acme", "nod")).toEqual(["Acme/node"]);
    expect(similar("acme", "noder")).toEqual(["Acme/node", "Acme/nodes"]);
    expect(similar("ACME", "wigdets")).toEqual(["Acme/widgets"]);
    expect(similar("acm", "node")).toEqual(["Acme/node"]);
    expect(similar("tool", "node")).toEqual(["tools/node"]);
    // Nothing close: no guess.
    expect(similar("acme", "database")).toEqual([]);
    expect(similar("nobody", "nothing")).toEqual([]);
  });

  it("never name a private package to someone who may not see it", async () => {
    const { ports, member, outsider } = await catalogue();
    expect(similarPackageNames(ports.db, { author: "acme", project: "secrets" }, outsider)).toEqual(
      [],
    );
    expect(
      similarPackageNames(ports.db, { author: "acme", project: "secrets" }, undefined),
    ).toEqual([]);
    expect(similarPackageNames(ports.db, { author: "acme", project: "secrets" }, member)).toEqual([
      "Acme/secret",
    ]);
  });

  it("come with the answer that a package does not exist", async () => {
    const { ports, outsider } = await catalogue();
    expect(describePackage(ports.db, named("acme/nod"), outsider)).toEqual({
      ok: false,
      error: {
        kind: "no_such_package",
        name: "acme/nod",
        suggestions: ["Acme/node"],
      },
    });
    // A private package is to an outsider as one that does not exist, suggestions and all.
    expect(describePackage(ports.db, named("acme/secret"), outsider)).toEqual({
      ok: false,
      error: { kind: "no_such_package", name: "acme/secret", suggestions: [] },
    });
  });
});

describe("the typing distance", () => {
  it("counts letters added, dropped, changed or swapped, up to a most", () => {
    expect(typingDistance("node", "node", 1)).toBe(0);
    expect(typingDistance("nod", "node", 1)).toBe(1);
    expect(typingDistance("ndoe", "node", 1)).toBe(1);
    expect(typingDistance("nobe", "node", 1)).toBe(1);
    expect(typingDistance("noe", "node", 1)).toBe(1);
    expect(typingDistance("n", "node", 2)).toBeUndefined();
    expect(typingDistance("widgets", "gadgets", 1)).toBeUndefined();
    expect(typingDistance("widgets", "gadgets", 2)).toBe(2);
    expect(typingDistance("widgets", "gizmos", 3)).toBeUndefined();
  });
});
