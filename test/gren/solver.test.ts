import { describe, expect, it } from "vitest";
import type { Platform } from "../../src/gren/outline.ts";
import {
  compareVersions,
  formatVersion,
  parseRange,
  parseVersion,
  type Range,
  rangeContains,
  type Version,
} from "../../src/gren/semver.ts";
import {
  type Candidate,
  type Dependency,
  type ResolveRequest,
  resolve,
} from "../../src/gren/solver.ts";
import {
  COMPILER_RANGES,
  CORE_SERIES,
  DEEP_CLASH,
  FIRST_REACHED,
  generatedUniverse,
  INDIRECT_PLATFORMS,
  MANY_CLASHES,
  OLDER_FALLBACK,
  PLATFORMS,
  type Published,
  seededRandom,
  THROUGH_LEVELS,
  type Universe,
} from "../support/resolutionGraphs.ts";

const version = (text: string): Version => {
  const parsed = parseVersion(text);
  if (!parsed) throw new Error(`${text} is not a version`);
  return parsed;
};

/** A range as gren.json writes it, or an exact version as an application lists it. */
const range = (text: string): Range => {
  const exact = parseVersion(text);
  if (exact) return { lower: exact, upper: { ...exact, patch: exact.patch + 1 } };
  const parsed = parseRange(text);
  if (!parsed) throw new Error(`${text} is not a range`);
  return parsed;
};

function candidates(universe: Universe, name: string): Candidate[] | undefined {
  const versions = universe[name];
  if (!versions) return undefined;
  return Object.entries(versions).map(([text, published]) => ({
    version: version(text),
    grenVersion: range(published.grenVersion ?? "0.6.0 <= v < 0.7.0"),
    platform: published.platform ?? "common",
    dependencies: Object.entries(published.dependencies ?? {}).map(([dependency, wanted]) => ({
      name: dependency,
      range: range(wanted),
    })),
  }));
}

function request(
  universe: Universe,
  roots: Record<string, string>,
  options: { compiler?: string; platform?: Platform } = {},
): ResolveRequest {
  return {
    compiler: version(options.compiler ?? "0.6.3"),
    platform: options.platform ?? "node",
    roots: Object.entries(roots).map(([name, wanted]) => ({ name, range: range(wanted) })),
    versionsOf: (name) => candidates(universe, name),
  };
}

/** The chosen versions as plain text, or the conflict. */
function solve(
  universe: Universe,
  roots: Record<string, string>,
  options: { compiler?: string; platform?: Platform } = {},
) {
  const result = resolve(request(universe, roots, options));
  if (!result.ok) {
    expect(result.error.kind).toBe("unsatisfiable");
    return { conflict: { message: result.error.message, problems: result.error.problems } };
  }
  return {
    chosen: Object.fromEntries([...result.value].map(([name, v]) => [name, formatVersion(v)])),
  };
}

const core = CORE_SERIES;

describe("resolving dependencies", () => {
  it("chooses the newest version in range of every package, through several levels", () => {
    const universe = THROUGH_LEVELS;

    expect(solve(universe, { "gren-lang/node": "6.0.0 <= v < 7.0.0" })).toEqual({
      chosen: { "gren-lang/core": "7.4.0", "gren-lang/node": "6.1.1", "gren-lang/url": "6.1.0" },
    });
  });

  it("lists the chosen packages by name", () => {
    const universe: Universe = {
      ...core,
      "zed/last": { "1.0.0": { dependencies: { "gren-lang/core": "7.0.0 <= v < 8.0.0" } } },
      "acme/first": { "1.0.0": {} },
    };
    const result = resolve(
      request(universe, { "zed/last": "1.0.0 <= v < 2.0.0", "acme/first": "1.0.0" }),
    );

    expect(result.ok && [...result.value.keys()]).toEqual([
      "acme/first",
      "gren-lang/core",
      "zed/last",
    ]);
  });

  it("takes an exact version as asked, even when newer ones exist", () => {
    expect(solve(core, { "gren-lang/core": "7.1.0" })).toEqual({
      chosen: { "gren-lang/core": "7.1.0" },
    });
  });

  it("falls back to an older version when the newest needs something that clashes", () => {
    const universe = OLDER_FALLBACK;

    expect(
      solve(universe, { "acme/app-lib": "1.0.0 <= v < 2.0.0", "gren-lang/core": "6.0.1" }),
    ).toEqual({ chosen: { "acme/app-lib": "1.1.0", "gren-lang/core": "6.0.1" } });
  });

  it("backtracks over a clash found several levels down", () => {
    const universe = DEEP_CLASH;

    expect(
      solve(universe, { "acme/top": "1.0.0 <= v < 3.0.0", "gren-lang/core": "6.0.0" }),
    ).toEqual({
      chosen: {
        "acme/bottom": "1.0.0",
        "acme/middle": "1.0.0",
        "acme/top": "1.0.0",
        "gren-lang/core": "6.0.0",
      },
    });
  });

  it("keeps the newest version of the package it reaches first when two cannot both be newest", () => {
    const universe = FIRST_REACHED;

    expect(
      solve(universe, { "acme/b": "1.0.0 <= v < 3.0.0", "acme/a": "1.0.0 <= v < 3.0.0" }),
    ).toEqual({
      chosen: { "acme/a": "2.0.0", "acme/b": "1.0.0", "acme/shared": "2.0.0" },
    });
  });

  it("leaves out versions whose gren-version does not contain the compiler's", () => {
    const universe = COMPILER_RANGES;

    expect(solve(universe, { "acme/lib": "1.0.0 <= v < 3.0.0" })).toEqual({
      chosen: { "acme/lib": "1.1.0" },
    });
    expect(solve(universe, { "acme/lib": "1.0.0 <= v < 3.0.0" }, { compiler: "0.6.5" })).toEqual({
      chosen: { "acme/lib": "1.2.0" },
    });
    expect(solve(universe, { "acme/lib": "2.0.0 <= v < 3.0.0" })).toEqual({
      conflict: {
        message:
          "You ask for acme/lib 2.0.0 <= v < 3.0.0, but no version of acme/lib in 2.0.0 <= v < 3.0.0 fits compiler 0.6.3.",
        problems: [
          "you ask for acme/lib 2.0.0 <= v < 3.0.0, but no version of acme/lib in 2.0.0 <= v < 3.0.0 fits compiler 0.6.3",
        ],
      },
    });
  });

  it("uses only packages of the project's platform or common ones", () => {
    const universe = PLATFORMS;

    expect(solve(universe, { "acme/ui": "1.0.0 <= v < 2.0.0" }, { platform: "browser" })).toEqual({
      chosen: { "acme/ui": "1.1.0" },
    });
    expect(solve(universe, { "acme/ui": "1.0.0 <= v < 2.0.0" }, { platform: "node" })).toEqual({
      chosen: { "acme/ui": "1.2.0" },
    });
    expect(solve(universe, { "acme/ui": "1.0.0 <= v < 2.0.0" }, { platform: "common" })).toEqual({
      chosen: { "acme/ui": "1.0.0" },
    });
    expect(solve(universe, { "acme/dom": "1.0.0 <= v < 2.0.0" }, { platform: "node" })).toEqual({
      conflict: {
        message:
          "You ask for acme/dom 1.0.0 <= v < 2.0.0, but acme/dom has no version for platform node.",
        problems: [
          "you ask for acme/dom 1.0.0 <= v < 2.0.0, but acme/dom has no version for platform node",
        ],
      },
    });
  });

  it("holds indirect dependencies to the project's platform too", () => {
    const universe = INDIRECT_PLATFORMS;

    expect(
      solve(universe, { "acme/widgets": "1.0.0 <= v < 3.0.0" }, { platform: "browser" }),
    ).toEqual({
      chosen: { "acme/dom": "1.0.0", "acme/widgets": "1.0.0" },
    });
  });

  it("checks platforms against the project only, as the compiler does", () => {
    // The compiler tests `isCompatible projectPlatform packagePlatform` for each
    // installed package, never a package against its own dependencies.
    const universe: Universe = {
      "acme/logging": { "1.0.0": { dependencies: { "acme/files": "1.0.0 <= v < 2.0.0" } } },
      "acme/files": { "1.0.0": { platform: "node" } },
    };

    expect(solve(universe, { "acme/logging": "1.0.0" }, { platform: "node" })).toEqual({
      chosen: { "acme/files": "1.0.0", "acme/logging": "1.0.0" },
    });
    expect(solve(universe, { "acme/logging": "1.0.0" }, { platform: "browser" })).toEqual({
      conflict: {
        message: "No combination of versions meets every constraint on acme/files.",
        problems: [
          "acme/logging 1.0.0 needs acme/files 1.0.0 <= v < 2.0.0, but acme/files has no version for platform browser",
        ],
      },
    });
  });

  it("says so when a package does not exist", () => {
    expect(solve(core, { "acme/nowhere": "1.0.0 <= v < 2.0.0" })).toEqual({
      conflict: {
        message: "There is no package acme/nowhere.",
        problems: ["there is no package acme/nowhere"],
      },
    });
  });

  it("reports every package asked for that cannot be used, not only the first", () => {
    const result = solve(core, {
      "acme/nowhere": "1.0.0 <= v < 2.0.0",
      "gren-lang/core": "9.0.0",
    });

    expect(result).toEqual({
      conflict: {
        message: "2 of the packages you ask for have no version you can use.",
        problems: [
          "there is no package acme/nowhere",
          "you ask for gren-lang/core 9.0.0, but gren-lang/core has no version 9.0.0",
        ],
      },
    });
  });

  it("skips a version that needs a package that does not exist", () => {
    const universe: Universe = {
      "acme/lib": {
        "1.0.0": {},
        "1.1.0": { dependencies: { "acme/gone": "1.0.0 <= v < 2.0.0" } },
      },
    };

    expect(solve(universe, { "acme/lib": "1.0.0 <= v < 2.0.0" })).toEqual({
      chosen: { "acme/lib": "1.0.0" },
    });
    expect(solve(universe, { "acme/lib": "1.1.0" })).toEqual({
      conflict: {
        message: "No combination of versions meets every constraint on acme/gone.",
        problems: [
          "acme/lib 1.1.0 needs acme/gone 1.0.0 <= v < 2.0.0, but there is no package acme/gone",
        ],
      },
    });
  });

  it("explains a clash with the packages and the ranges on each side", () => {
    const universe: Universe = {
      ...core,
      "acme/app-lib": {
        "1.2.0": { dependencies: { "gren-lang/core": "6.0.0 <= v < 7.0.0" } },
      },
    };

    expect(
      solve(universe, {
        "acme/app-lib": "1.0.0 <= v < 2.0.0",
        "gren-lang/core": "7.0.0 <= v < 8.0.0",
      }),
    ).toEqual({
      conflict: {
        message: "No combination of versions meets every constraint on gren-lang/core.",
        problems: [
          "acme/app-lib 1.2.0 needs gren-lang/core 6.0.0 <= v < 7.0.0, but you ask for gren-lang/core 7.0.0 <= v < 8.0.0",
        ],
      },
    });
  });

  it("sums up many versions that clash the same way in one sentence", () => {
    const universe = MANY_CLASHES;

    expect(
      solve(universe, { "acme/new": "2.0.0 <= v < 3.0.0", "acme/old": "1.0.0 <= v < 2.0.0" }),
    ).toEqual({
      conflict: {
        message: "No combination of versions meets every constraint on gren-lang/core.",
        problems: [
          "5 versions of acme/old (1.0.0 to 1.4.0) need gren-lang/core 6.0.0 <= v < 7.0.0, but acme/new 2.0.0 and 2.1.0 need gren-lang/core 7.0.0 <= v < 8.0.0",
        ],
      },
    });
  });

  it("explains ranges that meet only on versions nobody can use", () => {
    const universe: Universe = {
      ...core,
      "acme/lib": {
        "1.0.0": { dependencies: { "gren-lang/core": "7.2.0 <= v < 8.0.0" } },
      },
    };

    expect(
      solve(universe, { "gren-lang/core": "7.0.0 <= v < 7.3.0", "acme/lib": "1.0.0" }),
    ).toEqual({
      conflict: {
        message: "No combination of versions meets every constraint on gren-lang/core.",
        problems: [
          "acme/lib 1.0.0 needs gren-lang/core 7.2.0 <= v < 8.0.0 and you ask for gren-lang/core 7.0.0 <= v < 7.3.0, but gren-lang/core has no version in 7.2.0 <= v < 7.3.0",
        ],
      },
    });
  });

  it("reads an exact version as the compiler does, one patch wide", () => {
    expect(range("1.2.3")).toEqual(range("1.2.3 <= v < 1.2.4"));
  });

  it("solves a graph of 20 packages with 200 versions each", () => {
    const universe = generatedUniverse(20, 200);
    const result = resolve(
      request(universe, { "gen/p0": "1.0.0 <= v < 100.0.0", "gen/p10": "1.0.0 <= v < 100.0.0" }),
    );

    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.value.size).toBe(21); // and gren-lang/core
      expectConsistent(universe, result.value);
    }
  });

  it("solves a graph where every newest version is a trap", () => {
    // Each package's newer versions need a gren-lang/core that the project
    // rules out, so every package has to go back to its oldest versions.
    const universe = generatedUniverse(20, 200, { trapAbove: 10 });
    const result = resolve(
      request(universe, {
        "gen/p0": "1.0.0 <= v < 100.0.0",
        "gren-lang/core": "6.0.0 <= v < 7.0.0",
      }),
    );

    expect(result.ok).toBe(true);
    if (result.ok) expectConsistent(universe, result.value);
  });

  it("gives up when its caller says stop, naming the packages it was stuck on", () => {
    let asked = 0;
    const result = resolve({
      ...request(pigeonholes(), pigeonRoots),
      stop: () => ++asked > 3,
    });

    expect(asked).toBe(4);
    expect(result).toMatchObject({ ok: false, error: { kind: "too_tangled" } });
    if (result.ok) return;
    expect(result.error.message).toMatch(
      /^The constraints on \S+, \S+, \S+ and 14 other packages are too tangled to settle in the time the registry gives one resolution/,
    );
    const involved = Object.keys(pigeonholes()).sort();
    expect(result.error.problems[0]).toBe(
      `the packages involved: ${involved.slice(0, -1).join(", ")} and ${involved.at(-1)}`,
    );
    expect(result.error.problems.at(-1)).toMatch(/^narrow the ranges you ask for/);
  });

  it("weighs versions at a pace that does not slow down as the search goes on", () => {
    // Nine packages each needing one of eight others at its own version: no
    // answer, and more ways to fail than any search can try. Each weighing must
    // cost the same at the end as at the start: four times the versions take
    // about four times as long, where a cost growing with the search would
    // make it sixteen.
    const timeOf = (weighings: number) => {
      let asked = 0;
      const started = performance.now();
      const result = resolve({
        ...request(pigeonholes(), pigeonRoots),
        stop: () => ++asked * 256 >= weighings,
      });
      expect(result.ok).toBe(false);
      return performance.now() - started;
    };
    timeOf(20_000);
    const short = timeOf(40_000);
    const long = timeOf(160_000);
    expect(long).toBeLessThan(short * 8);
  });

  it("finds the same answer as a plain newest-first search, on many random graphs", () => {
    const random = seededRandom(20250911);
    const outcomes = { solved: 0, failed: 0 };
    for (let round = 0; round < 3000; round++) {
      const universe = randomUniverse(random);
      const roots: Record<string, string> = { "r/p0": "1.0.0 <= v < 9.0.0" };
      if (random() < 0.5) roots["r/p1"] = `${1 + Math.floor(random() * 2)}.0.0 <= v < 9.0.0`;
      const req = request(universe, roots, { platform: random() < 0.8 ? "node" : "browser" });

      const expected = plainSearch(req);
      const result = resolve(req);
      const context = `round ${round}: ${JSON.stringify({ universe, roots })}`;
      expect(result.ok, context).toBe(expected !== undefined);
      if (result.ok && expected) {
        expect(chosenText(result.value), context).toEqual(chosenText(expected));
      }
      outcomes[result.ok ? "solved" : "failed"]++;
    }
    // Both kinds of graph must come up often, or the comparison proves little.
    expect(outcomes.solved).toBeGreaterThan(200);
    expect(outcomes.failed).toBeGreaterThan(200);
  });
});

/**
 * Nine pigeons `pig/p1`..`p9`, each version J.0.0 of p(I) needing hole h(J)
 * at version I; eight holes `pig/h1`..`h8` with versions 1.0.0 to 9.0.0. Two
 * pigeons cannot share a hole, so the nine cannot all be placed.
 */
function pigeonholes(): Universe {
  const universe: Universe = {};
  for (let pigeon = 1; pigeon <= 9; pigeon++) {
    const versions: Record<string, Published> = {};
    for (let hole = 1; hole <= 8; hole++) {
      versions[`${hole}.0.0`] = {
        dependencies: { [`pig/h${hole}`]: `${pigeon}.0.0 <= v < ${pigeon + 1}.0.0` },
      };
    }
    universe[`pig/p${pigeon}`] = versions;
  }
  for (let hole = 1; hole <= 8; hole++) {
    const versions: Record<string, Published> = {};
    for (let pigeon = 1; pigeon <= 9; pigeon++) versions[`${pigeon}.0.0`] = {};
    universe[`pig/h${hole}`] = versions;
  }
  return universe;
}

const pigeonRoots = Object.fromEntries(
  Array.from({ length: 9 }, (_, i) => [`pig/p${i + 1}`, "1.0.0 <= v < 9.0.0"]),
);

const chosenText = (chosen: Map<string, Version>) =>
  Object.fromEntries([...chosen].map(([name, v]) => [name, formatVersion(v)]));

/** Every range asked for holds the version chosen, and every dependency is chosen. */
function expectConsistent(universe: Universe, chosen: Map<string, Version>): void {
  for (const [name, v] of chosen) {
    const candidate = candidates(universe, name)?.find((c) => compareVersions(c.version, v) === 0);
    expect(candidate).toBeDefined();
    for (const dependency of candidate?.dependencies ?? []) {
      const picked = chosen.get(dependency.name);
      expect(picked && rangeContains(dependency.range, picked)).toBe(true);
    }
  }
}

/** Four to eight small packages with random dependencies, ranges, platforms and compiler ranges. */
function randomUniverse(random: () => number): Universe {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const names = Array.from({ length: 4 + Math.floor(random() * 5) }, (_, i) => `r/p${i}`);
  const majors = 3 + Math.floor(random() * 4);
  const density = 0.15 + random() * 0.25;
  const universe: Universe = {};
  for (const name of names) {
    if (name !== "r/p0" && random() < 0.05) continue; // a package that does not exist
    const published: Record<string, Published> = {};
    for (let major = 1; major <= majors; major++) {
      if (random() < 0.1) continue;
      const dependencies: Record<string, string> = {};
      for (const other of names) {
        if (random() < density) {
          const low = 1 + Math.floor(random() * majors);
          const high = low + 1 + Math.floor(random() * 3);
          dependencies[other] = `${low}.0.0 <= v < ${high}.0.0`;
        }
      }
      published[`${major}.0.0`] = {
        dependencies,
        platform: random() < 0.9 ? "common" : pick(["node", "browser"] as const),
        grenVersion: random() < 0.95 ? "0.6.0 <= v < 0.7.0" : "0.7.0 <= v < 0.8.0",
      };
    }
    universe[name] = published;
  }
  return universe;
}

/**
 * The search the solver must agree with, written as plainly as possible:
 * packages in the order the compiler walks them, newest version first, and on
 * a dead end back to the previous choice. Exponential, fine for tiny graphs.
 */
function plainSearch(req: ResolveRequest): Map<string, Version> | undefined {
  const usable = (name: string): Candidate[] =>
    [...(req.versionsOf(name) ?? [])]
      .filter(
        (c) =>
          rangeContains(c.grenVersion, req.compiler) &&
          (c.platform === req.platform || c.platform === "common"),
      )
      .sort((a, b) => compareVersions(b.version, a.version));
  const byName = (a: Dependency, b: Dependency) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const chosen = new Map<string, Candidate>();
  const needs: Dependency[] = [...req.roots];
  const queue: string[] = [...new Set([...req.roots].sort(byName).map((root) => root.name))];

  const step = (depth: number): boolean => {
    const name = queue[depth];
    if (name === undefined) return true;
    for (const candidate of usable(name)) {
      const fits = needs.every(
        (need) => need.name !== name || rangeContains(need.range, candidate.version),
      );
      const own = candidate.dependencies.every((dependency) => {
        const picked = dependency.name === name ? candidate : chosen.get(dependency.name);
        return !picked || rangeContains(dependency.range, picked.version);
      });
      if (!fits || !own) continue;
      chosen.set(name, candidate);
      const queued = queue.length;
      const asked = needs.length;
      for (const dependency of [...candidate.dependencies].sort(byName)) {
        needs.push(dependency);
        if (!queue.includes(dependency.name)) queue.push(dependency.name);
      }
      if (step(depth + 1)) return true;
      queue.length = queued;
      needs.length = asked;
      chosen.delete(name);
    }
    return false;
  };

  if (!step(0)) return undefined;
  return new Map([...chosen].map(([name, candidate]) => [name, candidate.version]));
}
