import { describe, expect, it } from "vitest";
import {
  docsJsonSizeProblem,
  docsLimitProblems,
  MAX_DOCS_JSON_BYTES,
  utf8Bytes,
} from "../../src/gren/docs/limits.ts";
import { type DependencyApi, documentPackage } from "../../src/gren/docs/packageDocs.ts";
import { encodeDocsJson } from "../../src/gren/docsJson.ts";
import { CORE, contentsOf } from "../support/realBundles.ts";

// docs.json writes every type as the compiler does after canonicalizing it:
// each name qualified by the module that defines it, found through the
// module's own types, its imports (aliases, exposing lists, `(..)`), the
// imports the compiler adds to every module, and its dependencies' APIs.

const coreContents = contentsOf(CORE.bytes);
const coreApi = documentPackage({
  name: CORE.name,
  version: CORE.version,
  sources: coreContents.sources,
  exposedModules: Object.keys(coreContents.sources).filter((m) => !m.startsWith("Gren.")),
  dependencies: [],
}).exposedTypes;

const CORE_DEPENDENCY: DependencyApi = { name: CORE.name, version: CORE.version, modules: coreApi };

const header = (name: string, exposing = "..") =>
  `module ${name} exposing (${exposing})\n\n{-| A module. -}\n\n`;

function document(
  sources: Record<string, string>,
  options: { exposed?: string[]; dependencies?: DependencyApi[] } = {},
) {
  return documentPackage({
    name: "acme/widgets",
    version: "1.2.0",
    sources,
    exposedModules: options.exposed ?? Object.keys(sources),
    dependencies: options.dependencies ?? [CORE_DEPENDENCY],
  });
}

/** The problems of placing types, apart from those of the docs' own checks (@docs lines and the like). */
const typeProblems = (docs: ReturnType<typeof document>): string[] =>
  docs.problems
    .map((problem) => problem.message)
    .filter((message) => message.includes("docs.json") || message.includes("imports"));

const typeOf = (docs: ReturnType<typeof document>, module: string, value: string) =>
  docs.docs[module]?.values.find((entry) => entry.name === value)?.type;

describe("a qualified type", () => {
  it("names the module of each type the compiler imports by default", () => {
    const docs = document({
      Widgets: `${header("Widgets")}{-| -}\nf : Int -> Maybe String -> Array Char -> Cmd msg -> Sub.Sub msg -> Result x Bool\nf = f\n`,
    });
    expect(typeOf(docs, "Widgets", "f")).toBe(
      "Basics.Int -> Maybe.Maybe String.String -> Array.Array Char.Char -> Platform.Cmd.Cmd msg -> Platform.Sub.Sub msg -> Result.Result x Basics.Bool",
    );
    expect(docs.typeHomes["Platform.Cmd"]).toEqual({ package: "gren-lang/core", version: "7.0.0" });
    expect(typeProblems(docs)).toEqual([]);
  });

  it("follows an import's alias and its exposing list, `(..)` included", () => {
    const docs = document({
      Widgets: `${header("Widgets")}import Json.Decode as D\nimport Dict exposing (Dict)\nimport Set exposing (..)\n\n{-| -}\nf : D.Decoder a -> Dict String (Set Int) -> { a | x : D.Value }\nf = f\n`,
    });
    expect(typeOf(docs, "Widgets", "f")).toBe(
      "Json.Decode.Decoder a -> Dict.Dict String.String (Set.Set Basics.Int) -> { a | x : Json.Decode.Value }",
    );
    expect(typeProblems(docs)).toEqual([]);
  });

  it("does not take a module's whole name when it was imported under an alias, as the compiler does not", () => {
    const docs = document({
      Widgets: `${header("Widgets")}import Json.Decode as D\n\n{-| -}\nf : Json.Decode.Value\nf = f\n`,
    });
    expect(typeOf(docs, "Widgets", "f")).toBe("Json.Decode.Value");
    expect(typeProblems(docs)).toEqual([
      "The type Json.Decode.Value in f is neither declared by the module nor brought in by its imports, so docs.json keeps it as written.",
    ]);
  });

  it("names the module itself for its own types, and the package's other modules for theirs", () => {
    const docs = document(
      {
        Widgets: `${header("Widgets")}import Widgets.Internal exposing (Secret)\n\ntype Widget = Widget Secret\n\n{-| -}\nf : Widget -> Widgets.Internal.Gear\nf = f\n`,
        "Widgets.Internal": `module Widgets.Internal exposing (Secret, Gear)\n\ntype Secret = Secret\n\ntype Gear = Gear\n`,
      },
      { exposed: ["Widgets"] },
    );
    expect(typeOf(docs, "Widgets", "f")).toBe("Widgets.Widget -> Widgets.Internal.Gear");
    expect(docs.docs.Widgets?.unions[0]?.cases).toEqual([["Widget", ["Widgets.Internal.Secret"]]]);
    expect(docs.typeHomes).toEqual({
      Widgets: { package: "acme/widgets", version: "1.2.0" },
      "Widgets.Internal": { package: "acme/widgets", version: "1.2.0" },
    });
    expect(docs.exposedTypes).toEqual({ Widgets: ["Widget"] });
  });

  it("lets a module's own type hide an imported one of the same name", () => {
    const docs = document({
      Widgets: `${header("Widgets")}type Maybe = Maybe\n\n{-| -}\nf : Maybe\nf = f\n`,
    });
    expect(typeOf(docs, "Widgets", "f")).toBe("Widgets.Maybe");
  });

  it("keeps a name two imports expose as written, and says so", () => {
    const docs = document({
      Widgets: `${header("Widgets")}import Dict exposing (..)\nimport Set exposing (..)\nimport Array exposing (..)\n\n{-| -}\nf : Unknown -> Int\nf = f\n`,
      A: `${header("A")}import Json.Decode exposing (Value)\nimport Json.Encode exposing (Value)\n\n{-| -}\ng : Value\ng = g\n`,
    });
    expect(typeOf(docs, "Widgets", "f")).toBe("Unknown -> Basics.Int");
    expect(typeOf(docs, "A", "g")).toBe("Value");
    expect(typeProblems(docs)).toEqual([
      "The type Unknown in f is neither declared by the module nor brought in by its imports, so docs.json keeps it as written.",
      "The type Value in g could come from any of Json.Decode, Json.Encode, so docs.json keeps it as written.",
    ]);
  });

  it("still qualifies through an import's syntax when a dependency's API is not stored, and says so", () => {
    const docs = document(
      {
        Widgets: `${header("Widgets")}import Gadgets as G exposing (Gear)\n\n{-| -}\nf : G.Gadget -> Gear -> Int\nf = f\n`,
      },
      {
        dependencies: [
          CORE_DEPENDENCY,
          { name: "acme/gadgets", version: "2.0.0", modules: undefined },
        ],
      },
    );
    expect(typeOf(docs, "Widgets", "f")).toBe("Gadgets.Gadget -> Gadgets.Gear -> Basics.Int");
    expect(typeProblems(docs)).toEqual([
      "The module imports Gadgets, which is not one of the package's modules; the registry does not have the API of acme/gadgets, so names from it are kept as written.",
    ]);
    expect(docs.typeHomes.Gadgets).toBeUndefined();
  });

  it("names the dependency version that defines a module, for its types to be linked", () => {
    const docs = document(
      {
        Widgets: `${header("Widgets")}import Gadgets exposing (..)\n\n{-| -}\nf : Gadget\nf = f\n`,
      },
      {
        dependencies: [
          CORE_DEPENDENCY,
          { name: "acme/gadgets", version: "2.0.0", modules: { Gadgets: ["Gadget"] } },
        ],
      },
    );
    expect(typeOf(docs, "Widgets", "f")).toBe("Gadgets.Gadget");
    expect(docs.typeHomes.Gadgets).toEqual({ package: "acme/gadgets", version: "2.0.0" });
  });
});

describe("docs.json as text", () => {
  it("orders modules by name and keys as the compiler's encoder does, whatever order they came in", () => {
    const docs = document({
      Zebra: `${header("Zebra")}{-| -}\nz : Int\nz = 1\n`,
      Apple: `${header("Apple")}infix left 5 (+++) = plus\n\n{-| Adds. -}\nplus : Int -> Int -> Int\nplus a b = a\n`,
    });
    const text = encodeDocsJson(docs.docs);
    expect(text).toBe(
      '{"Apple":{"name":"Apple","comment":" A module. ","unions":[],"aliases":[],"values":[{"name":"plus","comment":" Adds. ","type":"Basics.Int -> Basics.Int -> Basics.Int"}],"binops":[{"name":"+++","comment":" Adds. ","type":"Basics.Int -> Basics.Int -> Basics.Int","associativity":"left","precedence":5}]},"Zebra":{"name":"Zebra","comment":" A module. ","unions":[],"aliases":[],"values":[{"name":"z","comment":" ","type":"Basics.Int"}],"binops":[]}}',
    );
    expect(encodeDocsJson(JSON.parse(text))).toBe(text);
  });
});

describe("the limits of a version's docs", () => {
  it("name the comments over 32 KiB, ten at most, and the size of a docs.json over 2 MiB", () => {
    const long = "word ".repeat(7000);
    const values = Array.from(
      { length: 12 },
      (_, i) => `{-| ${long} -}\nv${i} : Int\nv${i} = ${i}\n`,
    );
    const docs = document({ Widgets: `${header("Widgets")}${values.join("\n")}` });
    const problems = docsLimitProblems(docs.docs);
    expect(problems).toHaveLength(10);
    expect(problems[0]).toBe(
      "The doc comment of Widgets.v0 is 35 KiB; the registry documents comments of at most 32 KiB.",
    );
    expect(problems[9]).toBe("3 more doc comments are over the limit too.");
    expect(docsJsonSizeProblem(encodeDocsJson(docs.docs))).toBeUndefined();
    expect(docsJsonSizeProblem("é".repeat(MAX_DOCS_JSON_BYTES / 2 + 1))).toBe(
      "The package's docs.json would be 2049 KiB; the registry keeps at most 2048 KiB of documentation a version.",
    );
    expect(utf8Bytes("aé€😀")).toBe(1 + 2 + 3 + 4);
  });
});
