import { describe, expect, it } from "vitest";
import { parsePackageName } from "../../src/gren/names.ts";
import { bundleFileName, sourceFileAt } from "../../src/gren/packageLayout.ts";
import { parseVersion } from "../../src/gren/semver.ts";

describe("the module a file under src/ holds", () => {
  it("is named by its path, folders joined by dots, for Gren files", () => {
    expect(sourceFileAt("Url.gren")).toEqual({ kind: "module", name: "Url" });
    expect(sourceFileAt("Url/Parser.gren")).toEqual({ kind: "module", name: "Url.Parser" });
    expect(sourceFileAt("Url/Parser/Query.gren")).toEqual({
      kind: "module",
      name: "Url.Parser.Query",
    });
    expect(sourceFileAt("Html5/Attributes2.gren")).toEqual({
      kind: "module",
      name: "Html5.Attributes2",
    });
  });

  it("is a kernel module for JavaScript directly in Gren/Kernel/", () => {
    expect(sourceFileAt("Gren/Kernel/Url.js")).toEqual({ kind: "module", name: "Gren.Kernel.Url" });
    expect(sourceFileAt("Gren/Kernel/Widgets.js")).toEqual({
      kind: "module",
      name: "Gren.Kernel.Widgets",
    });
  });

  it("is no module for other files, JavaScript outside Gren/Kernel/ included", () => {
    for (const path of [
      "README.md",
      "Url/notes.txt",
      "helper.js",
      "Gren/helper.js",
      "Gren/Kernel/Deeper/Url.js",
      "Url.gren.orig",
    ]) {
      expect(sourceFileAt(path)).toEqual({ kind: "other" });
    }
  });

  it("is a problem, naming the file, for a Gren file at a path no module can have", () => {
    for (const path of [
      "url/Parser.gren",
      "Url/parser.gren",
      "Url-Parser.gren",
      "My Module.gren",
      ".gren",
    ]) {
      const file = sourceFileAt(path);
      expect(file.kind).toBe("misplaced");
      if (file.kind === "misplaced") expect(file.problem).toContain(`src/${path}`);
    }
  });

  it("is a problem for a kernel file with a bad name, or a Gren file among the kernel code", () => {
    expect(sourceFileAt("Gren/Kernel/url.js").kind).toBe("misplaced");
    expect(sourceFileAt("Gren/Kernel/Url.gren")).toMatchObject({
      kind: "misplaced",
      problem: expect.stringMatching(/only kernel JavaScript/),
    });
  });
});

describe("the file name of an installed bundle", () => {
  const fileName = (name: string, version: string) =>
    bundleFileName(parsePackageName(name)!, parseVersion(version)!);

  it("is the compiler's: dashes turned into underscores, then the version", () => {
    expect(fileName("gren-lang/url", "6.0.0")).toBe("gren_lang_url__6_0_0.pkg.gz");
    expect(fileName("acme/json-tools", "1.10.2")).toBe("acme_json_tools__1_10_2.pkg.gz");
    expect(fileName("Some-Author/x", "0.0.1")).toBe("Some_Author_x__0_0_1.pkg.gz");
  });
});
