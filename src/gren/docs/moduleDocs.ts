// A module's documentation in the shape of the compiler's docs.json: its doc
// comment and its exposed custom types, aliases, values and operators, each
// list sorted by name. The same assembly gives the types as the source writes
// them (what the module's page shows) or fully qualified (docs.json itself).

import { err, ok, type Result } from "../../result.ts";
import type { AliasDocs, BinopDocs, ModuleDocsJson, UnionDocs, ValueDocs } from "../docsJson.ts";
import type { Declaration, ParsedModule, PortDeclaration, ValueDeclaration } from "./module.ts";
import { parseModule } from "./parser.ts";
import { formatType, type TypeNode } from "./types.ts";

/** One module's documentation, as docs.json has it, plus its `@docs` groups. */
export interface ModuleDocs extends ModuleDocsJson {
  /** The names of each `@docs` line, in order; operators bare (`++`). */
  groups: string[][];
}

/** A module's documentation, or why there is none: only a source without a module header has none. */
export function moduleDocs(source: string): Result<ModuleDocs, string> {
  const docs = docsOf(parseModule(source));
  if (docs !== undefined) return ok(docs);
  return err("The source does not start with a module header like `module Name exposing (..)`.");
}

/**
 * The documentation of a parsed module, when it has a header to name it, each
 * type written by `write` (as the source spells it, by default).
 */
export function docsOf(
  parsed: ParsedModule,
  write: (type: TypeNode, declaration: Declaration) => string = (type) => formatType(type),
): ModuleDocs | undefined {
  if (parsed.header === undefined) return undefined;
  const values: ValueDocs[] = [];
  const unions: UnionDocs[] = [];
  const aliases: AliasDocs[] = [];
  const binops: BinopDocs[] = [];
  const functions = valuesByName(parsed.declarations);
  const typeOf = (type: TypeNode | undefined, declaration: Declaration) =>
    type === undefined ? "" : write(type, declaration);
  for (const declaration of parsed.declarations) {
    if (!declaration.exposed) continue;
    const comment = declaration.comment ?? "";
    switch (declaration.kind) {
      case "value":
      case "port":
        values.push({
          name: declaration.name,
          comment,
          type: typeOf(declaration.type, declaration),
        });
        break;
      case "union":
        unions.push({
          name: declaration.name,
          comment,
          args: declaration.args,
          cases: declaration.constructorsExposed
            ? declaration.cases.map((c): [string, string[]] => [
                c.name,
                c.args.map((arg) => write(arg, declaration)),
              ])
            : [],
        });
        break;
      case "alias":
        aliases.push({
          name: declaration.name,
          comment,
          args: declaration.args,
          type: write(declaration.type, declaration),
        });
        break;
      case "infix": {
        const target = functions.get(declaration.function);
        binops.push({
          name: declaration.name,
          comment: target?.comment ?? "",
          type: target === undefined ? "" : typeOf(target.type, target),
          associativity: declaration.associativity,
          precedence: declaration.precedence,
        });
        break;
      }
    }
  }
  return {
    name: parsed.header.name,
    comment: parsed.comment ?? "",
    groups: parsed.groups,
    unions: byName(unions),
    aliases: byName(aliases),
    values: byName(values),
    binops: byName(binops),
  };
}

function valuesByName(
  declarations: readonly Declaration[],
): Map<string, ValueDeclaration | PortDeclaration> {
  const values = new Map<string, ValueDeclaration | PortDeclaration>();
  for (const declaration of declarations) {
    if (declaration.kind === "value" || declaration.kind === "port")
      values.set(declaration.name, declaration);
  }
  return values;
}

/** Code-unit order, as the compiler sorts names in docs.json. */
export const byName = <T extends { name: string }>(items: T[]): T[] =>
  items.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
