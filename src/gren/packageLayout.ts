// Where a package's files sit, as the Gren compiler lays them out: its modules
// under `src/`, and its bundle's file name once installed.

import { isModuleName, KERNEL_PREFIX, type PackageName } from "./names.ts";
import type { Version } from "./semver.ts";

/** The folder of a package that holds its modules. */
export const SOURCE_DIRECTORY = "src";

const GREN_EXTENSION = ".gren";
const KERNEL_EXTENSION = ".js";
const KERNEL_DIRECTORY = KERNEL_PREFIX.slice(0, -1).split(".");

/**
 * What a file under `src/` is to the bundle:
 * - `module`: a source, Gren or kernel JavaScript, of the module named;
 * - `misplaced`: a Gren file whose path is no module's name, with a sentence saying why;
 * - `other`: anything else (notes, data, stray scripts), which the bundle leaves out.
 */
export type SourceFile =
  | { kind: "module"; name: string }
  | { kind: "misplaced"; problem: string }
  | { kind: "other" };

/**
 * Reads a path relative to `src/`, with `/` between folders: `Url/Parser.gren`
 * is `Url.Parser`, and `Gren/Kernel/Url.js` is the kernel module `Gren.Kernel.Url`.
 */
export function sourceFileAt(path: string): SourceFile {
  const parts = path.split("/");
  const file = parts.at(-1) ?? "";
  const shown = `${SOURCE_DIRECTORY}/${path}`;
  if (isKernelPath(parts) && file.endsWith(KERNEL_EXTENSION)) {
    const name = [...parts.slice(0, -1), file.slice(0, -KERNEL_EXTENSION.length)].join(".");
    return isModuleName(name)
      ? { kind: "module", name }
      : {
          kind: "misplaced",
          problem: `${shown} is kernel code, but its file name is not a module name: a capital letter followed by letters and digits, like ${SOURCE_DIRECTORY}/Gren/Kernel/Url.js.`,
        };
  }
  if (!file.endsWith(GREN_EXTENSION)) return { kind: "other" };
  const name = [...parts.slice(0, -1), file.slice(0, -GREN_EXTENSION.length)].join(".");
  if (!isModuleName(name)) {
    return {
      kind: "misplaced",
      problem: `${shown} cannot be a module: each folder and the file name must be a capital letter followed by letters and digits, like ${SOURCE_DIRECTORY}/Url/Parser.gren.`,
    };
  }
  if (name.startsWith(KERNEL_PREFIX)) {
    return {
      kind: "misplaced",
      problem: `${shown} is a Gren module under Gren/Kernel/, where only kernel JavaScript (.js) may be.`,
    };
  }
  return { kind: "module", name };
}

/** Directly inside `Gren/Kernel/`: kernel modules have no folders of their own. */
const isKernelPath = (parts: string[]): boolean =>
  parts.length === KERNEL_DIRECTORY.length + 1 &&
  KERNEL_DIRECTORY.every((folder, index) => parts[index] === folder);

/** The longest file name file systems hold, in bytes. */
export const FILE_NAME_LIMIT = 255;

/** The part of an installed bundle's file name that names the package: `gren_lang_url`. */
const installedStem = (name: PackageName): string =>
  `${name.author}_${name.project}`.replace(/[-.]/g, "_");

/**
 * The name the compiler gives an installed bundle in `gren_packages/`, with
 * the `/`, `-` and `.` of the name turned into `_`: `gren_lang_url__6_0_0.pkg.gz`.
 * So `gren/lang-url` would land in the same file as `gren-lang/url`.
 */
export function bundleFileName(name: PackageName, version: Version): string {
  return `${installedStem(name)}__${version.major}_${version.minor}_${version.patch}.pkg.gz`;
}

/**
 * What two packages share when their bundles would land in the same file: the
 * installed name, in one case, since identity names differ only in case are one
 * and some file systems do not tell case apart.
 */
export const installKey = (name: PackageName): string => installedStem(name).toLowerCase();
