import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { CliError } from "../../src/cli/cliError.ts";
import { EXIT } from "../../src/cli/cliError.ts";
import { bundlePackageDirectory, readBundleFile } from "../../src/cli/packageDirectory.ts";
import { packageBundle, packageOutline } from "../support/bundles.ts";
import { scratchDirectories } from "../support/scratch.ts";

const scratch = scratchDirectories();

function writeTree(files: Record<string, string>): string {
  const root = scratch("package-");
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const unpacked = (bytes: Uint8Array): string => gunzipSync(bytes).toString("utf8");

describe("bundling a package directory", () => {
  it("is the compact JSON of gren.json and the sources in module order, gzipped", () => {
    const outline = packageOutline({ "exposed-modules": ["Widgets", "Widgets.Extra"] });
    const directory = writeTree({
      "gren.json": JSON.stringify(outline, null, 2),
      "src/Widgets/Extra.gren": "extra",
      "src/Widgets.gren": "widgets",
      "src/.hidden/Secret.gren": "hidden",
      "src/Widgets/.Draft.gren": "draft",
    });
    const bundle = bundlePackageDirectory(directory);
    expect(bundle.name).toEqual({ author: "acme", project: "widgets" });
    expect(bundle.version).toEqual({ major: 1, minor: 0, patch: 0 });
    expect(unpacked(bundle.bytes)).toBe(
      JSON.stringify({ outline, sources: { Widgets: "widgets", "Widgets.Extra": "extra" } }),
    );
    // The same directory always gives the same bytes.
    expect(bundlePackageDirectory(directory).bytes).toEqual(bundle.bytes);
  });

  it("follows no link, to a file or a folder, and names each one as a problem", () => {
    const directory = writeTree({
      "gren.json": JSON.stringify(packageOutline({ "exposed-modules": ["Widgets"] })),
      "elsewhere/Widgets.gren": "linked",
    });
    mkdirSync(join(directory, "src"));
    symlinkSync(join(directory, "elsewhere/Widgets.gren"), join(directory, "src/Widgets.gren"));
    symlinkSync(directory, join(directory, "src/Loop"));
    let failure: CliError | undefined;
    try {
      bundlePackageDirectory(directory);
    } catch (error) {
      failure = error as CliError;
    }
    expect(failure?.exitCode).toBe(EXIT.invalidBundle);
    expect(failure?.details).toEqual([
      `src/Loop is a symbolic link (to ${directory}), which is never followed: a package is made of the files in its own directory, so put the file itself there.`,
      expect.stringMatching(
        /^src\/Widgets\.gren is a symbolic link \(to \S+elsewhere\/Widgets\.gren\)/,
      ),
      "gren.json exposes Widgets, but there is no src/Widgets.gren.",
    ]);
  });

  it("reads gren.json only when it is a file of the directory's own", () => {
    const directory = writeTree({
      "elsewhere.json": JSON.stringify(packageOutline({ "exposed-modules": ["Widgets"] })),
      "src/Widgets.gren": "widgets",
    });
    symlinkSync(join(directory, "elsewhere.json"), join(directory, "gren.json"));
    expect(() => bundlePackageDirectory(directory)).toThrow(/cannot be published: 1 problem/);
  });

  it("fails with every problem, counted", () => {
    const directory = writeTree({
      "gren.json": JSON.stringify(packageOutline({ version: "1.0" })),
      "src/Widgets.gren": "widgets",
      "src/Bad-Name.gren": "bad",
    });
    let failure: CliError | undefined;
    try {
      bundlePackageDirectory(directory);
    } catch (error) {
      failure = error as CliError;
    }
    expect(failure?.message).toMatch(/cannot be published: 3 problems to fix$/);
    expect(failure?.exitCode).toBe(EXIT.invalidBundle);
    expect(failure?.details).toEqual([
      expect.stringMatching(/^The outline's "version"/),
      expect.stringMatching(/^src\/Bad-Name\.gren/),
      expect.stringMatching(/^gren\.json exposes Widgets\.Extra/),
    ]);
  });

  it("refuses what is not a package outline", () => {
    const notJson = writeTree({ "gren.json": "{ nope" });
    expect(() => bundlePackageDirectory(notJson)).toThrow(/gren\.json is not valid JSON/);
    const noType = writeTree({ "gren.json": "[]" });
    expect(() => bundlePackageDirectory(noType)).toThrow(/is not a package outline/);
  });
});

describe("reading a bundle file", () => {
  it("takes the bytes as they are, and the name and version from the outline", () => {
    const bytes = packageBundle({ name: "acme/gadgets", version: "2.3.4", license: "nonsense" });
    const file = join(scratch("bundle-"), "any-name.pkg.gz");
    writeFileSync(file, bytes);
    const bundle = readBundleFile(file);
    expect(bundle.bytes).toEqual(bytes);
    expect(bundle.name).toEqual({ author: "acme", project: "gadgets" });
    expect(bundle.version).toEqual({ major: 2, minor: 3, patch: 4 });
  });
});
