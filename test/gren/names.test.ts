import { describe, expect, it } from "vitest";
import {
  isModuleName,
  packageNameProblem,
  parseIdentityName,
  parsePackageName,
  parseProjectName,
} from "../../src/gren/names.ts";

describe("identity names", () => {
  it("are ASCII letters, digits and single inner dashes, upper case allowed", () => {
    for (const good of ["gren-lang", "Gren-Lang", "a", "a1-b2-c3", "42"]) {
      expect(parseIdentityName(good)).toBe(good);
    }
    for (const bad of [
      "",
      "-gren",
      "gren-",
      "gren--lang",
      "gren_lang",
      "grén",
      "gren lang",
      "a/b",
    ]) {
      expect(parseIdentityName(bad)).toBeUndefined();
    }
  });
});

describe("project names", () => {
  it("are lower case, start with a letter and have single inner dashes", () => {
    for (const good of ["core", "url", "web-api", "a1", "x-2"])
      expect(parseProjectName(good)).toBe(good);
    for (const bad of ["", "Core", "1core", "-core", "core-", "web--api", "web_api"]) {
      expect(parseProjectName(bad)).toBeUndefined();
    }
  });
});

describe("package names", () => {
  it("are author/project", () => {
    expect(parsePackageName("gren-lang/core")).toEqual({ author: "gren-lang", project: "core" });
    for (const bad of ["gren-lang", "gren-lang/core/x", "/core", "gren-lang/", "gren-lang/Core"]) {
      expect(parsePackageName(bad)).toBeUndefined();
    }
  });
});

describe("module names", () => {
  it("are dotted sections starting with an upper-case letter", () => {
    for (const good of ["Url", "Url.Parser.Query", "Gren.Kernel.Url", "A1"])
      expect(isModuleName(good)).toBe(true);
    for (const bad of [
      "",
      "url",
      "Url.",
      ".Url",
      "Url..Parser",
      "Url.parser",
      "Url_Parser",
      "Ürl",
    ]) {
      expect(isModuleName(bad)).toBe(false);
    }
  });
});

describe("what is wrong with a text that is not a package name", () => {
  it("names the one part at fault, and the name meant when only its case is wrong", () => {
    expect(packageNameProblem("gren-lang/node")).toBeUndefined();
    expect(packageNameProblem("gren-lang/Node")).toEqual({
      problem: "its project is written in lower case",
      meant: "gren-lang/node",
    });
    expect(packageNameProblem("Gren-Lang/node")).toBeUndefined();
    expect(packageNameProblem("node")?.problem).toMatch(/^it is author\/project/);
    expect(packageNameProblem("a/b/c")?.problem).toMatch(/^it is author\/project/);
    expect(packageNameProblem("gren_lang/node")?.problem).toBe(
      'its author, "gren_lang", must be ASCII letters, digits and single dashes, not starting or ending with a dash',
    );
    expect(packageNameProblem("gren-lang/no_de")).toEqual({
      problem:
        'its project, "no_de", must be lower-case letters, digits and single dashes, starting with a letter and not ending with a dash',
    });
    expect(packageNameProblem("/node")?.problem).toBe("it has no author before the slash");
    expect(packageNameProblem("gren-lang/")?.problem).toBe("it has no project after the slash");
  });
});
