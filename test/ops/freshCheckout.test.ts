import { execFile, execFileSync } from "node:child_process";
import { copyFileSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { temporaryDir } from "../support/registry.ts";
import { PROJECT, systemNodeVersion, systemPath } from "../support/systemNode.ts";

const run = promisify(execFile);

// What someone who clones the repository meets before anything runs: the
// install on the machine's own Node.js, the files the npm scripts leave
// behind, and the documents, which must stand on their own.

describe("a fresh checkout", () => {
  it("installs on the machine's own Node.js without an engine warning", async () => {
    expect(systemNodeVersion()).toMatch(/^v\d+\./);
    const folder = temporaryDir("engines-");
    for (const file of ["package.json", "package-lock.json"]) {
      copyFileSync(join(PROJECT, file), join(folder, file));
    }
    // npm checks every package's engines while it plans the install, so a dry run shows the warnings.
    const { stdout, stderr } = await run(
      "npm",
      ["ci", "--dry-run", "--ignore-scripts", "--no-audit", "--no-fund"],
      { cwd: folder, env: { PATH: systemPath(), HOME: folder }, maxBuffer: 16 * 1024 * 1024 },
    );
    expect(stdout).toMatch(/added \d+ packages/);
    expect(stderr).not.toContain("EBADENGINE");
  }, 120_000);

  it("keeps the CLI's packed tarball out of git", () => {
    const cli = JSON.parse(readFileSync(join(PROJECT, "cli/package.json"), "utf8")) as {
      name: string;
      version: string;
    };
    const scripts = JSON.parse(readFileSync(join(PROJECT, "package.json"), "utf8")).scripts;
    // `npm pack ./cli` writes NAME-VERSION.tgz into the folder it runs in: the checkout.
    expect(scripts["pack:cli"]).toBe("npm pack ./cli");
    const tarball = `${cli.name}-${cli.version}.tgz`;
    const ignored = execFileSync("git", ["check-ignore", "--no-index", tarball], {
      cwd: PROJECT,
      encoding: "utf8",
    });
    expect(ignored.trim()).toBe(tarball);
  });

  it("has documents and sources that refer to nothing outside the repository", () => {
    const outside = /(^|[\s`("'])(\.\.\/)+shared\b|\bin `shared\/`|beside this repository/;
    const files = ["README.md", "cli/README.md", "docs/API.md", ...textFilesUnder("src")];
    const referring = files.filter((file) =>
      outside.test(readFileSync(join(PROJECT, file), "utf8")),
    );
    expect(referring).toEqual([]);
  });
});

function textFilesUnder(folder: string): string[] {
  return readdirSync(join(PROJECT, folder)).flatMap((name) => {
    const path = join(PROJECT, folder, name);
    if (statSync(path).isDirectory()) return textFilesUnder(relative(PROJECT, path));
    return /\.(ts|css|md)$/.test(name) ? [relative(PROJECT, path)] : [];
  });
}
