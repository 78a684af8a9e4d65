/**
 * The real Gren compiler's front end (the `gren-lang` npm package, 0.6.3) as a
 * test oracle: which package bundles does it load, and which does it refuse?
 *
 * `gren package install` in an application folder loads every bundle the
 * application's gren.json names from `gren_packages/`. The 0.6.3 front end
 * never says why it refuses one: it takes any bundle it cannot load (bad gzip,
 * bad JSON, an outline its decoders reject, a name or version other than the
 * file name promises) for a missing one, prints "Starting downloads...", and
 * runs `git clone https://github.com/<name>.git`. Here `git` is a stand-in on
 * an otherwise empty PATH: it records the request and, by default, fakes the
 * clone with an empty package, so the front end carries on and every refused
 * bundle shows up, not just the first. Nothing leaves the machine.
 *
 * Only the Gren-written front end runs: the Haskell back end (which decodes
 * each dependency's outline again, with the summary and name length limits,
 * when `gren make` or `gren docs` runs) cannot run here. `GREN_BIN` points at a
 * stub that swallows its input, and `gren package install` never calls it.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";

/** The front end's entry point, a Node script. */
export const GREN_COMPILER = join(import.meta.dirname, "../../node_modules/gren-lang/bin/compiler");

/** The compiler version the front end believes it is; an application must name it exactly. */
export const GREN_COMPILER_VERSION = "0.6.3";

/** How long one run may take before it is killed; a normal run takes about 0.1 s. */
export const COMPILER_TIMEOUT_MS = 20_000;

export type GrenPlatform = "node" | "browser" | "common";

export interface BundleFile {
  /** The file's name in `gren_packages/`, e.g. `gren_lang_url__6_0_0.pkg.gz`. */
  fileName: string;
  bytes: Uint8Array;
}

export interface VerdictInput {
  /** The application's platform; `node` unless said otherwise. */
  platform?: GrenPlatform;
  /** Direct dependencies: package name to exact version (`"7.0.0"`). */
  direct: Record<string, string>;
  /** Indirect dependencies, the same way. The front end insists every package it needs is listed. */
  indirect?: Record<string, string>;
  /** Written into `gren_packages/` as given, so a probe can use any file name. */
  bundles: BundleFile[];
  /** What the stand-in `git` does when asked to clone a package: fake it (default), or fail as offline. */
  onFetch?: "stand-in" | "fail";
  /** The front end script to run; the installed one unless said otherwise. */
  compiler?: string;
  /** The Node binary that runs the front end; this process's own unless said otherwise. */
  node?: string;
  timeoutMs?: number;
}

export interface CompilerVerdict {
  /** It loaded every bundle, fetched nothing and exited 0. */
  accepted: boolean;
  /** It went to fetch a package: it found no bundle it could load for it. */
  fetched: boolean;
  /** The file names of the bundles it could not load, in the order it went to fetch them. */
  refused: string[];
  /** The title of the error report it ended with, e.g. `INCOMPATIBLE PACKAGE`. */
  problem: string | undefined;
  exitCode: number | null;
  /** Standard output, then standard error (where the error report goes), without colours. */
  output: string;
  /** The bundle files left in `gren_packages/` afterwards (it deletes what it does not need). */
  bundlesLeft: string[];
  /** Whether gren.json differs, byte for byte, from what was written before the run. */
  outlineRewritten: boolean;
}

/** Whether the front end can run here: it is installed and this Node is 20 or newer. */
export function compilerAvailable(): boolean {
  const major = Number(process.versions.node.split(".")[0]);
  return existsSync(GREN_COMPILER) && major >= 20;
}

/** The file name the compiler keeps a bundle under: `/`, `-` and `.` all become `_`. */
export function bundleFileName(name: string, version: string): string {
  const stem = `${name}__${version}`.replace(/[-./]/g, "_");
  return `${stem}.pkg.gz`;
}

/** The gren.json of an application that depends on exactly these packages. */
export function applicationOutline(input: {
  platform?: GrenPlatform;
  direct: Record<string, string>;
  indirect?: Record<string, string>;
}): Record<string, unknown> {
  return {
    type: "application",
    platform: input.platform ?? "node",
    "source-directories": ["src"],
    "gren-version": GREN_COMPILER_VERSION,
    dependencies: { direct: input.direct, indirect: input.indirect ?? {} },
  };
}

/**
 * Makes a scratch application whose gren.json depends on `direct` and
 * `indirect`, writes `bundles` into its `gren_packages/`, runs
 * `gren package install` there with a scratch HOME, and reports what the
 * compiler made of it. The scratch folder is removed afterwards.
 */
export async function compilerVerdict(input: VerdictInput): Promise<CompilerVerdict> {
  const scratch = await mkdtemp(join(tmpdir(), "gren-oracle-"));
  try {
    const home = join(scratch, "home");
    const bin = join(scratch, "bin");
    const app = join(scratch, "app");
    const packages = join(app, "gren_packages");
    const fetchLog = join(scratch, "fetches.log");
    await Promise.all([
      mkdir(home),
      mkdir(bin),
      mkdir(join(app, "src"), { recursive: true }),
      mkdir(packages, { recursive: true }),
    ]);

    const node = input.node ?? process.execPath;
    await symlink(node, join(bin, "node"));
    await writeExecutable(join(bin, "git"), fakeGit);
    await writeExecutable(join(bin, "gren-backend"), backendStub);

    const outline = `${JSON.stringify(applicationOutline(input), null, 4)}\n`;
    await writeFile(join(app, "gren.json"), outline);
    for (const bundle of input.bundles) {
      if (!/^[^/\\]+$/.test(bundle.fileName) || bundle.fileName.startsWith(".")) {
        throw new Error(`not a plain file name: ${bundle.fileName}`);
      }
      await writeFile(join(packages, bundle.fileName), bundle.bytes);
    }

    const run = await runNode(node, [input.compiler ?? GREN_COMPILER, "package", "install"], {
      cwd: app,
      env: {
        PATH: bin,
        HOME: home,
        GREN_BIN: join(bin, "gren-backend"),
        NO_COLOR: "1",
        GREN_ORACLE_FETCH_LOG: fetchLog,
        GREN_ORACLE_ON_FETCH: input.onFetch ?? "stand-in",
      },
      timeoutMs: input.timeoutMs ?? COMPILER_TIMEOUT_MS,
    });

    const fetches = existsSync(fetchLog) ? (await readFile(fetchLog, "utf8")).split("\n") : [];
    const refused = fetches.flatMap((line) => {
      const [name, version] = line.split(" ");
      return name && version ? [bundleFileName(name, version)] : [];
    });
    // The compiler colours some output (a green check mark) even with NO_COLOR.
    const output = stripVTControlCharacters(run.stdout + run.stderr);
    const fetched = output.includes("Starting downloads...") || refused.length > 0;
    const after = await readFile(join(app, "gren.json"), "utf8");
    return {
      accepted: run.exitCode === 0 && !fetched,
      fetched,
      refused,
      problem: /^--(\S.*?)-{3,}/m.exec(run.stderr)?.[1],
      exitCode: run.exitCode,
      output,
      bundlesLeft: (await readdir(packages)).sort(),
      outlineRewritten: after !== outline,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function writeExecutable(path: string, text: string): Promise<void> {
  await writeFile(path, text);
  await chmod(path, 0o755);
}

/**
 * `git` for the front end. `git clone --branch V --depth 1
 * https://github.com/NAME.git DIR` is logged as "NAME V" and, unless told to
 * fail, answered with a package that has no modules and no dependencies, so
 * the front end goes on to the next bundle. Anything else fails as git does
 * when the network is down (exit 128).
 */
const fakeGit = `#!/usr/bin/env node
const fs = require("node:fs");
const path = require("node:path");
const args = process.argv.slice(2);
if (args[0] !== "clone") {
  process.stderr.write("fatal: unable to access: the Gren oracle runs offline\\n");
  process.exit(128);
}
const version = args[args.indexOf("--branch") + 1];
const url = args[args.length - 2];
const dir = args[args.length - 1];
const name = url.replace(/^https:\\/\\/github\\.com\\//, "").replace(/\\.git$/, "");
fs.appendFileSync(process.env.GREN_ORACLE_FETCH_LOG, name + " " + version + "\\n");
if (process.env.GREN_ORACLE_ON_FETCH === "fail") {
  process.stderr.write("fatal: unable to access '" + url + "': the Gren oracle runs offline\\n");
  process.exit(128);
}
fs.mkdirSync(path.join(dir, "src"), { recursive: true });
fs.writeFileSync(
  path.join(dir, "gren.json"),
  JSON.stringify({
    type: "package",
    platform: "common",
    name,
    summary: "A stand-in for a bundle the compiler refused",
    license: "BSD-3-Clause",
    version,
    "exposed-modules": [],
    "gren-version": "0.6.0 <= v < 0.7.0",
    dependencies: {},
  }),
);
`;

/** The back end (GREN_BIN): reads what it is sent and succeeds. */
const backendStub = `#!/usr/bin/env node
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
`;

interface NodeRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

function runNode(
  node: string,
  args: string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs: number },
): Promise<NodeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(`the Gren compiler took more than ${options.timeoutMs} ms:\n${stdout}${stderr}`),
      );
    }, options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, stdout, stderr });
    });
  });
}

/**
 * Runs the real Gren 0.6.3 front end's `gren package ARGS` in a project
 * folder, offline: `git` is a stand-in that answers `ls-remote --tags` with
 * `tags` and fails any clone, so a bundle the compiler cannot find in
 * gren_packages/ shows as "Starting downloads..." and a failure.
 */
export async function runGrenPackage(
  dir: string,
  args: string[],
  tags: string[] = [],
): Promise<{ code: number | null; output: string }> {
  const tools = await mkdtemp(join(tmpdir(), "gren-compiler-"));
  try {
    await mkdir(join(tools, "bin"));
    await mkdir(join(tools, "home"));
    await symlink(process.execPath, join(tools, "bin", "node"));
    const refs = tags.map((tag) => `${"0".repeat(40)}\\trefs/tags/${tag}\\n`).join("");
    await writeExecutable(
      join(tools, "bin", "git"),
      `#!/bin/sh\nif [ "$1" = ls-remote ]; then printf '${refs}'; exit 0; fi\necho "fatal: offline" >&2\nexit 128\n`,
    );
    await writeExecutable(join(tools, "bin", "backend"), "#!/bin/sh\ncat > /dev/null\n");
    const run = await runNode(process.execPath, [GREN_COMPILER, "package", ...args], {
      cwd: dir,
      env: {
        PATH: join(tools, "bin"),
        HOME: join(tools, "home"),
        GREN_BIN: join(tools, "bin", "backend"),
        NO_COLOR: "1",
      },
      timeoutMs: COMPILER_TIMEOUT_MS,
    });
    return { code: run.exitCode, output: stripVTControlCharacters(run.stdout + run.stderr) };
  } finally {
    await rm(tools, { recursive: true, force: true });
  }
}
