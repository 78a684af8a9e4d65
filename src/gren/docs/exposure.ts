// Which declarations a module's exposing list makes public, as the compiler
// reads it: `(..)` exposes everything, constructors included; otherwise each
// item names one declaration, and `Type(..)` opens a custom type.

import { type Declaration, display, type Exposing, keyOf } from "./module.ts";

/** Marks the exposed declarations; `report` hears of items that name nothing, or twice. */
export function applyExposing(
  declarations: readonly Declaration[],
  exposing: Exposing,
  report: (message: string) => void,
): void {
  if (exposing.kind === "everything") {
    for (const declaration of declarations) {
      declaration.exposed = true;
      if (declaration.kind === "union") declaration.constructorsExposed = true;
    }
    return;
  }
  const byKey = new Map<string, Declaration>();
  for (const declaration of declarations) {
    const key = keyOf(declaration);
    if (!byKey.has(key)) byKey.set(key, declaration);
  }
  const seen = new Set<string>();
  for (const item of exposing.items) {
    const key = `${item.kind}:${item.name}`;
    if (seen.has(key)) {
      report(`The module exposes ${display(item)} more than once.`);
      continue;
    }
    seen.add(key);
    const declaration = byKey.get(key);
    if (declaration === undefined) {
      report(`The module exposes ${display(item)}, which it does not declare.`);
      continue;
    }
    declaration.exposed = true;
    if (item.kind !== "type" || !item.constructors) continue;
    if (declaration.kind === "union") declaration.constructorsExposed = true;
    else
      report(
        `The module exposes ${item.name}(..), but ${item.name} is a type alias, which has no constructors.`,
      );
  }
}
