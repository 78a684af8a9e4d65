import { describe, expect, it } from "vitest";
import { documentStoredVersion, nextToDocument } from "../../src/core/docsBackfill.ts";
import { versionDocsJson } from "../../src/core/documentation.ts";
import { deleteVersionDocs } from "../../src/core/stores/versionDocs.ts";
import { makeBundle, packageOutline } from "../support/bundles.ts";
import {
  anIdentity,
  aUser,
  type FakePorts,
  fakePorts,
  publishAs,
  versionAt,
} from "../support/fakePorts.ts";
import { CORE } from "../support/realBundles.ts";

// The background pass over versions published before the registry kept docs,
// as a rule of the core: each dependency is documented before the versions
// that use it, and docs made while a dependency's were still to be made are
// made again once they are.

const LIMITS = { maxUnpackedBytes: 16 * 1024 * 1024, kernelIdentities: ["gren-lang"] };

const WIDGETS = `module Widgets exposing (size)\n\n{-| Widgets.\n\n@docs size\n-}\n\n\n{-| A size. -}\nsize : Maybe Int\nsize =\n    Nothing\n`;

async function registryWithCoreFromBefore(): Promise<FakePorts> {
  const ports = fakePorts();
  const operator = aUser(ports, "operator@example.com");
  anIdentity(ports, "gren-lang", operator);
  anIdentity(ports, "acme", operator);
  // Its first version here is 7.0.0: brought in as history.
  const core = await publishAs(
    ports,
    operator,
    versionAt("gren-lang/core", CORE.version),
    { bytes: CORE.bytes, limits: LIMITS },
    undefined,
    { history: true },
  );
  if (!core.ok) throw new Error(JSON.stringify(core.error));
  // As a registry of before would have it: the version and its bundle, no docs.
  deleteVersionDocs(ports.db, 1);
  const outline = packageOutline({
    name: "acme/widgets",
    "exposed-modules": ["Widgets"],
    dependencies: { "gren-lang/core": "7.0.0 <= v < 8.0.0" },
  });
  const widgets = await publishAs(ports, operator, versionAt("acme/widgets", "1.0.0"), {
    bytes: makeBundle({ outline, sources: { Widgets: WIDGETS } }),
    limits: LIMITS,
  });
  if (!widgets.ok) throw new Error(JSON.stringify(widgets.error));
  return ports;
}

const sizeType = (ports: FakePorts): string | undefined => {
  const docs = versionDocsJson(ports.db, versionAt("acme/widgets", "1.0.0"), undefined);
  if (!docs.ok) return undefined;
  return JSON.parse(docs.value.docsJson).Widgets.values[0].type;
};

async function documentEverything(ports: FakePorts): Promise<string[]> {
  const order: string[] = [];
  for (;;) {
    const next = nextToDocument(ports.db, 8);
    if (next.length === 0) return order;
    for (const record of next) {
      order.push(`${record.author}/${record.project}`);
      await documentStoredVersion(ports, record, LIMITS);
    }
  }
}

describe("documenting the versions published before docs were kept", () => {
  it("makes again, once a dependency's docs are made, the docs made without its API", async () => {
    const ports = await registryWithCoreFromBefore();
    // Published while core's docs were still to be made: only what its imports name could be placed.
    expect(sizeType(ports)).toBe("Maybe.Maybe Int");
    expect(await documentEverything(ports)).toEqual(["gren-lang/core", "acme/widgets"]);
    expect(sizeType(ports)).toBe("Maybe.Maybe Basics.Int");
    expect(nextToDocument(ports.db, 8)).toEqual([]);
  });

  it("documents a dependency before the versions that use it, whatever order they came in", async () => {
    const ports = await registryWithCoreFromBefore();
    deleteVersionDocs(ports.db, 2);
    expect(nextToDocument(ports.db, 8).map((record) => record.project)).toEqual(["core"]);
    expect(await documentEverything(ports)).toEqual(["gren-lang/core", "acme/widgets"]);
    expect(sizeType(ports)).toBe("Maybe.Maybe Basics.Int");
  });
});
