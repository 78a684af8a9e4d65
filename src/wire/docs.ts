import { type Static, Type } from "typebox";

// docs.json, as the Gren compiler writes it (`gren docs`) and the package
// website reads it: every exposed module of a version by name, each type
// written fully qualified (`Maybe.Maybe a`, `Json.Decode.Decoder a`).

const Comment = Type.String({ description: "a doc comment: the text between `{-|` and `-}`" });
const QualifiedType = Type.String({
  description: "a type with every name qualified by its module, e.g. `Dict.Dict String a`",
});

export const UnionDocs = Type.Object({
  name: Type.String(),
  comment: Comment,
  args: Type.Array(Type.String()),
  cases: Type.Array(
    // A pair, [constructor, [argument types]]: OpenAPI 3.0 has no tuples.
    Type.Array(Type.Union([Type.String(), Type.Array(QualifiedType)]), {
      minItems: 2,
      maxItems: 2,
    }),
    { description: "each constructor with its arguments' types; none when they are not exposed" },
  ),
});

export const AliasDocs = Type.Object({
  name: Type.String(),
  comment: Comment,
  args: Type.Array(Type.String()),
  type: QualifiedType,
});

export const ValueDocs = Type.Object({
  name: Type.String(),
  comment: Comment,
  type: QualifiedType,
});

export const BinopDocs = Type.Object({
  name: Type.String({ description: "the operator, without parentheses" }),
  comment: Comment,
  type: QualifiedType,
  associativity: Type.Union([Type.Literal("left"), Type.Literal("non"), Type.Literal("right")]),
  precedence: Type.Integer({ minimum: 0, maximum: 9 }),
});

export const ModuleDocs = Type.Object({
  name: Type.String(),
  comment: Comment,
  unions: Type.Array(UnionDocs),
  aliases: Type.Array(AliasDocs),
  values: Type.Array(ValueDocs, { description: "functions, constants and ports" }),
  binops: Type.Array(BinopDocs),
});

export const DocsJson = Type.Record(Type.String(), ModuleDocs, {
  description:
    "Every exposed module by name, in name order; each module's keys, and each list (sorted by name), in the compiler's order.",
});
export type DocsJson = Static<typeof DocsJson>;
