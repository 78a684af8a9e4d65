import { describe, expect, it } from "vitest";
import { describeChange } from "../../src/gren/apiChangeSentences.ts";
import {
  type ApiChanges,
  changeMagnitude,
  decidingChanges,
  diffApi,
  listChanges,
  type Magnitude,
} from "../../src/gren/apiChanges.ts";
import type {
  AliasDocs,
  Associativity,
  BinopDocs,
  DocsJson,
  ModuleDocsJson,
  UnionDocs,
  ValueDocs,
} from "../../src/gren/docsJson.ts";

// ---------------------------------------------------------------- building APIs

type Declarations = Partial<Omit<ModuleDocsJson, "name">>;

/** An API of the given modules, each with whatever declarations the case needs. */
const api = (modules: Record<string, Declarations>): DocsJson =>
  Object.fromEntries(
    Object.entries(modules).map(([name, declarations]) => [
      name,
      { name, comment: "", unions: [], aliases: [], values: [], binops: [], ...declarations },
    ]),
  );

/** One module, `Json.Decode`, holding just these declarations. */
const module = (declarations: Declarations): DocsJson => api({ "Json.Decode": declarations });

const value = (name: string, type: string, comment = ""): ValueDocs => ({ name, comment, type });
const values = (...entries: [string, string][]): Declarations => ({
  values: entries.map(([name, type]) => value(name, type)),
});

const union = (
  name: string,
  args: string[],
  cases: [string, string[]][],
  comment = "",
): UnionDocs => ({ name, comment, args, cases });

const alias = (name: string, args: string[], type: string, comment = ""): AliasDocs => ({
  name,
  comment,
  args,
  type,
});

const binop = (
  name: string,
  type: string,
  associativity: Associativity,
  precedence: number,
  comment = "",
): BinopDocs => ({ name, comment, type, associativity, precedence });

// ---------------------------------------------------------------- the rules, one by one

interface Case {
  rule: string;
  old: DocsJson;
  new: DocsJson;
  magnitude: Magnitude;
}

const DECODER = "Json.Decode.Decoder a";
const FIELD = `String -> ${DECODER} -> ${DECODER}`;

/** Each rule of the compiler's `gren diff`, with a case just inside it and one just outside. */
const CASES: Case[] = [
  // A value added
  {
    rule: "a value added is a minor change",
    old: module(values(["field", FIELD])),
    new: module(values(["field", FIELD], ["index", `Int -> ${DECODER} -> ${DECODER}`])),
    magnitude: "minor",
  },
  {
    rule: "the same values, one with a new doc comment, is a patch",
    old: module({ values: [value("field", FIELD, "Old words.")] }),
    new: module({ values: [value("field", FIELD, "New words.")] }),
    magnitude: "patch",
  },
  // A value removed
  {
    rule: "a value removed is a major change",
    old: module(values(["field", FIELD], ["index", `Int -> ${DECODER} -> ${DECODER}`])),
    new: module(values(["field", FIELD])),
    magnitude: "major",
  },
  {
    rule: "a value removed while another is added is still a major change",
    old: module(values(["field", FIELD])),
    new: module(values(["fieldAt", FIELD])),
    magnitude: "major",
  },
  // A type changed
  {
    rule: "a value whose type changed is a major change",
    old: module(values(["field", FIELD])),
    new: module(values(["field", `String -> ${DECODER} -> Json.Decode.Decoder (Maybe.Maybe a)`])),
    magnitude: "major",
  },
  {
    rule: "a type naming a same-named type of another module is a major change",
    old: module(values(["empty", "Dict.Dict k v"])),
    new: module(values(["empty", "MyDict.Dict k v"])),
    magnitude: "major",
  },
  {
    rule: "a type applied to one more argument is a major change",
    old: module(values(["empty", "Dict.Dict k v"])),
    new: module(values(["empty", "Dict.Dict k v w"])),
    magnitude: "major",
  },
  {
    rule: "a function's argument becoming a record is a major change",
    old: module(values(["f", "Basics.Int -> Basics.Int"])),
    new: module(values(["f", "{ x : Basics.Int } -> Basics.Int"])),
    magnitude: "major",
  },
  {
    rule: "a type written the same but spaced and parenthesised differently is a patch",
    old: module(values(["map", "(a -> b) -> Array.Array a -> Array.Array b"])),
    new: module(values(["map", "( a->b )->(Array.Array a)->Array.Array (b)"])),
    magnitude: "patch",
  },
  {
    rule: "a bare type name matches a qualified one by its last part, as for very old docs",
    old: module(values(["empty", "Dict k v"])),
    new: module(values(["empty", "Dict.Dict k v"])),
    magnitude: "patch",
  },
  // Only a type variable renamed
  {
    rule: "type variables consistently renamed is a patch",
    old: module(values(["map", "(a -> b) -> Array.Array a -> Array.Array b"])),
    new: module(values(["map", "(x -> y) -> Array.Array x -> Array.Array y"])),
    magnitude: "patch",
  },
  {
    rule: "type variables swapped where one is used is a major change",
    old: module(values(["map", "(a -> b) -> Array.Array a -> Array.Array b"])),
    new: module(values(["map", "(a -> b) -> Array.Array b -> Array.Array a"])),
    magnitude: "major",
  },
  {
    rule: "two type variables merged into one is a major change",
    old: module(values(["always", "a -> b -> a"])),
    new: module(values(["always", "a -> a -> a"])),
    magnitude: "major",
  },
  {
    rule: "a constrained variable made unconstrained (more general) is a patch",
    old: module(values(["max", "comparable -> comparable -> comparable"])),
    new: module(values(["max", "a -> a -> a"])),
    magnitude: "patch",
  },
  {
    rule: "an unconstrained variable made constrained is a major change",
    old: module(values(["max", "a -> a -> a"])),
    new: module(values(["max", "comparable -> comparable -> comparable"])),
    magnitude: "major",
  },
  {
    rule: "a number becoming a comparable is a patch",
    old: module(values(["double", "number -> number"])),
    new: module(values(["double", "comparable -> comparable"])),
    magnitude: "patch",
  },
  {
    rule: "a comparable becoming a number is a major change",
    old: module(values(["double", "comparable -> comparable"])),
    new: module(values(["double", "number -> number"])),
    magnitude: "major",
  },
  {
    rule: "a constrained variable renamed within its constraint is a patch",
    old: module(values(["join", "compappend -> appendable -> number"])),
    new: module(values(["join", "compappend1 -> appendableText -> number2"])),
    magnitude: "patch",
  },
  {
    rule: "an appendable becoming a compappend is a major change",
    old: module(values(["join", "appendable -> appendable"])),
    new: module(values(["join", "compappend -> compappend"])),
    magnitude: "major",
  },
  // A record's fields reordered
  {
    rule: "a record's fields reordered is a patch",
    old: module(values(["origin", "{ x : Basics.Float, y : Basics.Float }"])),
    new: module(values(["origin", "{ y : Basics.Float, x : Basics.Float }"])),
    magnitude: "patch",
  },
  {
    rule: "a record's fields swapping types is a major change",
    old: module(values(["origin", "{ x : Basics.Float, y : Basics.Int }"])),
    new: module(values(["origin", "{ y : Basics.Float, x : Basics.Int }"])),
    magnitude: "major",
  },
  {
    rule: "a record field renamed is a major change",
    old: module(values(["origin", "{ x : Basics.Float, y : Basics.Float }"])),
    new: module(values(["origin", "{ x : Basics.Float, z : Basics.Float }"])),
    magnitude: "major",
  },
  {
    rule: "an extensible record's variable renamed is a patch",
    old: module(values(["getX", "{ r | x : Basics.Float } -> Basics.Float"])),
    new: module(values(["getX", "{ point | x : Basics.Float } -> Basics.Float"])),
    magnitude: "patch",
  },
  {
    rule: "an extensible record made closed is a major change",
    old: module(values(["getX", "{ r | x : Basics.Float } -> Basics.Float"])),
    new: module(values(["getX", "{ x : Basics.Float } -> Basics.Float"])),
    magnitude: "major",
  },
  // A union's constructors
  {
    rule: "a union's constructor added is a major change",
    old: module({
      unions: [
        union(
          "Color",
          [],
          [
            ["Red", []],
            ["Green", []],
          ],
        ),
      ],
    }),
    new: module({
      unions: [
        union(
          "Color",
          [],
          [
            ["Red", []],
            ["Green", []],
            ["Blue", []],
          ],
        ),
      ],
    }),
    magnitude: "major",
  },
  {
    rule: "the same constructors under a new doc comment is a patch",
    old: module({
      unions: [
        union(
          "Color",
          [],
          [
            ["Red", []],
            ["Green", []],
          ],
          "Old.",
        ),
      ],
    }),
    new: module({
      unions: [
        union(
          "Color",
          [],
          [
            ["Red", []],
            ["Green", []],
          ],
          "New.",
        ),
      ],
    }),
    magnitude: "patch",
  },
  {
    rule: "a union's constructors reordered is a major change, as the compiler compares them in order",
    old: module({
      unions: [
        union(
          "Color",
          [],
          [
            ["Red", []],
            ["Green", []],
          ],
        ),
      ],
    }),
    new: module({
      unions: [
        union(
          "Color",
          [],
          [
            ["Green", []],
            ["Red", []],
          ],
        ),
      ],
    }),
    magnitude: "major",
  },
  {
    rule: "a constructor's argument changed is a major change",
    old: module({ unions: [union("Tree", ["a"], [["Leaf", ["a"]]])] }),
    new: module({ unions: [union("Tree", ["a"], [["Leaf", ["Array.Array a"]]])] }),
    magnitude: "major",
  },
  {
    rule: "a union's variable renamed throughout is a patch",
    old: module({
      unions: [
        union(
          "Tree",
          ["a"],
          [
            ["Leaf", ["a"]],
            ["Node", ["Array.Array a"]],
          ],
        ),
      ],
    }),
    new: module({
      unions: [
        union(
          "Tree",
          ["item"],
          [
            ["Leaf", ["item"]],
            ["Node", ["Array.Array item"]],
          ],
        ),
      ],
    }),
    magnitude: "patch",
  },
  {
    rule: "a type's constructors exposed where they were hidden is a minor change",
    old: module({ unions: [union("Color", [], [])] }),
    new: module({
      unions: [
        union(
          "Color",
          [],
          [
            ["Red", []],
            ["Green", []],
          ],
        ),
      ],
    }),
    magnitude: "minor",
  },
  {
    rule: "a type's constructors hidden where they were exposed is a major change",
    old: module({
      unions: [
        union(
          "Color",
          [],
          [
            ["Red", []],
            ["Green", []],
          ],
        ),
      ],
    }),
    new: module({ unions: [union("Color", [], [])] }),
    magnitude: "major",
  },
  {
    rule: "a union added is a minor change",
    old: module({}),
    new: module({ unions: [union("Color", [], [["Red", []]])] }),
    magnitude: "minor",
  },
  // An alias's arguments
  {
    rule: "an alias's arguments changed is a major change",
    old: module({ aliases: [alias("Pair", ["a"], "{ first : a, second : a }")] }),
    new: module({ aliases: [alias("Pair", ["a", "b"], "{ first : a, second : a }")] }),
    magnitude: "major",
  },
  {
    rule: "an alias's arguments swapped is a major change",
    old: module({ aliases: [alias("Pair", ["a", "b"], "{ first : a, second : b }")] }),
    new: module({ aliases: [alias("Pair", ["b", "a"], "{ first : a, second : b }")] }),
    magnitude: "major",
  },
  {
    rule: "an alias's argument renamed throughout is a patch",
    old: module({ aliases: [alias("Pair", ["a", "b"], "{ first : a, second : b }")] }),
    new: module({ aliases: [alias("Pair", ["x", "y"], "{ first : x, second : y }")] }),
    magnitude: "patch",
  },
  // An operator's precedence and associativity
  {
    rule: "an operator's precedence changed is a major change",
    old: module({ binops: [binop("|=", "Parser a -> Parser b -> Parser a", "left", 5)] }),
    new: module({ binops: [binop("|=", "Parser a -> Parser b -> Parser a", "left", 6)] }),
    magnitude: "major",
  },
  {
    rule: "an operator's associativity changed is a major change",
    old: module({ binops: [binop("|=", "Parser a -> Parser b -> Parser a", "left", 5)] }),
    new: module({ binops: [binop("|=", "Parser a -> Parser b -> Parser a", "right", 5)] }),
    magnitude: "major",
  },
  {
    rule: "an operator with the same precedence and a new doc comment is a patch",
    old: module({ binops: [binop("|=", "Parser a -> Parser b -> Parser a", "left", 5, "A.")] }),
    new: module({ binops: [binop("|=", "Parser x -> Parser y -> Parser x", "left", 5, "B.")] }),
    magnitude: "patch",
  },
  // Modules
  {
    rule: "a module added is a minor change",
    old: api({ "Json.Decode": values(["field", FIELD]) }),
    new: api({ "Json.Decode": values(["field", FIELD]), "Json.Encode": values(["null", "V"]) }),
    magnitude: "minor",
  },
  {
    rule: "a module removed is a major change",
    old: api({ "Json.Decode": values(["field", FIELD]), "Json.Encode": values(["null", "V"]) }),
    new: api({ "Json.Decode": values(["field", FIELD]) }),
    magnitude: "major",
  },
  {
    rule: "the same modules with new module comments is a patch",
    old: api({ "Json.Decode": { comment: "Decoding.", ...values(["field", FIELD]) } }),
    new: api({ "Json.Decode": { comment: "Decoding JSON.", ...values(["field", FIELD]) } }),
    magnitude: "patch",
  },
  // A type written through an import alias in one version and qualified in the next.
  // In docs.json both are qualified (the compiler resolves `D.Decoder` to
  // `Json.Decode.Decoder`), so at this level the two APIs differ in their
  // comments only; that sources written both ways produce equal docs.json
  // belongs to the tests of publishing, which compute it.
  {
    rule: "a type qualified alike in both versions, its comment rewritten, is a patch",
    old: module({ values: [value("field", FIELD, "Uses `D.Decoder`.")] }),
    new: module({ values: [value("field", FIELD, "Uses `Json.Decode.Decoder`.")] }),
    magnitude: "patch",
  },
  {
    rule: "a type qualified by another module in the next version is a major change",
    old: module(values(["field", FIELD])),
    new: module(values(["field", "String -> Decode.Decoder a -> Decode.Decoder a"])),
    magnitude: "major",
  },
];

describe("the magnitude of an API change, by the compiler's rules", () => {
  it.each(CASES)("$rule", (testCase) => {
    expect(diffApi(testCase.old, testCase.new).magnitude).toBe(testCase.magnitude);
  });

  it("is the largest of its changes' magnitudes", () => {
    const old = api({ A: values(["a", "Int"]), B: values(["b", "Int"]) });
    const added = api({ A: values(["a", "Int"], ["c", "Int"]), B: values(["b", "Int"]) });
    const addedAndChanged = api({
      A: values(["a", "Int"], ["c", "Int"]),
      B: values(["b", "Float"]),
    });
    expect(diffApi(old, added).magnitude).toBe("minor");
    expect(diffApi(old, addedAndChanged).magnitude).toBe("major");
  });

  it("calls exposing constructors minor only when no other type in the module changed", () => {
    const old = module({ unions: [union("Color", [], []), union("Shape", [], [["Dot", []]])] });
    const exposing = module({
      unions: [union("Color", [], [["Red", []]]), union("Shape", [], [["Dot", []]])],
    });
    const exposingAndChanging = module({
      unions: [union("Color", [], [["Red", []]]), union("Shape", [], [["Square", []]])],
    });
    expect(diffApi(old, exposing).magnitude).toBe("minor");
    expect(diffApi(old, exposingAndChanging).magnitude).toBe("major");
  });
});

// ---------------------------------------------------------------- the changes as data

describe("the changes", () => {
  const old = api({
    Gone: values(["x", "Int"]),
    "Json.Decode": {
      comment: "Decoding.",
      values: [value("field", FIELD), value("index", `Int -> ${DECODER} -> ${DECODER}`)],
      unions: [union("Error", [], [["Failure", ["String.String"]]])],
      aliases: [alias("Value", [], "Json.Encode.Value")],
      binops: [binop("|=", "Parser a -> Parser b -> Parser a", "left", 5)],
    },
    Same: { comment: "Old words.", ...values(["y", "Int"]) },
  });
  const next = api({
    "Json.Decode": {
      comment: "Decoding JSON.",
      values: [
        value("field", `String -> ${DECODER} -> Json.Decode.Decoder (Maybe.Maybe a)`),
        value("oneOf", `Array.Array ${DECODER} -> ${DECODER}`),
      ],
      unions: [
        union(
          "Error",
          [],
          [
            ["Failure", ["String.String"]],
            ["Index", ["Basics.Int"]],
          ],
        ),
      ],
      aliases: [alias("Value", [], "Json.Encode.Value", "Now documented.")],
      binops: [binop("|=", "Parser a -> Parser b -> Parser a", "left", 6)],
    },
    New: values(["z", "Int"]),
    Same: { comment: "New words.", ...values(["y", "Int"]) },
  });
  const changes: ApiChanges = diffApi(old, next);

  it("list modules added and removed, and only the modules in both whose API differs", () => {
    expect(changes.modules.added).toEqual(["New"]);
    expect(changes.modules.removed).toEqual(["Gone"]);
    expect(changes.modules.changed.map((m) => m.name)).toEqual(["Json.Decode"]);
  });

  it("give each kind's additions, removals, and changes with the old and the new", () => {
    const decode = changes.modules.changed[0]!;
    expect(decode.magnitude).toBe("major");
    expect(decode.values.added.map((v) => v.name)).toEqual(["oneOf"]);
    expect(decode.values.removed.map((v) => v.name)).toEqual(["index"]);
    expect(decode.values.changed).toEqual([
      {
        old: value("field", FIELD),
        new: value("field", `String -> ${DECODER} -> Json.Decode.Decoder (Maybe.Maybe a)`),
      },
    ]);
    expect(decode.unions.changed.map((c) => c.new.cases.length)).toEqual([2]);
    expect(decode.binops.changed.map((c) => [c.old.precedence, c.new.precedence])).toEqual([
      [5, 6],
    ]);
    // Its doc comment alone changed: no change.
    expect(decode.aliases).toEqual({ added: [], changed: [], removed: [] });
  });

  it("are none between an API and itself", () => {
    expect(diffApi(old, old)).toEqual({
      magnitude: "patch",
      modules: { added: [], removed: [], changed: [] },
    });
  });

  it("each have a magnitude, and the deciding ones are those of the API's", () => {
    const list = listChanges(changes);
    expect(list.map((change) => [describeChange(change), changeMagnitude(change)])).toEqual([
      ["module `New` added", "minor"],
      ["module `Gone` removed", "major"],
      [
        "`Json.Decode.oneOf` added, with the type `Array.Array Json.Decode.Decoder a -> Json.Decode.Decoder a`",
        "minor",
      ],
      ["`Json.Decode.index` removed", "major"],
      ["`Json.Decode.Error` gained the constructor `Index Basics.Int`", "major"],
      ["`Json.Decode.(|=)` changed its precedence from 5 to 6", "major"],
      [
        "`Json.Decode.field` changed from `String -> Json.Decode.Decoder a -> Json.Decode.Decoder a` to `String -> Json.Decode.Decoder a -> Json.Decode.Decoder (Maybe.Maybe a)`",
        "major",
      ],
    ]);
    expect(decidingChanges(changes)).toEqual(
      list.filter((change) => changeMagnitude(change) === "major"),
    );
  });
});

// ---------------------------------------------------------------- the changes in words

describe("a change in words", () => {
  const sentences = (old: DocsJson, next: DocsJson): string[] =>
    listChanges(diffApi(old, next)).map(describeChange);
  const tree = (args: string[], cases: [string, string[]][]): DocsJson =>
    api({ Tree: { unions: [union("Tree", args, cases)] } });

  it("names a union's constructors gained, lost and changed, with their arguments", () => {
    expect(
      sentences(
        tree(
          ["a"],
          [
            ["Leaf", ["a"]],
            ["Node", ["Array.Array (Tree.Tree a)"]],
          ],
        ),
        tree(
          ["a"],
          [
            ["Leaf", ["Maybe.Maybe a"]],
            ["Empty", []],
            ["Pair", ["a", "a -> a"]],
          ],
        ),
      ),
    ).toEqual([
      "`Tree.Tree` gained the constructor `Empty`, gained the constructor `Pair a (a -> a)`, lost the constructor `Node (Array.Array (Tree.Tree a))` and changed the constructor `Leaf` from `Leaf a` to `Leaf (Maybe.Maybe a)`",
    ]);
  });

  it("says when constructors were exposed, hidden or reordered", () => {
    expect(
      sentences(
        tree([], []),
        tree(
          [],
          [
            ["A", []],
            ["B", ["Int"]],
          ],
        ),
      ),
    ).toEqual(["`Tree.Tree` exposed its constructors `A | B Int`"]);
    expect(sentences(tree([], [["A", []]]), tree([], []))).toEqual([
      "`Tree.Tree` no longer exposes its constructors",
    ]);
    expect(
      sentences(
        tree(
          [],
          [
            ["A", []],
            ["B", []],
          ],
        ),
        tree(
          [],
          [
            ["B", []],
            ["A", []],
          ],
        ),
      ),
    ).toEqual(["`Tree.Tree` changed the order of its constructors from `A | B` to `B | A`"]);
  });

  it("shows both declarations when only the type's own arguments tell them apart", () => {
    expect(
      sentences(tree(["a", "b"], [["Node", ["a", "b"]]]), tree(["b", "a"], [["Node", ["a", "b"]]])),
    ).toEqual([
      "`Tree.Tree` changed from `type Tree a b = Node a b` to `type Tree b a = Node a b`",
    ]);
    expect(sentences(tree(["a"], [["Leaf", ["a"]]]), tree(["a", "b"], [["Leaf", ["a"]]]))).toEqual([
      "`Tree.Tree` changed its type arguments from `a` to `a b`",
    ]);
  });

  it("gives an alias's old and new declaration, arguments included", () => {
    expect(
      sentences(
        api({ P: { aliases: [alias("Pair", ["a"], "{ first : a, second : a }")] } }),
        api({ P: { aliases: [alias("Pair", ["a", "b"], "{ first : a, second : b }")] } }),
      ),
    ).toEqual([
      "`P.Pair` changed from `type alias Pair a = { first : a, second : a }` to `type alias Pair a b = { first : a, second : b }`",
    ]);
  });

  it("names every way an operator changed", () => {
    expect(
      sentences(
        api({ Basics: { binops: [binop("|>", "a -> (a -> b) -> b", "left", 0)] } }),
        api({ Basics: { binops: [binop("|>", "a -> (a -> a) -> a", "right", 1)] } }),
      ),
    ).toEqual([
      "`Basics.(|>)` changed its type from `a -> (a -> b) -> b` to `a -> (a -> a) -> a`, its precedence from 0 to 1 and its associativity from left to right",
    ]);
  });

  it("names declarations added and removed by kind", () => {
    expect(
      sentences(
        api({ M: { unions: [union("T", [], [])], aliases: [alias("A", [], "Int")] } }),
        api({
          M: {
            binops: [binop("++", "a -> a -> a", "right", 5)],
            values: [value("v", "Int")],
          },
        }),
      ),
    ).toEqual([
      "operator `M.(++)` added, with the type `a -> a -> a`",
      "`M.v` added, with the type `Int`",
      "type `M.T` removed",
      "type alias `M.A` removed",
    ]);
  });
});
