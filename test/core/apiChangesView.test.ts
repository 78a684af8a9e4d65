import { Value } from "typebox/value";
import { describe, expect, it } from "vitest";
import { apiChangesView } from "../../src/core/views.ts";
import { diffApi } from "../../src/gren/apiChanges.ts";
import type { DocsJson, ModuleDocsJson } from "../../src/gren/docsJson.ts";
import { parseVersion, type Version } from "../../src/gren/semver.ts";
import { ApiChangesView } from "../../src/wire/apiChanges.ts";

const version = (text: string): Version => {
  const parsed = parseVersion(text);
  if (!parsed) throw new Error(`${text} is not a version`);
  return parsed;
};

const module = (name: string, declarations: Partial<ModuleDocsJson>): ModuleDocsJson => ({
  name,
  comment: "",
  unions: [],
  aliases: [],
  values: [],
  binops: [],
  ...declarations,
});

const OLD: DocsJson = {
  Dict: module("Dict", {
    unions: [{ name: "Dict", comment: "A dictionary.", args: ["k", "v"], cases: [] }],
    aliases: [{ name: "Pair", comment: "Two.", args: ["a"], type: "{ key : a }" }],
    values: [{ name: "empty", comment: "Nothing in it.", type: "Dict.Dict k v" }],
    binops: [
      {
        name: "=>",
        comment: "Pairs.",
        type: "k -> v -> Dict.Dict k v",
        associativity: "left",
        precedence: 5,
      },
    ],
  }),
  Gone: module("Gone", {}),
};

const NEW: DocsJson = {
  Dict: module("Dict", {
    unions: [
      {
        name: "Dict",
        comment: "A dictionary.",
        args: ["k", "v"],
        cases: [
          ["Empty", []],
          ["Node", ["k", "v", "Dict.Dict k v"]],
        ],
      },
    ],
    aliases: [{ name: "Pair", comment: "Two.", args: ["a", "b"], type: "{ key : a }" }],
    values: [{ name: "singleton", comment: "One.", type: "k -> v -> Dict.Dict k v" }],
    binops: [
      {
        name: "=>",
        comment: "Pairs.",
        type: "k -> v -> Dict.Dict k v",
        associativity: "right",
        precedence: 5,
      },
    ],
  }),
  Added: module("Added", {}),
};

describe("the answer describing changes between two versions", () => {
  const view = apiChangesView(version("1.0.0"), version("2.0.0"), diffApi(OLD, NEW));

  it("matches its wire schema", () => {
    expect([...Value.Errors(ApiChangesView, view)]).toEqual([]);
  });

  it("gives the versions, the magnitude, and each kind's changes without doc comments", () => {
    expect(view).toEqual({
      from: "1.0.0",
      to: "2.0.0",
      magnitude: "major",
      decidedBy: "api",
      modules: {
        added: ["Added"],
        removed: ["Gone"],
        changed: [
          {
            name: "Dict",
            magnitude: "major",
            unions: {
              added: [],
              changed: [
                {
                  old: { name: "Dict", args: ["k", "v"], cases: [] },
                  new: {
                    name: "Dict",
                    args: ["k", "v"],
                    cases: [
                      ["Empty", []],
                      ["Node", ["k", "v", "Dict.Dict k v"]],
                    ],
                  },
                },
              ],
              removed: [],
            },
            aliases: {
              added: [],
              changed: [
                {
                  old: { name: "Pair", args: ["a"], type: "{ key : a }" },
                  new: { name: "Pair", args: ["a", "b"], type: "{ key : a }" },
                },
              ],
              removed: [],
            },
            values: {
              added: [{ name: "singleton", type: "k -> v -> Dict.Dict k v" }],
              changed: [],
              removed: [{ name: "empty", type: "Dict.Dict k v" }],
            },
            binops: {
              added: [],
              changed: [
                {
                  old: {
                    name: "=>",
                    type: "k -> v -> Dict.Dict k v",
                    associativity: "left",
                    precedence: 5,
                  },
                  new: {
                    name: "=>",
                    type: "k -> v -> Dict.Dict k v",
                    associativity: "right",
                    precedence: 5,
                  },
                },
              ],
              removed: [],
            },
          },
        ],
      },
    });
  });

  it("is empty apart from the versions and a patch magnitude when only comments changed", () => {
    const reworded: DocsJson = {
      ...OLD,
      Gone: module("Gone", { comment: "Now documented." }),
    };
    expect(apiChangesView(version("1.0.0"), version("1.0.1"), diffApi(OLD, reworded))).toEqual({
      from: "1.0.0",
      to: "1.0.1",
      magnitude: "patch",
      decidedBy: "api",
      modules: { added: [], removed: [], changed: [] },
    });
  });
});
