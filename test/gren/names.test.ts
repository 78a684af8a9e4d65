import { describe, expect, it } from "vitest";
import {
  isModuleName,
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
