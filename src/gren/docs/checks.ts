// What the compiler asks of a published module's documentation: a doc comment
// on the module and on everything it exposes, a type annotation on every
// exposed value, and `@docs` lines that list each exposed name exactly once.

import {
  type Declaration,
  type ModuleHeader,
  nameOf,
  type PortDeclaration,
  type Problem,
  type ValueDeclaration,
} from "./module.ts";

export function checkDocumentation(
  module: {
    header: ModuleHeader;
    /** The line of the header, where problems with the module as a whole are reported. */
    headerLine: number;
    comment: string | undefined;
    groups: string[][];
    declarations: readonly Declaration[];
  },
  report: (problem: Problem) => void,
): void {
  const { header, headerLine, comment, groups, declarations } = module;
  const problem = (line: number, message: string) => report({ line, message });
  if (comment === undefined) {
    problem(headerLine, "The module has no doc comment `{-| ... -}` right after its header.");
  }
  const values = new Map<string, ValueDeclaration | PortDeclaration>();
  for (const declaration of declarations) {
    if (declaration.kind === "value" || declaration.kind === "port") {
      values.set(declaration.name, declaration);
    }
  }
  const exposed = declarations.filter((declaration) => declaration.exposed);
  for (const declaration of exposed) {
    const documented =
      declaration.kind === "infix" ? values.get(declaration.function) : declaration;
    if (declaration.kind === "infix" && documented === undefined) {
      problem(
        declaration.line,
        `The operator (${declaration.name}) stands for ${declaration.function}, which the module does not declare.`,
      );
      continue;
    }
    if (documented?.comment === undefined) {
      problem(declaration.line, `${nameOf(declaration)} is exposed but has no doc comment.`);
    }
    if (documented?.kind === "value" && documented.type === undefined) {
      problem(declaration.line, `${nameOf(declaration)} is exposed but has no type annotation.`);
    }
  }

  const exposedNames =
    header.exposing.kind === "explicit"
      ? header.exposing.items.map((item) => item.name)
      : exposed.map((declaration) => declaration.name);
  const listed = new Set<string>();
  for (const name of groups.flat()) {
    if (listed.has(name)) problem(headerLine, `@docs lists ${name} more than once.`);
    listed.add(name);
  }
  const exposedSet = new Set(exposedNames);
  for (const name of listed) {
    if (!exposedSet.has(name))
      problem(headerLine, `@docs lists ${name}, which the module does not expose.`);
  }
  for (const name of exposedSet) {
    if (!listed.has(name)) problem(headerLine, `${name} is exposed but no @docs line lists it.`);
  }
}
