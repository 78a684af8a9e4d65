import { describe, expect, it } from "vitest";
import {
  compareVersions,
  formatRange,
  formatVersion,
  parseRange,
  parseVersion,
  rangeContains,
  type Version,
  versionFromKey,
  versionKey,
} from "../../src/gren/semver.ts";

const version = (text: string): Version => {
  const parsed = parseVersion(text);
  if (!parsed) throw new Error(`${text} is not a version`);
  return parsed;
};

describe("versions", () => {
  it("are three whole numbers separated by dots", () => {
    expect(parseVersion("1.2.3")).toEqual({ major: 1, minor: 2, patch: 3 });
    expect(parseVersion("0.0.0")).toEqual({ major: 0, minor: 0, patch: 0 });
    expect(parseVersion("10.20.30")).toEqual({ major: 10, minor: 20, patch: 30 });
  });

  it("have nothing else: no missing parts, signs, spaces, tags or other digits", () => {
    for (const bad of [
      "",
      "1",
      "1.0",
      "1.0.0.0",
      "v1.0.0",
      "1.0.0-beta",
      "1.0.0+build",
      " 1.0.0",
      "1.0.0 ",
      "1. 0.0",
      "-1.0.0",
      "+1.0.0",
      "1.0.x",
      "1.0.",
      "1..0",
      "1e3.0.0",
      "1.0.٣",
    ]) {
      expect(parseVersion(bad), bad).toBeUndefined();
    }
  });

  it("reject leading zeros, except a zero on its own", () => {
    for (const bad of ["01.0.0", "1.00.0", "1.0.00", "1.0.007"]) {
      expect(parseVersion(bad), bad).toBeUndefined();
    }
    expect(parseVersion("0.0.0")).toBeDefined();
  });

  it("reject components over 65535, which the compiler cannot store", () => {
    expect(parseVersion("65535.65535.65535")).toEqual({
      major: 65535,
      minor: 65535,
      patch: 65535,
    });
    for (const bad of ["65536.0.0", "0.65536.0", "0.0.65536", `1${"0".repeat(400)}.0.0`]) {
      expect(parseVersion(bad), bad).toBeUndefined();
    }
  });

  it("are written back as they were read", () => {
    for (const text of ["0.0.0", "1.2.3", "0.10.0", "65535.0.1"]) {
      expect(formatVersion(version(text))).toBe(text);
    }
  });

  it("compare numerically, so 0.9.0 is below 0.10.0", () => {
    expect(compareVersions(version("0.9.0"), version("0.10.0"))).toBeLessThan(0);
    expect(compareVersions(version("0.10.0"), version("0.9.0"))).toBeGreaterThan(0);
    expect(compareVersions(version("1.2.3"), version("1.2.3"))).toBe(0);
    expect(compareVersions(version("2.0.0"), version("1.99.99"))).toBeGreaterThan(0);
    expect(compareVersions(version("1.0.10"), version("1.0.9"))).toBeGreaterThan(0);
  });

  it("sort in numeric order", () => {
    const sorted = ["1.0.0", "0.10.0", "0.9.0", "0.9.10", "0.9.2", "10.0.0", "2.0.0"]
      .map(version)
      .sort(compareVersions)
      .map(formatVersion);
    expect(sorted).toEqual(["0.9.0", "0.9.2", "0.9.10", "0.10.0", "1.0.0", "2.0.0", "10.0.0"]);
  });
});

describe("version keys", () => {
  it("order exactly like the versions they stand for", () => {
    const texts = ["0.0.0", "0.0.1", "0.0.65535", "0.1.0", "0.9.0", "0.10.0", "1.0.0", "65535.0.0"];
    const keys = texts.map((text) => versionKey(version(text)));
    expect([...keys].sort((a, b) => a - b)).toEqual(keys);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("are major × 2³² + minor × 2¹⁶ + patch", () => {
    expect(versionKey(version("1.2.3"))).toBe(2 ** 32 + 2 * 2 ** 16 + 3);
    expect(versionKey(version("65535.65535.65535"))).toBe(2 ** 48 - 1);
  });

  it("turn back into the same version", () => {
    for (const text of ["0.0.0", "1.2.3", "0.10.0", "65535.65535.65535", "7.0.65535"]) {
      expect(formatVersion(versionFromKey(versionKey(version(text))))).toBe(text);
    }
  });

  it("are refused when no version has them", () => {
    for (const bad of [-1, 0.5, 2 ** 48, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => versionFromKey(bad), String(bad)).toThrow(RangeError);
    }
  });
});

describe("ranges", () => {
  it("are read from the compiler's form", () => {
    expect(parseRange("0.6.0 <= v < 0.7.0")).toEqual({
      lower: { major: 0, minor: 6, patch: 0 },
      upper: { major: 0, minor: 7, patch: 0 },
    });
  });

  it("ignore spaces between their parts", () => {
    for (const text of [
      "0.6.0<=v<0.7.0",
      "0.6.0  <=   v <0.7.0",
      "  0.6.0 <= v < 0.7.0  ",
      "0.6.0 <=v< 0.7.0",
    ]) {
      expect(formatRange(parseRange(text)!), text).toBe("0.6.0 <= v < 0.7.0");
    }
  });

  it("are refused when the lower bound is not below the upper", () => {
    expect(parseRange("1.0.0 <= v < 1.0.0")).toBeUndefined();
    expect(parseRange("2.0.0 <= v < 1.0.0")).toBeUndefined();
    expect(parseRange("0.10.0 <= v < 0.9.0")).toBeUndefined();
    expect(parseRange("0.9.0 <= v < 0.10.0")).toBeDefined();
  });

  it("are refused in any other form", () => {
    for (const bad of [
      "",
      "1.0.0",
      "1.0.0 <= v",
      "v < 2.0.0",
      "1.0.0 < v < 2.0.0",
      "1.0.0 <= v <= 2.0.0",
      "1.0.0 <= x < 2.0.0",
      "1.0.0 <= V < 2.0.0",
      "1. 0.0 <= v < 2.0.0",
      "1.0.0 < = v < 2.0.0",
      "01.0.0 <= v < 2.0.0",
      "1.0.0 <= v < 65536.0.0",
      "1.0.0\t<= v < 2.0.0",
      "^1.0.0",
    ]) {
      expect(parseRange(bad), bad).toBeUndefined();
    }
  });

  it("contain their lower bound but not their upper", () => {
    const range = parseRange("1.2.0 <= v < 2.0.0")!;
    expect(rangeContains(range, version("1.2.0"))).toBe(true);
    expect(rangeContains(range, version("1.10.3"))).toBe(true);
    expect(rangeContains(range, version("1.99.99"))).toBe(true);
    expect(rangeContains(range, version("2.0.0"))).toBe(false);
    expect(rangeContains(range, version("1.1.99"))).toBe(false);
  });

  it("compare their bounds numerically", () => {
    const range = parseRange("0.9.0 <= v < 0.10.0")!;
    expect(rangeContains(range, version("0.9.12"))).toBe(true);
    expect(rangeContains(range, version("0.10.0"))).toBe(false);
    expect(rangeContains(range, version("0.1.0"))).toBe(false);
  });
});
