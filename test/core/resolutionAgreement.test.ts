import { describe, expect, it } from "vitest";
import { MirrorCatalogue } from "../../src/cli/mirrorCatalogue.ts";
import type { MirrorFiles } from "../../src/cli/mirrorClient.ts";
import { DEFAULT_MIRROR_POLICY, updateMirror } from "../../src/core/mirror.ts";
import { resolveDependencies } from "../../src/core/resolution.ts";
import { revokeVersion } from "../../src/core/revoke.ts";
import type { User } from "../../src/core/sessions.ts";
import { publishLogIndex } from "../../src/core/transparencyLog.ts";
import type { ResolutionAsked } from "../../src/gren/resolution.ts";
import { packageBundle } from "../support/bundles.ts";
import {
  anIdentity,
  aUser,
  type FakePorts,
  fakePorts,
  publishAs,
  versionAt,
} from "../support/fakePorts.ts";
import { RecordingMirror } from "../support/recordingMirror.ts";
import {
  COMPILER_RANGES,
  DEEP_CLASH,
  FIRST_REACHED,
  generatedUniverse,
  INDIRECT_PLATFORMS,
  MANY_CLASHES,
  OLDER_FALLBACK,
  PLATFORMS,
  seededRandom,
  THROUGH_LEVELS,
  type Universe,
} from "../support/resolutionGraphs.ts";
import { signTree } from "../support/signedLog.ts";

// The registry resolves `POST /resolve` from its database; the CLI, when the
// registry cannot be reached, resolves from a static mirror's indexes. On the
// same packages they must choose the same versions, or refuse in the same
// words: here both resolve the resolution tests' graphs, published through
// the core, the one from the database and the other from the very files the
// mirror's jobs wrote of it.

interface Registry {
  ports: FakePorts;
  mirror: RecordingMirror;
  catalogue: MirrorCatalogue;
}

const LIMITS = { maxUnpackedBytes: 1024 * 1024, kernelIdentities: ["gren-lang"] };

/** The packages of `universe` in an order that has each after the packages it depends on. */
function dependenciesFirst(universe: Universe): string[] {
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (name: string) => {
    if (ordered.includes(name) || visiting.has(name) || !universe[name]) return;
    visiting.add(name);
    for (const version of Object.values(universe[name])) {
      for (const dependency of Object.keys(version.dependencies ?? {})) visit(dependency);
    }
    ordered.push(name);
  };
  for (const name of Object.keys(universe).sort()) visit(name);
  return ordered;
}

const byVersion = (a: string, b: string) => {
  const [x, y] = [a, b].map((v) => v.split(".").map(Number)) as [number[], number[]];
  return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
};

/**
 * Publishes every version of `universe` the registry takes, each package's
 * after those it depends on, by the rules of publishing (a version they
 * refuse is left out, on both sides alike); `author` names every identity
 * as registered, in whatever case. Then the mirror is written.
 */
async function registryOf(
  universe: Universe,
  options: { revoke?: (name: string, version: string) => boolean } = {},
): Promise<Registry> {
  const ports = fakePorts();
  const mirror = new RecordingMirror();
  ports.mirror = mirror;
  const operator = aUser(ports, "operator@example.com");
  const authors = new Set<string>();
  const published: [string, string][] = [];
  for (const name of dependenciesFirst(universe)) {
    const author = name.split("/")[0]!;
    if (!authors.has(author)) {
      anIdentity(ports, author, operator);
      authors.add(author);
    }
    for (const version of Object.keys(universe[name]!).sort(byVersion)) {
      const { platform, grenVersion, dependencies } = universe[name]![version]!;
      const bytes = packageBundle({
        name,
        version,
        platform: platform ?? "common",
        "gren-version": grenVersion ?? "0.6.0 <= v < 0.7.0",
        dependencies: dependencies ?? {},
      });
      // The graphs' numbers say nothing of their APIs: they come in as history.
      const done = await publishAs(
        ports,
        operator,
        versionAt(name, version),
        { bytes, limits: LIMITS },
        undefined,
        { history: true },
      );
      if (done.ok) published.push([name, version]);
    }
  }
  for (const [name, version] of published) {
    if (options.revoke?.(name, version)) revoke(ports, operator, name, version);
  }
  signTree(ports);
  for (;;) {
    const pass = await updateMirror(ports, mirror, DEFAULT_MIRROR_POLICY);
    if (pass.written + pass.failed === 0) break;
  }
  const files: MirrorFiles = {
    url: "memory://mirror",
    json: async (path) => {
      const text = mirror.text(path);
      return text === undefined ? undefined : JSON.parse(text);
    },
  };
  return { ports, mirror, catalogue: new MirrorCatalogue(files) };
}

function revoke(ports: FakePorts, who: User, name: string, version: string) {
  const done = revokeVersion(ports, who, { address: versionAt(name, version), reason: "No." });
  if (!done.ok) throw new Error(JSON.stringify(done.error));
}

/** What each side answers, in one shape: the versions chosen, or the conflict's words. */
async function bothAnswers(registry: Registry, asked: ResolutionAsked) {
  const server = await resolveDependencies(registry.ports, asked, undefined);
  const client = await registry.catalogue.resolve(asked);
  const serverSays = server.ok
    ? { packages: server.value.packages }
    : server.error.kind === "unresolvable"
      ? { conflict: { message: server.error.message, problems: server.error.problems } }
      : { refused: server.error.kind };
  const clientSays = client.ok
    ? {
        packages: Object.fromEntries(
          Object.entries(client.value.packages).map(([name, { logIndex, ...pinned }]) => {
            // Where the client will look for each chosen version in the log's tiles.
            expect(logIndex, `${name} ${pinned.version}`).toBe(
              publishLogIndex(registry.ports.db, versionAt(name, pinned.version), undefined),
            );
            return [name, pinned];
          }),
        ),
      }
    : { conflict: client.error };
  return { serverSays, clientSays };
}

/** Both sides resolve each request alike; how many of them found versions. */
async function expectAgreement(
  registry: Registry,
  requests: ResolutionAsked[],
): Promise<{ solved: number; failed: number }> {
  const outcomes = { solved: 0, failed: 0 };
  for (const asked of requests) {
    const { serverSays, clientSays } = await bothAnswers(registry, asked);
    expect(clientSays, JSON.stringify(asked)).toEqual(serverSays);
    outcomes["packages" in serverSays ? "solved" : "failed"]++;
  }
  return outcomes;
}

const ask = (
  dependencies: Record<string, string>,
  project: { grenVersion?: string; platform?: string } = {},
): ResolutionAsked => ({
  grenVersion: project.grenVersion ?? "0.6.3",
  platform: project.platform ?? "node",
  dependencies,
});

/** Each package of the universe alone, at any version, for every platform and two compilers. */
function eachPackageAlone(universe: Universe): ResolutionAsked[] {
  return Object.keys(universe).flatMap((name) =>
    ["node", "browser", "common"].flatMap((platform) =>
      ["0.6.3", "0.7.1"].map((grenVersion) =>
        ask({ [name]: "0.0.0 <= v < 100.0.0" }, { platform, grenVersion }),
      ),
    ),
  );
}

const ANY = "1.0.0 <= v < 100.0.0";

describe("resolving from a mirror's indexes and from the registry's database", () => {
  it("chooses alike on the solver's graphs, with the requests its tests make of them", async () => {
    const graphs: [Universe, ResolutionAsked[]][] = [
      [THROUGH_LEVELS, [ask({ "gren-lang/node": "6.0.0 <= v < 7.0.0" })]],
      [OLDER_FALLBACK, [ask({ "acme/app-lib": "1.0.0 <= v < 2.0.0", "gren-lang/core": "6.0.1" })]],
      [DEEP_CLASH, [ask({ "acme/top": "1.0.0 <= v < 3.0.0", "gren-lang/core": "6.0.0" })]],
      [FIRST_REACHED, [ask({ "acme/b": "1.0.0 <= v < 3.0.0", "acme/a": "1.0.0 <= v < 3.0.0" })]],
      [
        COMPILER_RANGES,
        [
          ask({ "acme/lib": "1.0.0 <= v < 3.0.0" }),
          ask({ "acme/lib": "1.0.0 <= v < 3.0.0" }, { grenVersion: "0.6.5" }),
          ask({ "acme/lib": "2.0.0 <= v < 3.0.0" }),
        ],
      ],
      [
        PLATFORMS,
        ["browser", "node", "common"]
          .map((platform) => ask({ "acme/ui": "1.0.0 <= v < 2.0.0" }, { platform }))
          .concat(ask({ "acme/dom": "1.0.0 <= v < 2.0.0" })),
      ],
      [
        INDIRECT_PLATFORMS,
        [ask({ "acme/widgets": "1.0.0 <= v < 3.0.0" }, { platform: "browser" })],
      ],
      [MANY_CLASHES, [ask({ "acme/new": "2.0.0 <= v < 3.0.0", "acme/old": "1.0.0 <= v < 2.0.0" })]],
    ];
    const outcomes = { solved: 0, failed: 0 };
    for (const [universe, requests] of graphs) {
      const registry = await registryOf(universe);
      const agreed = await expectAgreement(registry, [
        ...requests,
        ...eachPackageAlone(universe),
        ask({ "nobody/nothing": ANY }),
      ]);
      outcomes.solved += agreed.solved;
      outcomes.failed += agreed.failed;
    }
    expect(outcomes.solved).toBeGreaterThan(50);
    expect(outcomes.failed).toBeGreaterThan(50);
  });

  it("chooses alike on a generated graph of many versions, with some revoked, and its traps", async () => {
    const revoked = seededRandom(7);
    const registry = await registryOf(generatedUniverse(6, 30, { trapAbove: 10 }), {
      revoke: (name) => name.startsWith("gen/") && revoked() < 0.15,
    });
    const agreed = await expectAgreement(registry, [
      ask({ "gen/p0": ANY }),
      ask({ "gen/p0": ANY, "gen/p3": ANY }),
      ask({ "gen/p0": ANY, "gren-lang/core": "6.0.0 <= v < 7.0.0" }),
      ask({ "gen/p2": "2.0.0 <= v < 3.0.0", "gen/p4": "1.5.0" }),
      ask({ "gen/p1": "1.0.0 <= v < 1.5.0", "gen/p2": "3.0.0 <= v < 4.0.0" }),
    ]);
    expect(agreed.solved).toBeGreaterThan(2);
  });

  it("chooses alike on random graphs, however the request spells an author registered in capitals", async () => {
    const random = seededRandom(20260101);
    const outcomes = { solved: 0, failed: 0 };
    for (let round = 0; round < 12; round++) {
      const universe = publishableUniverse(random);
      const registry = await registryOf(universe, { revoke: () => random() < 0.1 });
      const requests = ["node", "browser", "common"].flatMap((platform) => [
        ask({ "rand/p0": ANY }, { platform }),
        ask(
          { "RAND/p0": ANY, "rand/p1": `${1 + Math.floor(random() * 3)}.0.0 <= v < 9.0.0` },
          { platform },
        ),
        ask({ "rand/p1": "1.0.0", "Rand/p2": ANY }, { platform, grenVersion: "0.7.0" }),
      ]);
      const agreed = await expectAgreement(registry, requests);
      outcomes.solved += agreed.solved;
      outcomes.failed += agreed.failed;
    }
    // Both kinds of outcome must come up, or the comparison proves little.
    expect(outcomes.solved).toBeGreaterThan(15);
    expect(outcomes.failed).toBeGreaterThan(15);
  });
});

/**
 * Five to seven packages of the identity `Rand`, each depending only on
 * later ones, with platforms, compiler ranges and ranges drawn at random,
 * every range starting at a major that exists: the registry publishes most
 * of what such a graph holds.
 */
function publishableUniverse(random: () => number): Universe {
  const count = 5 + Math.floor(random() * 3);
  const names = Array.from({ length: count }, (_, i) => `Rand/p${i}`);
  const platforms = names.map(() =>
    random() < 0.75 ? "common" : random() < 0.5 ? "node" : "browser",
  ) as ("common" | "node" | "browser")[];
  const majors = names.map(() => 2 + Math.floor(random() * 3));
  const universe: Universe = {};
  names.forEach((name, i) => {
    const versions: Universe[string] = {};
    for (let major = 1; major <= majors[i]!; major++) {
      for (const minor of random() < 0.5 ? [0] : [0, 1]) {
        const dependencies: Record<string, string> = {};
        for (let j = i + 1; j < count; j++) {
          const fits = platforms[j] === "common" || platforms[j] === platforms[i];
          if (!fits || random() > 0.35) continue;
          const low = 1 + Math.floor(random() * majors[j]!);
          const high = low + 1 + Math.floor(random() * 2);
          dependencies[names[j]!] = `${low}.0.0 <= v < ${high}.0.0`;
        }
        versions[`${major}.${minor}.0`] = {
          platform: platforms[i]!,
          grenVersion: random() < 0.85 ? "0.6.0 <= v < 0.7.0" : "0.6.0 <= v < 0.8.0",
          dependencies,
        };
      }
    }
    universe[name] = versions;
  });
  return universe;
}
