// The imports the compiler adds to every module of every package but
// gren-lang/core (`Gren.Compiler.Imports.defaults`, skipped for core in
// `Parse.Module`): what a module can name without importing it.

import type { Exposing, Import } from "./module.ts";

const CORE = "gren-lang/core";

const exposingTypes = (name: string, constructors: boolean): Exposing => ({
  kind: "explicit",
  items: [{ kind: "type", name, constructors }],
});

const DEFAULTS: readonly Import[] = [
  { module: "Basics", exposing: { kind: "everything" }, line: 1 },
  { module: "Debug", exposing: { kind: "explicit", items: [] }, line: 1 },
  { module: "Array", exposing: exposingTypes("Array", false), line: 1 },
  { module: "Maybe", exposing: exposingTypes("Maybe", true), line: 1 },
  { module: "Result", exposing: exposingTypes("Result", true), line: 1 },
  { module: "String", exposing: exposingTypes("String", false), line: 1 },
  { module: "Char", exposing: exposingTypes("Char", false), line: 1 },
  { module: "Platform", exposing: exposingTypes("Program", false), line: 1 },
  { module: "Platform.Cmd", alias: "Cmd", exposing: exposingTypes("Cmd", false), line: 1 },
  { module: "Platform.Sub", alias: "Sub", exposing: exposingTypes("Sub", false), line: 1 },
];

/** The imports every module of `packageName` has before its own. */
export const defaultImports = (packageName: string): readonly Import[] =>
  packageName === CORE ? [] : DEFAULTS;
