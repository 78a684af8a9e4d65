import { describe, expect, it } from "vitest";
import { type ApiChanges, diffApi } from "../../src/gren/apiChanges.ts";
import type { DocsJson } from "../../src/gren/docsJson.ts";
import {
  formatVersion,
  parseRange,
  parseVersion,
  type Range,
  type Version,
} from "../../src/gren/semver.ts";
import {
  bumpVersion,
  checkMagnitude,
  decideMagnitude,
  describeRefusal,
  nextVersions,
  numberMagnitude,
  placeVersion,
  verdictOf,
  versionBelow,
} from "../../src/gren/versionBump.ts";

const version = (text: string): Version => {
  const parsed = parseVersion(text);
  if (!parsed) throw new Error(`${text} is not a version`);
  return parsed;
};
const versions = (...texts: string[]): Version[] => texts.map(version);

/** Where a number stands, in words a test can compare: `patch of 1.0.0`, `first`, or the refusal's kind. */
function placing(existing: string[], proposed: string): string {
  const placed = placeVersion(versions(...existing), version(proposed));
  if (!placed.ok) return placed.error.kind;
  const next = placed.value;
  return next.kind === "first" ? "first" : `${next.magnitude} of ${formatVersion(next.from)}`;
}

// ---------------------------------------------------------------- the numbers

interface Case {
  rule: string;
  existing: string[];
  proposed: string;
  placing: string;
}

/** Each rule of the compiler's publishing, with a number just inside it and one just outside. */
const CASES: Case[] = [
  // The first version
  {
    rule: "a first version of 1.0.0 is allowed",
    existing: [],
    proposed: "1.0.0",
    placing: "first",
  },
  {
    rule: "a first version of 1.0.1 is refused",
    existing: [],
    proposed: "1.0.1",
    placing: "notFirstVersion",
  },
  {
    rule: "a first version of 0.1.0 is refused",
    existing: [],
    proposed: "0.1.0",
    placing: "notFirstVersion",
  },
  // The next of each kind after the highest
  { rule: "a patch bump", existing: ["1.0.0"], proposed: "1.0.1", placing: "patch of 1.0.0" },
  { rule: "a minor bump", existing: ["1.0.0"], proposed: "1.1.0", placing: "minor of 1.0.0" },
  { rule: "a major bump", existing: ["1.0.0"], proposed: "2.0.0", placing: "major of 1.0.0" },
  // Skipping a number
  {
    rule: "a minor bump that skips a number (1.0.0 -> 1.2.0) is refused",
    existing: ["1.0.0"],
    proposed: "1.2.0",
    placing: "notNext",
  },
  {
    rule: "a patch bump that skips a number is refused",
    existing: ["1.0.0"],
    proposed: "1.0.2",
    placing: "notNext",
  },
  {
    rule: "a major bump that skips a number is refused",
    existing: ["1.0.0"],
    proposed: "3.0.0",
    placing: "notNext",
  },
  {
    rule: "a minor bump that leaves a patch number behind is refused",
    existing: ["1.0.0"],
    proposed: "1.1.1",
    placing: "notNext",
  },
  // An older major line
  {
    rule: "a minor bump of an older major line is allowed, from its highest version",
    existing: ["1.0.0", "1.1.0", "2.0.0"],
    proposed: "1.2.0",
    placing: "minor of 1.1.0",
  },
  {
    rule: "a minor bump of an older major line that skips a number is refused",
    existing: ["1.0.0", "1.1.0", "2.0.0"],
    proposed: "1.3.0",
    placing: "notNext",
  },
  {
    rule: "a major bump of an older major line is refused: only the highest gets one",
    existing: ["1.0.0", "3.0.0"],
    proposed: "2.0.0",
    placing: "notNext",
  },
  // An older minor line
  {
    rule: "a patch of an older minor line is allowed, from its highest version",
    existing: ["1.0.0", "1.0.1", "1.1.0"],
    proposed: "1.0.2",
    placing: "patch of 1.0.1",
  },
  {
    rule: "a patch of an older minor line that skips a number is refused",
    existing: ["1.0.0", "1.0.1", "1.1.0"],
    proposed: "1.0.3",
    placing: "notNext",
  },
  {
    rule: "a patch of an older major line is allowed",
    existing: ["1.0.0", "2.0.0"],
    proposed: "1.0.1",
    placing: "patch of 1.0.0",
  },
  // A number already taken
  {
    rule: "a number already taken is refused",
    existing: ["1.0.0", "1.0.1"],
    proposed: "1.0.1",
    placing: "taken",
  },
  {
    rule: "a number taken by an older version is refused, not passed as a republish",
    existing: ["1.0.0", "1.0.1", "1.1.0"],
    proposed: "1.0.0",
    placing: "taken",
  },
  {
    rule: "the numbers may be given in any order",
    existing: ["2.0.0", "1.0.0", "1.1.0"],
    proposed: "1.2.0",
    placing: "minor of 1.1.0",
  },
  {
    rule: "a package whose history starts below 1.0.0 still follows the same rules",
    existing: ["0.1.0", "0.2.0"],
    proposed: "0.2.1",
    placing: "patch of 0.2.0",
  },
];

describe("which number may come next", () => {
  it.each(CASES)("$rule", (testCase) => {
    expect(placing(testCase.existing, testCase.proposed)).toBe(testCase.placing);
  });

  it("is 1.0.0 alone for a package with no version", () => {
    expect(nextVersions([])).toEqual([{ kind: "first", to: version("1.0.0") }]);
  });

  it("is a major bump of the highest, a minor bump per major line and a patch bump per minor line", () => {
    const next = nextVersions(versions("1.0.0", "1.0.1", "1.1.0", "2.0.0", "2.0.1"));
    expect(
      next.map((n) =>
        n.kind === "first" ? "" : `${formatVersion(n.from)} -> ${formatVersion(n.to)}`,
      ),
    ).toEqual([
      "1.0.1 -> 1.0.2",
      "1.1.0 -> 1.1.1",
      "1.1.0 -> 1.2.0",
      "2.0.1 -> 2.0.2",
      "2.0.1 -> 2.1.0",
      "2.0.1 -> 3.0.0",
    ]);
  });

  it("counts a revoked version: its number is taken and it is what the next is compared with", () => {
    // 1.0.1 was revoked; it still exists for the rules.
    const existing = versions("1.0.0", "1.0.1");
    expect(placing(["1.0.0", "1.0.1"], "1.0.1")).toBe("taken");
    expect(placing(["1.0.0", "1.0.1"], "1.0.2")).toBe("patch of 1.0.1");
    expect(nextVersions(existing).some((n) => formatVersion(n.to) === "1.0.1")).toBe(false);
  });
});

// ---------------------------------------------------------------- the magnitude

const api = (values: Record<string, string>): DocsJson => ({
  Parser: {
    name: "Parser",
    comment: "",
    unions: [],
    aliases: [],
    values: Object.entries(values).map(([name, type]) => ({ name, comment: "", type })),
    binops: [],
  },
});

const BEFORE = api({ run: "Parser a -> String -> Maybe a", int: "Parser Int" });
const SAME = BEFORE;
const ADDED = api({
  run: "Parser a -> String -> Maybe a",
  int: "Parser Int",
  float: "Parser Float",
});
const BROKEN = api({ run: "Parser a -> String -> Result String a", float: "Parser Float" });

const range = (text: string): Range => {
  const parsed = parseRange(text);
  if (!parsed) throw new Error(`${text} is not a range`);
  return parsed;
};
const COMPILER_06 = range("0.6.0 <= v < 0.7.0");
const SAME_COMPILERS = { from: COMPILER_06, to: COMPILER_06 };

/** The verdict on publishing `proposed` after 1.0.0, whose API was BEFORE. */
function verdict(
  proposed: string,
  after: DocsJson,
  ranges = SAME_COMPILERS,
): { ok: boolean; sentences: string[] } {
  const placed = placeVersion(versions("1.0.0"), version(proposed));
  if (!placed.ok || placed.value.kind !== "bump") throw new Error(`${proposed} is no bump`);
  const changes: ApiChanges = diffApi(BEFORE, after);
  const checked = checkMagnitude(placed.value, verdictOf(changes), ranges);
  return { ok: checked.ok, sentences: checked.ok ? [] : describeRefusal(checked.error) };
}

describe("whether a number matches its API", () => {
  it.each([
    { proposed: "1.0.1", after: SAME, ok: true },
    { proposed: "1.0.1", after: ADDED, ok: false },
    { proposed: "1.1.0", after: ADDED, ok: true },
    { proposed: "1.1.0", after: BROKEN, ok: false },
    { proposed: "2.0.0", after: BROKEN, ok: true },
    { proposed: "2.0.0", after: ADDED, ok: false },
    { proposed: "1.1.0", after: SAME, ok: false },
  ])("$proposed after 1.0.0 is allowed: $ok", ({ proposed, after, ok }) => {
    expect(verdict(proposed, after).ok).toBe(ok);
  });

  it("refuses a minor number for a major change, naming each change that makes it major", () => {
    expect(verdict("1.1.0", BROKEN).sentences).toEqual([
      "Version 1.1.0 would be a minor change from 1.0.0, but the API changes since 1.0.0 are major, so this version must be 2.0.0:",
      "`Parser.int` removed.",
      "`Parser.run` changed from `Parser a -> String -> Maybe a` to `Parser a -> String -> Result String a`.",
    ]);
  });

  it("refuses a major number for a minor change, as the compiler does", () => {
    expect(verdict("2.0.0", ADDED).sentences).toEqual([
      "Version 2.0.0 would be a major change from 1.0.0, but the API changes since 1.0.0 are minor, so this version must be 1.1.0:",
      "`Parser.float` added, with the type `Parser Float`.",
    ]);
  });

  it("refuses a minor number for an unchanged API, and says which number it calls for", () => {
    expect(verdict("1.1.0", SAME).sentences).toEqual([
      "Version 1.1.0 would be a minor change from 1.0.0, but the API is the same as in 1.0.0, so this version must be 1.0.1.",
    ]);
  });

  it("calls for the version bumped from the one it is compared with", () => {
    expect(formatVersion(bumpVersion(version("1.4.2"), "major"))).toBe("2.0.0");
    expect(formatVersion(bumpVersion(version("1.4.2"), "minor"))).toBe("1.5.0");
    expect(formatVersion(bumpVersion(version("1.4.2"), "patch"))).toBe("1.4.3");
  });
});

describe("a version no compiler builds with the one it bumps", () => {
  const moved = { from: range("0.5.0 <= v < 0.6.0"), to: COMPILER_06 };

  it.each([
    { proposed: "2.0.0", after: SAME, ok: true },
    { proposed: "2.0.0", after: ADDED, ok: true },
    { proposed: "2.0.0", after: BROKEN, ok: true },
    { proposed: "1.0.1", after: SAME, ok: false },
    { proposed: "1.1.0", after: ADDED, ok: false },
  ])("$proposed after 1.0.0 for another compiler is allowed: $ok", ({ proposed, after, ok }) => {
    expect(verdict(proposed, after, moved).ok).toBe(ok);
  });

  it("must be a new major version, whatever its API, and says why", () => {
    expect(verdict("1.0.1", SAME, moved).sentences).toEqual([
      "Version 1.0.1 would be a patch change from 1.0.0, but 1.0.0 works with the compilers 0.5.0 <= v < 0.6.0 and this version with 0.6.0 <= v < 0.7.0: no compiler builds both, so as the compiler does, their APIs are not compared and this version must be a new major version, 2.0.0.",
    ]);
  });

  it("is compared by its API as soon as one compiler builds both", () => {
    const touching = { from: range("0.5.0 <= v < 0.6.1"), to: COMPILER_06 };
    const apart = { from: range("0.5.0 <= v < 0.6.0"), to: COMPILER_06 };
    expect(decideMagnitude("patch", touching)).toEqual({ magnitude: "patch", decidedBy: "api" });
    expect(decideMagnitude("patch", apart)).toEqual({
      magnitude: "major",
      decidedBy: "compiler_ranges",
    });
  });
});

describe("a number that follows no rule, as history brings it", () => {
  it("is compared with the highest version below it, as the compiler's validate picks", () => {
    const below = (existing: string[], proposed: string) => {
      const found = versionBelow(versions(...existing), version(proposed));
      return found && formatVersion(found);
    };
    expect(below(["1.0.0", "2.0.0", "1.3.0"], "1.5.0")).toBe("1.3.0");
    expect(below(["1.0.0"], "0.9.0")).toBeUndefined();
  });

  it("says the magnitude its move from a lower number claims", () => {
    expect(numberMagnitude(version("1.0.0"), version("1.2.0"))).toBe("minor");
    expect(numberMagnitude(version("1.0.0"), version("3.0.0"))).toBe("major");
    expect(numberMagnitude(version("1.2.0"), version("1.2.7"))).toBe("patch");
  });
});

describe("a refused number in words", () => {
  const refusal = (existing: string[], proposed: string): string[] => {
    const placed = placeVersion(versions(...existing), version(proposed));
    if (placed.ok) throw new Error(`${proposed} was allowed`);
    return describeRefusal(placed.error);
  };

  it("says the first version is 1.0.0", () => {
    expect(refusal([], "0.1.0")).toEqual(["A package's first version must be 1.0.0, not 0.1.0."]);
  });

  it("says a taken number stays taken after revocation", () => {
    expect(refusal(["1.0.0"], "1.0.0")).toEqual([
      "Version 1.0.0 already exists; a number is never given twice, not even after its version is revoked.",
    ]);
  });

  it("lists the numbers that may come next", () => {
    expect(refusal(["1.0.0"], "1.2.0")).toEqual([
      "Version 1.2.0 cannot follow the existing versions: the next version may be 1.0.1, 1.1.0 or 2.0.0.",
    ]);
  });
});
