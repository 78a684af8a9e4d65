import { lex } from "../../src/gren/docs/lexer.ts";
import type { DocsJson } from "../../src/gren/docsJson.ts";

/** Every type written in a docs.json, with where it is, for tests that check how names are written. */
export function typesOf(docs: DocsJson): { where: string; type: string }[] {
  const found: { where: string; type: string }[] = [];
  for (const module of Object.values(docs)) {
    for (const union of module.unions) {
      for (const [name, args] of union.cases) {
        for (const type of args) found.push({ where: `${module.name}.${name}`, type });
      }
    }
    for (const entry of [...module.aliases, ...module.values, ...module.binops]) {
      found.push({ where: `${module.name}.${entry.name}`, type: entry.type });
    }
  }
  return found;
}

/** The type names a type mentions, as written (`Maybe.Maybe`, `Int`), type variables left out. */
export const typeNamesIn = (type: string): string[] =>
  lex(type)
    .tokens.filter((token) => token.kind === "upper")
    .map((token) => token.text);

/** The module part of a qualified name: `Json.Decode` of `Json.Decode.Decoder`. */
export const moduleOf = (name: string): string | undefined =>
  name.includes(".") ? name.slice(0, name.lastIndexOf(".")) : undefined;
