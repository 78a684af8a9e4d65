import type { Platform } from "../../src/gren/outline.ts";

// Graphs of packages that resolution tests share: the solver's own tests,
// and the test that the registry and a client resolving a mirror's indexes
// choose alike on them.

export interface Published {
  platform?: Platform;
  grenVersion?: string;
  dependencies?: Record<string, string>;
}

/** Packages by name, each with its versions and what they need. */
export type Universe = Record<string, Record<string, Published>>;

/** gren-lang/core 6.0.0 to 7.4.0, needing nothing. */
export const CORE_SERIES: Universe = {
  "gren-lang/core": {
    "6.0.0": {},
    "6.0.1": {},
    "7.0.0": {},
    "7.1.0": {},
    "7.4.0": {},
  },
};

/** core, url and node at several versions: node 6.1.1 needs core 7 and url 6. */
export const THROUGH_LEVELS: Universe = {
  ...CORE_SERIES,
  "gren-lang/url": {
    "5.0.0": { dependencies: { "gren-lang/core": "6.0.0 <= v < 7.0.0" } },
    "6.0.0": { dependencies: { "gren-lang/core": "7.0.0 <= v < 8.0.0" } },
    "6.1.0": { dependencies: { "gren-lang/core": "7.0.0 <= v < 8.0.0" } },
  },
  "gren-lang/node": {
    "6.1.1": {
      platform: "node",
      dependencies: {
        "gren-lang/core": "7.0.0 <= v < 8.0.0",
        "gren-lang/url": "6.0.0 <= v < 7.0.0",
      },
    },
    "7.0.0": { platform: "node", dependencies: { "gren-lang/core": "8.0.0 <= v < 9.0.0" } },
  },
};

/** acme/app-lib, whose newest version needs the newer core. */
export const OLDER_FALLBACK: Universe = {
  ...CORE_SERIES,
  "acme/app-lib": {
    "1.0.0": { dependencies: { "gren-lang/core": "6.0.0 <= v < 7.0.0" } },
    "1.1.0": { dependencies: { "gren-lang/core": "6.0.0 <= v < 7.0.0" } },
    "1.2.0": { dependencies: { "gren-lang/core": "7.0.0 <= v < 8.0.0" } },
  },
};

/** top, middle and bottom, each major needing the next one down, bottom 1 needing core 6 and bottom 2 core 7. */
export const DEEP_CLASH: Universe = {
  ...CORE_SERIES,
  "acme/top": {
    "1.0.0": { dependencies: { "acme/middle": "1.0.0 <= v < 2.0.0" } },
    "2.0.0": { dependencies: { "acme/middle": "2.0.0 <= v < 3.0.0" } },
  },
  "acme/middle": {
    "1.0.0": { dependencies: { "acme/bottom": "1.0.0 <= v < 2.0.0" } },
    "2.0.0": { dependencies: { "acme/bottom": "2.0.0 <= v < 3.0.0" } },
  },
  "acme/bottom": {
    "1.0.0": { dependencies: { "gren-lang/core": "6.0.0 <= v < 7.0.0" } },
    "2.0.0": { dependencies: { "gren-lang/core": "7.0.0 <= v < 8.0.0" } },
  },
};

/** acme/a and acme/b, whose newest versions need different majors of acme/shared. */
export const FIRST_REACHED: Universe = {
  "acme/a": {
    "1.0.0": { dependencies: { "acme/shared": "1.0.0 <= v < 2.0.0" } },
    "2.0.0": { dependencies: { "acme/shared": "2.0.0 <= v < 3.0.0" } },
  },
  "acme/b": {
    "1.0.0": { dependencies: { "acme/shared": "2.0.0 <= v < 3.0.0" } },
    "2.0.0": { dependencies: { "acme/shared": "1.0.0 <= v < 2.0.0" } },
  },
  "acme/shared": { "1.0.0": {}, "2.0.0": {} },
};

/** acme/lib's versions, each for a range of compilers of its own. */
export const COMPILER_RANGES: Universe = {
  ...CORE_SERIES,
  "acme/lib": {
    "1.0.0": { grenVersion: "0.5.0 <= v < 0.6.0" },
    "1.1.0": { grenVersion: "0.6.0 <= v < 0.7.0" },
    "1.2.0": { grenVersion: "0.6.4 <= v < 0.7.0" },
    "2.0.0": { grenVersion: "0.7.0 <= v < 0.8.0" },
  },
};

/** acme/ui for each platform, and acme/dom for browsers only. */
export const PLATFORMS: Universe = {
  "acme/ui": {
    "1.0.0": { platform: "common" },
    "1.1.0": { platform: "browser" },
    "1.2.0": { platform: "node" },
  },
  "acme/dom": { "1.0.0": { platform: "browser" } },
};

/** acme/widgets 1 needs a browser package, 2 a node one. */
export const INDIRECT_PLATFORMS: Universe = {
  "acme/widgets": {
    "1.0.0": { dependencies: { "acme/dom": "1.0.0 <= v < 2.0.0" } },
    "2.0.0": { dependencies: { "acme/node-only": "1.0.0 <= v < 2.0.0" } },
  },
  "acme/dom": { "1.0.0": { platform: "browser" } },
  "acme/node-only": { "1.0.0": { platform: "node" } },
};

/** five versions of acme/old needing core 6, two of acme/new needing core 7. */
export const MANY_CLASHES: Universe = {
  ...CORE_SERIES,
  "acme/old": Object.fromEntries(
    ["1.0.0", "1.1.0", "1.2.0", "1.3.0", "1.4.0"].map((v) => [
      v,
      { dependencies: { "gren-lang/core": "6.0.0 <= v < 7.0.0" } },
    ]),
  ),
  "acme/new": {
    "2.0.0": { dependencies: { "gren-lang/core": "7.0.0 <= v < 8.0.0" } },
    "2.1.0": { dependencies: { "gren-lang/core": "7.0.0 <= v < 8.0.0" } },
  },
};

/**
 * `count` packages `gen/p0`..., each with `versions` versions; each version of
 * p(i) needs the next two packages in a range that its newer versions move up,
 * and, past `trapAbove` (when given), a gren-lang/core 7 the project can forbid.
 */
export function generatedUniverse(
  count: number,
  versions: number,
  options: { trapAbove?: number } = {},
): Universe {
  const universe: Universe = {
    "gren-lang/core": { "6.0.0": {}, "7.0.0": {} },
  };
  const versionText = (n: number) => `${1 + Math.floor(n / 10)}.${n % 10}.0`;
  for (let i = 0; i < count; i++) {
    const published: Record<string, Published> = {};
    for (let n = 0; n < versions; n++) {
      const dependencies: Record<string, string> = {};
      for (const next of [i + 1, i + 2]) {
        if (next >= count) continue;
        const floor = Math.max(0, n - 15);
        dependencies[`gen/p${next}`] = `${versionText(floor)} <= v < ${versionText(n + 5)}`;
      }
      if (options.trapAbove !== undefined && n >= options.trapAbove) {
        dependencies["gren-lang/core"] = "7.0.0 <= v < 8.0.0";
      } else {
        dependencies["gren-lang/core"] = "6.0.0 <= v < 8.0.0";
      }
      published[versionText(n)] = { dependencies };
    }
    universe[`gen/p${i}`] = published;
  }
  return universe;
}

export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
