import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { Declaration, ParsedModule } from "../../src/gren/docs/module.ts";
import { type ModuleDocs, moduleDocs } from "../../src/gren/docs/moduleDocs.ts";
import {
  type DependencyApi,
  documentPackage,
  type PackageDocumentation,
} from "../../src/gren/docs/packageDocs.ts";
import { parseModule } from "../../src/gren/docs/parser.ts";
import { formatType, type TypeNode } from "../../src/gren/docs/types.ts";
import { exposedModuleNames } from "../../src/gren/outline.ts";

// ---------------------------------------------------------------- helpers

interface Bundle {
  outline: unknown;
  sources: Record<string, string>;
}

const FIXTURES = new URL("../fixtures/real-bundles/", import.meta.url);
const BUNDLE_FILES = [
  "gren_lang_core__7_0_0.pkg.gz",
  "gren_lang_url__6_0_0.pkg.gz",
  "gren_lang_node__6_1_1.pkg.gz",
] as const;

const bundles = new Map<string, Bundle>(
  BUNDLE_FILES.map((file) => [
    file,
    JSON.parse(gunzipSync(readFileSync(new URL(file, FIXTURES))).toString("utf8")) as Bundle,
  ]),
);

function bundle(file: (typeof BUNDLE_FILES)[number]): Bundle {
  const found = bundles.get(file);
  if (found === undefined) throw new Error(`No fixture ${file}`);
  return found;
}

const core = (): Bundle => bundle("gren_lang_core__7_0_0.pkg.gz");

function fixtureDocs(file: (typeof BUNDLE_FILES)[number], module: string): ModuleDocs {
  const source = bundle(file).sources[module];
  if (source === undefined) throw new Error(`No module ${module} in ${file}`);
  return docsFrom(source);
}

const coreDocs = (module: string): ModuleDocs =>
  fixtureDocs("gren_lang_core__7_0_0.pkg.gz", module);

/** A module's docs, failing the test when there are none. */
function docsFrom(source: string): ModuleDocs {
  const result = moduleDocs(source);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

const typeOf = (docs: ModuleDocs, name: string): string | undefined =>
  docs.values.find((value) => value.name === name)?.type;

const messages = (parsed: ParsedModule): string[] => parsed.problems.map((p) => p.message);

/** A type as the source writes it, laid out canonically. */
const asWritten = (type: TypeNode | undefined): string | undefined =>
  type === undefined ? undefined : formatType(type);

const PACKAGE_OF: Record<(typeof BUNDLE_FILES)[number], [string, string]> = {
  "gren_lang_core__7_0_0.pkg.gz": ["gren-lang/core", "7.0.0"],
  "gren_lang_url__6_0_0.pkg.gz": ["gren-lang/url", "6.0.0"],
  "gren_lang_node__6_1_1.pkg.gz": ["gren-lang/node", "6.1.1"],
};

/**
 * A real package's docs, its dependencies' APIs taken from the docs of the
 * fixtures before it (the order the registry publishes them in).
 */
function realDocs(file: (typeof BUNDLE_FILES)[number]): PackageDocumentation {
  const apis: DependencyApi[] = [];
  for (const earlier of BUNDLE_FILES) {
    if (earlier === file) break;
    const [name, version] = PACKAGE_OF[earlier];
    apis.push({ name, version, modules: realDocs(earlier).exposedTypes });
  }
  const { outline, sources } = bundle(file);
  const [name, version] = PACKAGE_OF[file];
  return documentPackage({
    name,
    version,
    sources,
    exposedModules: exposedModuleNames(outline),
    dependencies: apis,
  });
}

/** A package's docs as the pages show them, for a package that depends on core alone. */
function packageDocs(sources: Record<string, unknown>, exposedModules?: string[]) {
  const core = { name: "gren-lang/core", version: "7.0.0" };
  const coreApi = realDocs("gren_lang_core__7_0_0.pkg.gz").exposedTypes;
  const docs = documentPackage({
    name: "author/package",
    version: "1.0.0",
    sources,
    exposedModules:
      exposedModules ??
      Object.keys(sources)
        .filter((name) => !name.startsWith("Gren.Kernel."))
        .sort(),
    dependencies: [{ ...core, modules: coreApi }],
  });
  return { modules: docs.written, problems: docs.problems };
}

/** A declaration with its types as the source writes them. */
// biome-ignore lint/suspicious/noExplicitAny: the declaration's own shape, its types as text.
const writtenDeclaration = (found: Declaration): any => {
  switch (found.kind) {
    case "value":
      return found.type === undefined ? found : { ...found, type: asWritten(found.type) };
    case "port":
    case "alias":
      return { ...found, type: asWritten(found.type) };
    case "union":
      return { ...found, cases: found.cases.map((c) => ({ ...c, args: c.args.map(asWritten) })) };
    case "infix":
      return found;
  }
};

// biome-ignore lint/suspicious/noExplicitAny: the declaration's own shape, its types as text.
function declaration(parsed: ParsedModule, name: string): any {
  const found = parsed.declarations.find((d) => d.name === name);
  if (found === undefined) throw new Error(`No declaration ${name}`);
  return writtenDeclaration(found);
}

/** Every name a module's docs document, operators bare. */
const documentedNames = (docs: ModuleDocs): string[] => [
  ...docs.unions.map((u) => u.name),
  ...docs.aliases.map((a) => a.name),
  ...docs.values.map((v) => v.name),
  ...docs.binops.map((b) => b.name),
];

// ---------------------------------------------------------------- the real packages

describe("the docs of the real packages", () => {
  it("cover every exposed module of gren-lang/core 7.0.0, in the outline's order, without problems", () => {
    const { outline } = core();
    const exposed = exposedModuleNames(outline);
    expect(exposed).toHaveLength(28);
    const { written, problems } = realDocs("gren_lang_core__7_0_0.pkg.gz");
    const docs = { modules: written, problems };
    expect(docs.problems).toEqual([]);
    expect(docs.modules.map((m) => m.name)).toEqual(exposed);
    for (const module of docs.modules) {
      expect(module.comment.length, module.name).toBeGreaterThan(0);
      expect(documentedNames(module).length, module.name).toBeGreaterThan(0);
    }
  });

  it("find every name of every @docs line among the module's documented items, and nothing more", () => {
    let checked = 0;
    for (const file of BUNDLE_FILES) {
      const { written, problems } = realDocs(file);
      const docs = { modules: written, problems };
      expect(docs.problems, file).toEqual([]);
      for (const module of docs.modules) {
        const listed = module.groups.flat();
        expect(new Set(listed).size, module.name).toBe(listed.length);
        expect([...documentedNames(module)].sort(), module.name).toEqual([...listed].sort());
        checked += listed.length;
      }
    }
    expect(checked).toBeGreaterThan(700);
  });

  it("give every exposed declaration of every exposed module a doc comment, and every value a type", () => {
    let exposed = 0;
    for (const file of BUNDLE_FILES) {
      const { outline, sources } = bundle(file);
      for (const module of exposedModuleNames(outline)) {
        const parsed = parseModule(sources[module] ?? "");
        for (const found of parsed.declarations.filter((d) => d.exposed)) {
          const documented = found.kind === "infix" ? declaration(parsed, found.function) : found;
          // Some are documented by an empty `{-|-}`, which still counts.
          expect(documented.comment, `${module}.${found.name}`).toBeDefined();
          if (documented.kind === "value") expect(documented.type, found.name).toBeDefined();
          exposed++;
        }
      }
    }
    expect(exposed).toBeGreaterThan(700);
  });

  it("read every single-line annotation back as written, apart from spacing and needless parentheses", () => {
    // What a canonical layout changes in the real sources, and nothing else.
    const normalised = new Map([
      ["Basics.composeL", "(b -> c) -> (a -> b) -> a -> c"],
      ["Basics.composeR", "(a -> b) -> (b -> c) -> a -> c"],
      [
        "HttpServer.onSelfMsg",
        "Platform.Router msg SelfMsg -> SelfMsg -> State msg -> Task Never (State msg)",
      ],
    ]);
    let compared = 0;
    for (const file of BUNDLE_FILES) {
      for (const [module, source] of Object.entries(bundle(file).sources)) {
        if (module.startsWith("Gren.Kernel.")) continue;
        const parsed = parseModule(source);
        const lines = source.split("\n");
        lines.forEach((line, index) => {
          const annotation = /^([a-z][A-Za-z0-9_]*) : (.+)$/.exec(line);
          if (annotation === null || /^\s/.test(lines[index + 1] ?? "")) return;
          const [, name = "", written = ""] = annotation;
          const expected =
            normalised.get(`${module}.${name}`) ??
            written.replace(/->/g, " -> ").replace(/\s+/g, " ").trim();
          const found = declaration(parsed, name);
          expect(found.kind === "value" ? found.type : undefined, `${module}.${name}`).toBe(
            expected,
          );
          compared++;
        });
      }
    }
    expect(compared).toBeGreaterThan(800);
  });

  it("document Array's functions with their real signatures and comments", () => {
    const array = coreDocs("Array");
    expect(typeOf(array, "singleton")).toBe("a -> Array a");
    expect(typeOf(array, "map")).toBe("(a -> b) -> Array a -> Array b");
    expect(typeOf(array, "foldl")).toBe("(a -> b -> b) -> b -> Array a -> b");
    expect(typeOf(array, "findFirst")).toBe(
      "(a -> Bool) -> Array a -> Maybe { index : Int, value : a }",
    );
    expect(typeOf(array, "popFirst")).toBe("Array a -> Maybe { first : a, rest : Array a }");
    expect(typeOf(array, "partition")).toBe(
      "(a -> Bool) -> Array a -> { trues : Array a, falses : Array a }",
    );
    expect(typeOf(array, "flatten")).toBe("Array (Array a) -> Array a");
    expect(typeOf(array, "sortWith")).toBe("(a -> a -> Order) -> Array a -> Array a");
    expect(array.values.find((v) => v.name === "singleton")?.comment).toBe(
      " Create an array containing a single value.\n",
    );
    // Exposed as `Array`, not `Array(..)`: its constructor stays hidden.
    expect(array.unions).toEqual([
      {
        name: "Array",
        comment: " An Array is an ordered collection of elements.\n",
        args: ["a"],
        cases: [],
      },
    ]);
  });

  it("keep Array's @docs lines in their order", () => {
    const groups = coreDocs("Array").groups;
    expect(groups.slice(0, 3)).toEqual([
      ["Array"],
      ["singleton", "initialize", "repeat", "range"],
      [
        "map",
        "indexedMap",
        "foldl",
        "foldr",
        "indexedFoldl",
        "indexedFoldr",
        "keepIf",
        "indexedKeepIf",
        "mapAndKeepJust",
        "reverse",
      ],
    ]);
    expect(groups.at(-1)).toEqual(["sort", "sortBy", "sortWith"]);
    expect(groups).toHaveLength(8);
  });

  it("sort items by name, as the compiler's docs.json does", () => {
    const names = coreDocs("Array").values.map((v) => v.name);
    expect(names).toEqual([...names].sort());
    expect(names.slice(0, 4)).toEqual(["all", "any", "append", "dropFirst"]);
  });

  it("document Basics' operators with the associativity, precedence, type and comment of their functions", () => {
    const basics = coreDocs("Basics");
    const binop = (name: string) => basics.binops.find((b) => b.name === name);
    expect(basics.binops).toHaveLength(19);
    expect(binop("++")).toMatchObject({
      associativity: "right",
      precedence: 5,
      type: "appendable -> appendable -> appendable",
    });
    expect(binop("++")?.comment).toMatch(/^ Put two appendable things together\./);
    expect(binop("|>")).toMatchObject({
      associativity: "left",
      precedence: 0,
      type: "a -> (a -> b) -> b",
    });
    expect(binop("==")).toMatchObject({
      associativity: "non",
      precedence: 4,
      type: "a -> a -> Bool",
    });
    expect(binop("//")).toMatchObject({
      associativity: "left",
      precedence: 7,
      type: "Int -> Int -> Int",
    });
    // The functions behind the operators are not exposed themselves.
    expect(typeOf(basics, "append")).toBeUndefined();
    expect(basics.groups[0]).toEqual(["Int", "+", "-", "*", "/", "//", "^", "negate"]);
  });

  it("show the constructors of types exposed with (..)", () => {
    expect(coreDocs("Maybe").unions).toEqual([
      expect.objectContaining({
        name: "Maybe",
        args: ["a"],
        cases: [
          ["Just", ["a"]],
          ["Nothing", []],
        ],
      }),
    ]);
    expect(coreDocs("Basics").unions.find((u) => u.name === "Order")?.cases).toEqual([
      ["LT", []],
      ["EQ", []],
      ["GT", []],
    ]);
    expect(coreDocs("Json.Decode").unions.find((u) => u.name === "Error")?.cases).toEqual([
      ["Field", ["{ name : String, error : Error }"]],
      ["Index", ["{ index : Int, error : Error }"]],
      ["OneOf", ["Array Error"]],
      ["Failure", ["{ message : String, value : Value }"]],
    ]);
  });

  it("read annotations and aliases that span several lines", () => {
    expect(typeOf(coreDocs("Dict"), "merge")).toBe(
      "(comparable -> a -> result -> result) -> (comparable -> a -> b -> result -> result) -> (comparable -> b -> result -> result) -> Dict comparable a -> Dict comparable b -> result -> result",
    );
    expect(typeOf(coreDocs("Platform"), "worker")).toBe(
      "{ init : flags -> { model : model, command : Cmd msg }, update : msg -> model -> { model : model, command : Cmd msg }, subscriptions : model -> Sub msg } -> Program flags model msg",
    );
    const url = fixtureDocs("gren_lang_url__6_0_0.pkg.gz", "Url");
    expect(url.aliases).toEqual([
      expect.objectContaining({
        name: "Url",
        args: [],
        type: "{ protocol : Protocol, host : String, port_ : Maybe Int, path : String, query : Maybe String, fragment : Maybe String }",
      }),
    ]);
    const http = fixtureDocs("gren_lang_node__6_1_1.pkg.gz", "HttpClient");
    expect(http.aliases.find((a) => a.name === "Response")).toMatchObject({
      args: ["data"],
      type: "{ statusCode : Int, statusText : String, headers : Dict String (Array String), data : data }",
    });
    expect(typeOf(http, "expectJson")).toBe(
      "Json.Decode.Decoder a -> RequestConfiguration x -> RequestConfiguration a",
    );
    expect(coreDocs("Json.Decode").aliases).toEqual([
      expect.objectContaining({ name: "Value", type: "Json.Encode.Value" }),
    ]);
  });

  it("read effect module headers", () => {
    const task = parseModule(core().sources.Task ?? "");
    expect(task.header).toMatchObject({
      kind: "effect",
      name: "Task",
      effects: { command: "MyCmd" },
    });
    const time = parseModule(core().sources.Time ?? "");
    expect(time.header).toMatchObject({ kind: "effect", effects: { subscription: "MySub" } });
    expect(coreDocs("Task").groups[0]).toEqual([
      "Task",
      "perform",
      "attempt",
      "execute",
      "executeCmd",
    ]);
  });

  it("record where each declaration starts, and the module's imports", () => {
    const array = parseModule(core().sources.Array ?? "");
    expect(declaration(array, "singleton").line).toBe(68);
    expect(declaration(array, "Array")).toMatchObject({ kind: "union", line: 59, exposed: true });
    expect(array.imports).toEqual([
      { module: "Basics", exposing: { kind: "everything" }, line: 52 },
      {
        module: "Maybe",
        exposing: {
          kind: "explicit",
          items: [{ kind: "type", name: "Maybe", constructors: true }],
        },
        line: 53,
      },
      { module: "Gren.Kernel.Array", line: 54 },
    ]);
  });

  it("skip kernel modules, and modules the outline does not expose", () => {
    const { sources } = bundle("gren_lang_node__6_1_1.pkg.gz");
    const all = packageDocs(sources);
    const names = all.modules.map((m) => m.name);
    expect(names).toContain("Internal.Init");
    expect(names.some((name) => name.startsWith("Gren.Kernel."))).toBe(false);
    expect(names).toEqual([...names].sort());
    const exposed = packageDocs(sources, ["Node", "Gren.Kernel.Node", "Init"]);
    expect(exposed.modules.map((m) => m.name)).toEqual(["Node", "Init"]);
  });
});

// ---------------------------------------------------------------- module headers

describe("a module header", () => {
  it("exposing everything exposes every declaration and every constructor", () => {
    const parsed = parseModule(
      "module Shapes exposing (..)\n\ntype Shape = Circle Float | Square Float\n\narea : Shape -> Float\narea shape = 0\n\ntype alias Size = Int\n",
    );
    expect(parsed.header).toEqual({
      kind: "module",
      name: "Shapes",
      exposing: { kind: "everything" },
    });
    expect(parsed.declarations.map((d) => [d.name, d.exposed])).toEqual([
      ["Shape", true],
      ["area", true],
      ["Size", true],
    ]);
    expect(declaration(parsed, "Shape")).toMatchObject({ constructorsExposed: true });
  });

  it("lists values, types, open types and operators, across lines and around comments", () => {
    const parsed = parseModule(
      [
        "module Data.Thing exposing",
        "    ( value -- a value",
        "    , Closed, Open(..) {- open -}",
        "    , Spaced ( .. )",
        "    , (++), (<|)",
        "    )",
      ].join("\n"),
    );
    expect(parsed.header?.name).toBe("Data.Thing");
    expect(parsed.header?.exposing).toEqual({
      kind: "explicit",
      items: [
        { kind: "value", name: "value" },
        { kind: "type", name: "Closed", constructors: false },
        { kind: "type", name: "Open", constructors: true },
        { kind: "type", name: "Spaced", constructors: true },
        { kind: "operator", name: "++" },
        { kind: "operator", name: "<|" },
      ],
    });
  });

  it("may be a port module or an effect module", () => {
    expect(parseModule("port module Main exposing (send)\n").header).toEqual({
      kind: "port",
      name: "Main",
      exposing: { kind: "explicit", items: [{ kind: "value", name: "send" }] },
    });
    expect(
      parseModule(
        "effect module Clock where { command = MyCmd, subscription = MySub } exposing (tick)\n",
      ).header,
    ).toEqual({
      kind: "effect",
      name: "Clock",
      effects: { command: "MyCmd", subscription: "MySub" },
      exposing: { kind: "explicit", items: [{ kind: "value", name: "tick" }] },
    });
  });

  it("that is missing makes moduleDocs an error, though the declarations are still read", () => {
    const result = moduleDocs("main : Int\nmain = 1\n");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/module header/);
    const parsed = parseModule("main : Int\nmain = 1\n");
    expect(parsed.header).toBeUndefined();
    expect(declaration(parsed, "main")).toMatchObject({ type: "Int", exposed: true });
  });

  it("that is broken is reported, and what follows is still read", () => {
    const parsed = parseModule("module Broken exposing (a, b\n\na : Int\na = 1\n");
    expect(parsed.header?.exposing).toEqual({
      kind: "explicit",
      items: [
        { kind: "value", name: "a" },
        { kind: "value", name: "b" },
      ],
    });
    expect(messages(parsed)).toContain("An exposing list is never closed with `)`.");
    expect(declaration(parsed, "a")).toMatchObject({ type: "Int", exposed: true });
  });
});

// ---------------------------------------------------------------- doc comments

describe("doc comments", () => {
  const source = [
    "module Shapes exposing",
    "    ( Shape(..), area",
    "    , (<+>), origin",
    "    )",
    "",
    "{-| Shapes and their sizes.",
    "",
    "# Shapes",
    "@docs Shape,",
    "    area",
    "",
    "# More",
    "@docs (<+>) ,origin",
    "  See @docsNotAGroup.",
    "-}",
    "",
    "import Basics exposing (..)",
    "",
    "",
    "-- a line comment, then a doc comment with a regular comment between it and its declaration",
    "{-| A shape. -}",
    "{- not a doc comment -}",
    "type Shape",
    "    = Circle Float",
    "",
    "",
    "{-| The area. {- nested -} still the area.",
    "-}",
    "area : Shape -> Float",
    "area shape =",
    "    0",
    "",
    "",
    "{-| Combines.",
    "-}",
    "combine : Shape -> Shape -> Shape",
    "combine a b = a",
    "",
    "",
    "infix left 5 (<+>) = combine",
    "",
    "",
    "{-| The origin. -}",
    "origin = 0",
  ].join("\n");

  it("give the module's comment and its @docs groups in order, operators bare", () => {
    const docs = docsFrom(source);
    expect(docs.comment).toBe(
      " Shapes and their sizes.\n\n# Shapes\n@docs Shape,\n    area\n\n# More\n@docs (<+>) ,origin\n  See @docsNotAGroup.\n",
    );
    expect(docs.groups).toEqual([
      ["Shape", "area"],
      ["<+>", "origin"],
    ]);
  });

  it("attach to the declaration right after them, comments between or not", () => {
    const docs = docsFrom(source);
    expect(docs.unions).toEqual([
      { name: "Shape", comment: " A shape. ", args: [], cases: [["Circle", ["Float"]]] },
    ]);
    expect(docs.values).toEqual([
      {
        name: "area",
        comment: " The area. {- nested -} still the area.\n",
        type: "Shape -> Float",
      },
      { name: "origin", comment: " The origin. ", type: "" },
    ]);
    expect(docs.binops).toEqual([
      {
        name: "<+>",
        comment: " Combines.\n",
        type: "Shape -> Shape -> Shape",
        associativity: "left",
        precedence: 5,
      },
    ]);
  });

  it("report what the package website would miss", () => {
    const parsed = parseModule(source);
    expect(messages(parsed)).toEqual(["origin is exposed but has no type annotation."]);
    const careless = parseModule(
      [
        "module Careless exposing (a, b, Missing)",
        "",
        "{-| @docs a, c, a",
        "-}",
        "",
        "a : Int",
        "a = 1",
        "",
        "{-| B. -}",
        "b : Int",
        "b = 2",
      ].join("\n"),
    );
    expect(messages(careless).sort()).toEqual(
      [
        "The module exposes Missing, which it does not declare.",
        "a is exposed but has no doc comment.",
        "@docs lists a more than once.",
        "@docs lists c, which the module does not expose.",
        "b is exposed but no @docs line lists it.",
        "Missing is exposed but no @docs line lists it.",
      ].sort(),
    );
  });

  it("report an @docs line that lists something other than names", () => {
    const parsed = parseModule(
      "module A exposing (a)\n\n{-| Intro.\n\n@docs a, 3\n-}\n\n{-| A. -}\na : Int\na = 1\n",
    );
    expect(parsed.groups).toEqual([["a"]]);
    expect(parsed.problems).toEqual([
      {
        line: 5,
        message: "An @docs line lists something that is not a name, like `map`, `Maybe` or `(++)`.",
      },
    ]);
  });

  it("may be missing from the module, which is reported", () => {
    const parsed = parseModule(
      "module Bare exposing (a)\n\nimport Basics\n\n{-| A. -}\na : Int\na = 1\n",
    );
    expect(parsed.comment).toBeUndefined();
    expect(messages(parsed)).toContain(
      "The module has no doc comment `{-| ... -}` right after its header.",
    );
    expect(declaration(parsed, "a").comment).toBe(" A. ");
  });

  it("lose their carriage returns, as in the compiler's docs.json", () => {
    const unix =
      "module A exposing (a)\n\n{-| Docs.\n\n@docs a\n-}\n\n{-| A\nvalue.\n-}\na : Int\na = 1\n";
    expect(docsFrom(unix.replaceAll("\n", "\r\n"))).toEqual(docsFrom(unix));
    expect(docsFrom(`\uFEFF${unix}`)).toEqual(docsFrom(unix));
  });
});

// ---------------------------------------------------------------- declarations

describe("declarations", () => {
  const header = (exposing: string) => `module M exposing (${exposing})\n\n{-| -}\n\n`;

  it("custom types keep their type variables and constructor arguments", () => {
    const parsed = parseModule(
      `${header("Tree(..), Hidden")}type Tree comparable v\n    = Leaf\n    | Node (Tree comparable v) { key : comparable, value : v } (Maybe.Maybe (Tree comparable v))\n    | Wrapped (Array (Array v)) -- trailing comment\n\ntype Hidden a = Hidden a\n`,
    );
    expect(declaration(parsed, "Tree")).toMatchObject({
      kind: "union",
      args: ["comparable", "v"],
      constructorsExposed: true,
      cases: [
        { name: "Leaf", args: [] },
        {
          name: "Node",
          args: [
            "Tree comparable v",
            "{ key : comparable, value : v }",
            "Maybe.Maybe (Tree comparable v)",
          ],
        },
        { name: "Wrapped", args: ["Array (Array v)"] },
      ],
    });
    expect(declaration(parsed, "Hidden")).toMatchObject({
      constructorsExposed: false,
      exposed: true,
      cases: [{ name: "Hidden", args: ["a"] }],
    });
    const docs = docsFrom(
      `${header("Tree(..), Hidden")}type Tree = Leaf\n\ntype Hidden a = Hidden a\n`,
    );
    expect(docs.unions.map((u) => [u.name, u.cases])).toEqual([
      ["Hidden", []],
      ["Tree", [["Leaf", []]]],
    ]);
  });

  it("type aliases keep their arguments, and extensible records their base", () => {
    const parsed = parseModule(
      `${header("Point, Named")}type alias Point number =\n    { x : number\n    , y : number\n    }\n\ntype alias Named r = {r|name:String,tags:Array String}\n`,
    );
    expect(declaration(parsed, "Point")).toMatchObject({
      kind: "alias",
      args: ["number"],
      type: "{ x : number, y : number }",
    });
    expect(declaration(parsed, "Named")).toMatchObject({
      args: ["r"],
      type: "{ r | name : String, tags : Array String }",
    });
  });

  it("annotations are laid out canonically: spacing, comments and needless parentheses go", () => {
    const parsed = parseModule(
      `${header("f, g, h, unit")}f :\n    (a->b)  -- the function\n    -> {- the array -} Array a\n    -> (Array (b))\nf fn array = array\n\ng : ((Int)) -> (Int -> Int) -> {}\ng = g\n\nh : Dict.Dict String (Maybe a) -> { } -> ( a -> b ) -> a -> b\nh = h\n\nunit : () -> ()\nunit u = u\n`,
    );
    const types = Object.fromEntries(
      parsed.declarations.map((d) => [d.name, d.kind === "value" ? asWritten(d.type) : undefined]),
    );
    expect(types).toEqual({
      f: "(a -> b) -> Array a -> Array b",
      g: "Int -> (Int -> Int) -> {}",
      h: "Dict.Dict String (Maybe a) -> {} -> (a -> b) -> a -> b",
      unit: "() -> ()",
    });
  });

  it("a type that does not read as one is kept as written, and reported", () => {
    const parsed = parseModule(`${header("pair")}pair : ( Int, String ) -> Int\npair p = 0\n`);
    expect(declaration(parsed, "pair")).toMatchObject({ type: "(Int, String) -> Int" });
    expect(messages(parsed)).toContain(
      "The type of the value pair could not be read, so it is kept as written.",
    );
  });

  it("a value's annotation and definition make one declaration, and one without either is still a value", () => {
    const parsed = parseModule(`${header("a, b")}a : Int\na =\n    1\n\nb x y =\n    x\n\nc = 3\n`);
    expect(parsed.declarations.map(writtenDeclaration)).toEqual([
      { kind: "value", name: "a", line: 5, exposed: true, type: "Int" },
      { kind: "value", name: "b", line: 9, exposed: true },
      { kind: "value", name: "c", line: 12, exposed: false },
    ]);
  });

  it("infix declarations name an operator, its associativity, precedence and function", () => {
    const parsed = parseModule(
      `${header("(|>), (</>)")}infix left  0 (|>) = apR\ninfix right 7 (</>) = slash\ninfix sideways 1 (<>) = nope\n\napR : a -> (a -> b) -> b\napR x f = f x\n\nslash : String -> String -> String\nslash a b = a\n`,
    );
    expect(parsed.declarations.filter((d) => d.kind === "infix")).toEqual([
      {
        kind: "infix",
        name: "|>",
        line: 5,
        exposed: true,
        associativity: "left",
        precedence: 0,
        function: "apR",
      },
      {
        kind: "infix",
        name: "</>",
        line: 6,
        exposed: true,
        associativity: "right",
        precedence: 7,
        function: "slash",
      },
    ]);
    expect(messages(parsed)).toContain(
      "An infix declaration does not read as `infix left 5 (++) = append`.",
    );
    expect(
      docsFrom(
        `${header("(|>)")}infix left 0 (|>) = apR\n\napR : a -> (a -> b) -> b\napR x f = f x\n`,
      ).binops,
    ).toEqual([
      { name: "|>", comment: "", type: "a -> (a -> b) -> b", associativity: "left", precedence: 0 },
    ]);
  });

  it("ports are documented as values", () => {
    const source =
      "port module Main exposing (send, receive)\n\n{-| Ports.\n\n@docs send, receive\n-}\n\n{-| Out. -}\nport send : String -> Cmd msg\n\n{-| In. -}\nport receive :\n    ({ id : Int } -> msg)\n    -> Sub msg\n";
    expect(parseModule(source).problems).toEqual([]);
    expect(docsFrom(source).values).toEqual([
      { name: "receive", comment: " In. ", type: "({ id : Int } -> msg) -> Sub msg" },
      { name: "send", comment: " Out. ", type: "String -> Cmd msg" },
    ]);
  });

  it("types, values and operators of one name do not clash, but a second declaration is reported", () => {
    const parsed = parseModule(
      `${header("Maybe, maybe")}type Maybe = Maybe\n\nmaybe : Maybe\nmaybe = Maybe\n\ntype alias Maybe = Int\n`,
    );
    expect(messages(parsed).filter((m) => m.includes("twice"))).toEqual([
      "Maybe is declared twice, first on line 5.",
    ]);
  });

  it("a value defined twice, a name exposed twice, and a line starting with a keyword are reported", () => {
    const parsed = parseModule(
      `${header("a, a")}a : Int\na = 1\n\na = 2\n\nwhen a is\n    _ -> 1\n`,
    );
    expect(messages(parsed)).toEqual(
      expect.arrayContaining([
        "The module exposes a more than once.",
        "The value a is defined twice.",
        "A top-level line starts with `when`, which starts no declaration.",
      ]),
    );
    expect(parsed.declarations.map((d) => d.name)).toEqual(["a"]);
  });

  it("exposing a type alias with (..) is reported", () => {
    const parsed = parseModule(`${header("Point(..)")}type alias Point = { x : Int }\n`);
    expect(messages(parsed)).toContain(
      "The module exposes Point(..), but Point is a type alias, which has no constructors.",
    );
  });
});

// ---------------------------------------------------------------- lexical details

describe("text that looks like declarations but is not", () => {
  it("inside nested block comments, strings and chars, is not read as declarations", () => {
    const source = [
      "module Tricky exposing (..)",
      "",
      "{- outer {- inner -}",
      "hidden1 : Int",
      "-}",
      "",
      "text : String",
      "text =",
      '    """',
      "hidden2 : Int",
      'type Hidden3 = Hidden3 -- with "quotes" and \\""" inside',
      '"""',
      "",
      "escaped : String",
      'escaped = "a \\" -- not a comment {- nor this"',
      "",
      "chars : Array Char",
      "chars = [ '\"', '\\'', '{', '-' ]",
      "",
      "afterwards : Int",
      "afterwards =",
      "    when x is",
      "        [ a, b ] -> { a | b = 1 }",
      "        _ -> \\y -> y",
    ].join("\n");
    const parsed = parseModule(source);
    // Only the documentation is missing; nothing is unreadable.
    expect(messages(parsed).filter((m) => !/doc comment|@docs/.test(m))).toEqual([]);
    expect(parsed.declarations.map((d) => d.name)).toEqual([
      "text",
      "escaped",
      "chars",
      "afterwards",
    ]);
    expect(declaration(parsed, "afterwards").line).toBe(20);
  });

  it("a doc comment inside a regular comment documents nothing", () => {
    const parsed = parseModule(
      "module A exposing (a)\n\n{-| Docs. @docs a -}\n\n{- {-| not this -} -}\na : Int\na = 1\n",
    );
    expect(declaration(parsed, "a").comment).toBeUndefined();
  });

  it("an unclosed comment or string is reported, not thrown", () => {
    expect(messages(parseModule("module A exposing (a)\n\n{- never closed\na : Int\n"))).toContain(
      "A comment opened here is never closed.",
    );
    const unclosed = parseModule(
      'module A exposing (a)\n\na : String\na = """never closed\nb : Int\n',
    );
    expect(messages(unclosed)).toContain("A string opened here is never closed.");
    expect(unclosed.declarations.map((d) => d.name)).toEqual(["a"]);
    const oneLine = parseModule('module A exposing (a)\n\na = "open\nb : Int\nb = 1\n');
    expect(oneLine.declarations.map((d) => d.name)).toEqual(["a", "b"]);
  });
});

// ---------------------------------------------------------------- robustness

describe("malformed input", () => {
  const attempt = (source: string): ParsedModule => {
    const parsed = parseModule(source);
    // Whatever comes back must survive a trip through JSON unchanged: it is stored and sent.
    expect(JSON.parse(JSON.stringify(parsed))).toEqual(parsed);
    const docs = moduleDocs(source);
    if (docs.ok) expect(JSON.parse(JSON.stringify(docs.value))).toEqual(docs.value);
    return parsed;
  };

  it("never throws, however a real module is cut short", () => {
    const source = core().sources.Basics ?? "";
    for (let end = 0; end < source.length; end += 97) attempt(source.slice(0, end));
    const decode = core().sources["Json.Decode"] ?? "";
    for (let end = 0; end < 4000; end += 7) attempt(decode.slice(0, end));
  });

  it("never throws on odd fragments and their mixtures", () => {
    const pieces = [
      "module",
      "port",
      "effect",
      "exposing",
      "where",
      "type",
      "alias",
      "infix",
      "import",
      "as",
      "(",
      ")",
      "{",
      "}",
      "[",
      "]",
      ",",
      "..",
      "(..)",
      "|",
      "=",
      ":",
      "->",
      "\n",
      "\n    ",
      " ",
      "{-",
      "-}",
      "{-|",
      "--",
      '"',
      '"""',
      "'",
      "\\",
      "A",
      "a",
      "A.B",
      "a.b",
      "1",
      "0x1F",
      "1.5e-3",
      "left",
      "5",
      "(++)",
      "@docs",
      "\t",
      "\r\n",
      "é",
      "😀",
      "\u0000",
    ];
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let round = 0; round < 2000; round++) {
      let source = "";
      const length = random(60);
      for (let i = 0; i < length; i++) source += pieces[random(pieces.length)];
      attempt(source);
    }
  });

  it("stays fast on pathological input, without deep recursion", () => {
    const cases = [
      `module A exposing (a)\n\na : ${"(".repeat(100_000)}Int${")".repeat(100_000)}\n`,
      `module A exposing (a)\n\na : ${"{ f : ".repeat(50_000)}Int${" }".repeat(50_000)}\n`,
      `module A exposing (a)\n\na : ${"a -> ".repeat(50_000)}a\n`,
      "{-".repeat(100_000),
      '"'.repeat(100_001),
      "'".repeat(100_001),
      "@docs ".repeat(100_000),
      `module A exposing (a)\n\n{-| ${"@docs (".repeat(50_000)} -}\n`,
      `module A exposing (${"a, ".repeat(100_000)}a)\n`,
      "a\n".repeat(100_000),
      "\n".repeat(200_000),
    ];
    for (const source of cases) {
      const started = performance.now();
      attempt(source);
      expect(performance.now() - started, source.slice(0, 30)).toBeLessThan(2_000);
    }
    const deep = parseModule(cases[0] ?? "");
    expect(messages(deep)).toContain(
      "The type of the value a could not be read, so it is kept as written.",
    );
  });

  it("lists at most a hundred problems, however many there are", () => {
    const parsed = parseModule(`module A exposing (${"b, ".repeat(1_000)}a)\n`);
    expect(parsed.problems).toHaveLength(100);
    expect(parsed.problems.at(-1)?.message).toMatch(/^\d+ more problems are not listed\.$/);
  });

  it("takes time in proportion to the source", () => {
    const source = core().sources.Crypto ?? "";
    const big = `${source}\n${source.slice(source.indexOf("\nimport")).repeat(20)}`;
    const started = performance.now();
    const parsed = parseModule(big);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(parsed.declarations.length).toBeGreaterThan(1_000);
  });
});

// ---------------------------------------------------------------- packages

describe("a package's docs", () => {
  it("report a missing source, a source that is not text, and a module that names itself otherwise", () => {
    const docs = packageDocs(
      {
        A: "module A exposing (a)\n\n{-| @docs a -}\n\n{-| A. -}\na : Int\na = 1\n",
        B: "module C exposing (c)\n\n{-| @docs c -}\n\n{-| C. -}\nc : Int\nc = 1\n",
        D: 42,
      },
      ["A", "B", "D", "E"],
    );
    expect(docs.modules.map((m) => m.name)).toEqual(["A", "C"]);
    expect(docs.problems).toEqual([
      { module: "B", line: 1, message: "The source for B declares the module C." },
      { module: "D", line: 1, message: "The package has no source for D." },
      { module: "E", line: 1, message: "The package has no source for E." },
    ]);
  });

  it("do not mistake inherited object keys for sources", () => {
    const docs = packageDocs({}, ["toString", "__proto__"]);
    expect(docs.modules).toEqual([]);
    expect(docs.problems).toHaveLength(2);
  });
});
