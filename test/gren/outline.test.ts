import { describe, expect, it } from "vitest";
import { DEFAULT_SUMMARY, type Outline, parseOutline } from "../../src/gren/outline.ts";
import type { Result } from "../../src/result.ts";
import { packageOutline } from "../support/bundles.ts";

const problemsOf = (result: Result<Outline, string[]>): string[] => (result.ok ? [] : result.error);

const problemsWith = (overrides: Record<string, unknown>): string[] =>
  problemsOf(parseOutline(packageOutline(overrides)));

describe("a package outline", () => {
  it("that follows every rule becomes a typed outline", () => {
    const result = parseOutline(
      packageOutline({ dependencies: { "gren-lang/core": "6.0.0 <= v < 7.0.0" } }),
    );
    expect(result).toEqual({
      ok: true,
      value: {
        name: { author: "acme", project: "widgets" },
        version: { major: 1, minor: 0, patch: 0 },
        summary: "Widgets for every occasion",
        license: "BSD-3-Clause",
        platform: "common",
        exposedModules: ["Widgets", "Widgets.Extra"],
        grenVersion: {
          lower: { major: 0, minor: 6, patch: 0 },
          upper: { major: 0, minor: 7, patch: 0 },
        },
        dependencies: [
          {
            name: { author: "gren-lang", project: "core" },
            range: {
              lower: { major: 6, minor: 0, patch: 0 },
              upper: { major: 7, minor: 0, patch: 0 },
            },
          },
        ],
        private: false,
      },
    });
  });

  it("that breaks many rules at once lists every problem, one sentence each", () => {
    const problems = problemsWith({
      type: "library",
      platform: "deno",
      name: "Acme/Widgets",
      summary: "",
      license: "Made up",
      version: "1.0",
      "exposed-modules": ["widgets"],
      "gren-version": "0.7.0 <= v < 0.6.0",
      dependencies: { "gren-lang/core": "^6.0.0" },
      private: "yes",
    });
    expect(problems).toEqual([
      'The outline\'s "type" must be "package", not "library".',
      'The outline\'s "platform" must be "common", "browser" or "node", not "deno".',
      expect.stringMatching(
        /^The outline's "name" must be a package name like "author\/project", .* not "Acme\/Widgets"\.$/,
      ),
      'The outline\'s "summary" is empty; it must say in a few words what the package is for.',
      'The outline\'s "license" must be one of the OSI licence identifiers the Gren compiler knows, such as "BSD-3-Clause" or "MIT", not "Made up".',
      'The outline\'s "version" must be MAJOR.MINOR.PATCH, not "1.0".',
      expect.stringMatching(
        /^The outline's "exposed-modules" lists "widgets", which is not a module name: /,
      ),
      'The outline\'s "gren-version" must be a range like "0.6.0 <= v < 0.7.0", not "0.7.0 <= v < 0.6.0"; the lower bound must be below the upper.',
      'The outline\'s dependency "gren-lang/core" must be a range like "1.0.0 <= v < 2.0.0", not "^6.0.0".',
      'The outline\'s "private" must be true or false, not "yes".',
    ]);
    for (const problem of problems) expect(problem).toMatch(/^The outline[^\n]*\.$/);
  });

  it("that is missing its fields names each one and what it must be", () => {
    const problems = problemsOf(parseOutline({}));
    expect(problems).toHaveLength(9);
    expect(problems).toContain('The outline has no "version" field; it must be MAJOR.MINOR.PATCH.');
    expect(problems).toContain('The outline has no "type" field; it must be "package".');
    expect(problems.join("\n")).not.toContain('"private"');
  });

  it("must be a JSON object", () => {
    for (const notObject of [null, [], "gren.json", 1]) {
      expect(problemsOf(parseOutline(notObject))).toEqual([
        expect.stringMatching(/^The outline must be a JSON object, the package's gren.json, not /),
      ]);
    }
  });

  it("of an application cannot be published", () => {
    expect(problemsWith({ type: "application" })).toEqual([
      'Applications cannot be published: the outline\'s "type" is "application", and only a "package" outline can be.',
    ]);
  });

  it("may run on each of the compiler's platforms", () => {
    for (const platform of ["common", "browser", "node"]) {
      const result = parseOutline(packageOutline({ platform }));
      expect(result.ok && result.value.platform).toBe(platform);
    }
  });

  it("has a summary under 80 bytes, counted as the compiler counts them", () => {
    expect(parseOutline(packageOutline({ summary: "x".repeat(79) })).ok).toBe(true);
    expect(problemsWith({ summary: "x".repeat(80) })).toEqual([
      'The outline\'s "summary" must be under 80 bytes as the compiler counts them (UTF-8, with quotes, backslashes and control characters escaped); it has 80.',
    ]);
    // é is two bytes; a quote is written \" and a tab \t, two bytes each.
    expect(parseOutline(packageOutline({ summary: `${"x".repeat(77)}é` })).ok).toBe(true);
    for (const last of ["é", '"', "\t"]) {
      expect(problemsWith({ summary: `${"x".repeat(78)}${last}` }), last).toHaveLength(1);
    }
    expect(problemsWith({ summary: "" })).toHaveLength(1);
    expect(problemsWith({ summary: DEFAULT_SUMMARY })).toHaveLength(1);
    expect(problemsWith({ summary: 42 })).toEqual([
      'The outline\'s "summary" must be a string under 80 bytes saying what the package is for, not the number 42.',
    ]);
  });

  it("names one of the compiler's own licences, spelled as it spells them", () => {
    for (const license of ["MIT", "Apache-2.0", "GPL-3.0", "LGPL-2.1", "AGPL-3.0", "0BSD"]) {
      expect(parseOutline(packageOutline({ license })).ok, license).toBe(true);
    }
    // SPDX knows these, the compiler does not: it refuses the package when it loads it.
    for (const license of [
      "GPL-3.0-only",
      "CC0-1.0",
      "Unlicense",
      "MIT-0",
      "MIT OR Apache-2.0",
      "",
    ]) {
      expect(problemsWith({ license }), license).toHaveLength(1);
    }
  });

  it("names the closest licence the compiler knows when there is one", () => {
    const rule =
      'The outline\'s "license" must be one of the OSI licence identifiers the Gren compiler knows, such as "BSD-3-Clause" or "MIT"';
    expect(problemsWith({ license: "GPL-3.0-only" })).toEqual([
      `${rule}, not "GPL-3.0-only"; did you mean "GPL-3.0"?`,
    ]);
    expect(problemsWith({ license: "mit" })).toEqual([`${rule}, not "mit"; did you mean "MIT"?`]);
    expect(problemsWith({ license: "Unlicense" })).toEqual([`${rule}, not "Unlicense".`]);
  });

  it("explains the number rules when a version has the right shape but is not one", () => {
    expect(problemsWith({ version: "01.0.0" })).toEqual([
      'The outline\'s "version" must be MAJOR.MINOR.PATCH, not "01.0.0"; each number must be from 0 to 65535, without leading zeros.',
    ]);
    expect(problemsWith({ version: "65536.0.0" })).toHaveLength(1);
    expect(problemsWith({ version: 1 })).toEqual([
      'The outline\'s "version" must be MAJOR.MINOR.PATCH, not the number 1.',
    ]);
  });

  it("may group its exposed modules for the docs, and they are flattened in order", () => {
    const result = parseOutline(
      packageOutline({
        "exposed-modules": {
          Widgets: ["Widgets", "Widgets.Button"],
          "Under the hood": ["Widgets.Internal.Layout"],
        },
      }),
    );
    expect(result.ok && result.value.exposedModules).toEqual([
      "Widgets",
      "Widgets.Button",
      "Widgets.Internal.Layout",
    ]);
  });

  it("lists every problem inside its exposed modules", () => {
    expect(
      problemsWith({
        "exposed-modules": {
          Widgets: ["Widgets", "Widgets"],
          Helpers: "Widgets.Helpers",
          "A group name far too long": ["Widgets.More", 7],
        },
      }),
    ).toEqual([
      'The outline\'s "exposed-modules" group "Helpers" must be an array of module names, not "Widgets.Helpers".',
      'The outline\'s "exposed-modules" group "A group name far too long" must have a name under 20 bytes; it has 25.',
      'The outline\'s "exposed-modules" lists "Widgets" more than once.',
      expect.stringMatching(
        /^The outline's "exposed-modules" lists the number 7, which is not a module name: /,
      ),
    ]);
  });

  it("rejects exposed modules that are not a list or groups of lists", () => {
    expect(problemsWith({ "exposed-modules": "Widgets" })).toEqual([
      'The outline\'s "exposed-modules" must be an array of module names, or an object whose values are arrays of module names, not "Widgets".',
    ]);
  });

  it("exposes at least one module", () => {
    expect(problemsWith({ "exposed-modules": [] })).toEqual([
      'The outline\'s "exposed-modules" lists no module; a package must expose at least one.',
    ]);
    expect(problemsWith({ "exposed-modules": { Widgets: [] } })).toHaveLength(1);
  });

  it("reads its gren-version and dependency ranges with odd spacing", () => {
    const result = parseOutline(
      packageOutline({
        "gren-version": "0.6.0<=v<0.7.0",
        dependencies: { "gren-lang/core": "  6.0.0 <=v<   7.0.0 " },
      }),
    );
    expect(result.ok).toBe(true);
  });

  it("may have no dependencies", () => {
    const result = parseOutline(packageOutline({ dependencies: {} }));
    expect(result.ok && result.value.dependencies).toEqual([]);
  });

  it("cannot depend on a local path once published", () => {
    expect(
      problemsWith({
        dependencies: { "gren-lang/core": "6.0.0 <= v < 7.0.0", "acme/gears": "local:../gears" },
      }),
    ).toEqual([
      'The outline\'s dependency "acme/gears" is "local:../gears", but published packages cannot depend on local paths; depend on a range of its published versions instead.',
    ]);
  });

  it("names its dependencies by package name, each with a range", () => {
    expect(
      problemsWith({ dependencies: { "gren-lang": "1.0.0 <= v < 2.0.0", "acme/gears": "1.0.0" } }),
    ).toEqual([
      expect.stringMatching(
        /^The outline's "dependencies" names "gren-lang", which is not a package name/,
      ),
      'The outline\'s dependency "acme/gears" must be a range like "1.0.0 <= v < 2.0.0", not "1.0.0".',
    ]);
    expect(problemsWith({ dependencies: ["gren-lang/core"] })).toEqual([
      'The outline\'s "dependencies" must be an object from package names to ranges like "1.0.0 <= v < 2.0.0", not an array.',
    ]);
  });

  it("is public unless it says it is private", () => {
    const privateOne = parseOutline(packageOutline({ private: true }));
    expect(privateOne.ok && privateOne.value.private).toBe(true);
    const publicOne = parseOutline(packageOutline({ private: false }));
    expect(publicOne.ok && publicOne.value.private).toBe(false);
  });

  it("may carry fields the registry does not know", () => {
    expect(parseOutline(packageOutline({ "source-directories": ["src"], homepage: 1 })).ok).toBe(
      true,
    );
  });

  it("quotes long values only in part, so a problem stays short", () => {
    const [problem] = problemsWith({ version: "9".repeat(10_000) });
    expect(problem!.length).toBeLessThan(200);
    expect(problem).toContain("…");
  });
});
