// A package's documentation in the form the compiler writes it to docs.json
// (`gren docs`; its encoder is `compiler/src/Gren/Docs.hs`): an object keyed by
// module name, each module with its doc comment and its exposed unions,
// aliases, values and operators, each list sorted by name. In docs.json every
// type is written fully qualified (`Maybe.Maybe a`, `Json.Decode.Decoder a`),
// so that two versions' APIs can be compared and a type linked to its
// definition.

/** Every exposed module of a version, by name. */
export type DocsJson = Record<string, ModuleDocsJson>;

export interface ModuleDocsJson {
  name: string;
  /** The module's doc comment: the text between `{-|` and `-}`, as written. */
  comment: string;
  unions: UnionDocs[];
  aliases: AliasDocs[];
  values: ValueDocs[];
  binops: BinopDocs[];
}

export interface UnionDocs {
  name: string;
  comment: string;
  args: string[];
  /**
   * Each constructor with its argument types, each type whole (`Array a`, not
   * `(Array a)`); none when the type is exposed without `(..)`.
   */
  cases: [string, string[]][];
}

export interface AliasDocs {
  name: string;
  comment: string;
  args: string[];
  type: string;
}

/** A function, constant or port. */
export interface ValueDocs {
  name: string;
  comment: string;
  type: string;
}

/** An operator, documented and typed by the function it stands for. */
export interface BinopDocs {
  name: string;
  comment: string;
  type: string;
  associativity: Associativity;
  precedence: number;
}

export type Associativity = "left" | "non" | "right";

/**
 * docs.json as text: compact, as the compiler writes it (`encodeUgly`), with
 * modules in name order and every object's keys in the order of its encoder
 * (`Gren.Docs.encode`), so that the same docs always give the same bytes.
 */
export function encodeDocsJson(docs: DocsJson): string {
  const names = Object.keys(docs).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const modules = names.map((name) => {
    const module = docs[name]!;
    return `${JSON.stringify(name)}:${JSON.stringify({
      name: module.name,
      comment: module.comment,
      unions: module.unions.map((union) => ({
        name: union.name,
        comment: union.comment,
        args: union.args,
        cases: union.cases,
      })),
      aliases: module.aliases.map((alias) => ({
        name: alias.name,
        comment: alias.comment,
        args: alias.args,
        type: alias.type,
      })),
      values: module.values.map((value) => ({
        name: value.name,
        comment: value.comment,
        type: value.type,
      })),
      binops: module.binops.map((binop) => ({
        name: binop.name,
        comment: binop.comment,
        type: binop.type,
        associativity: binop.associativity,
        precedence: binop.precedence,
      })),
    })}`;
  });
  return `{${modules.join(",")}}`;
}
