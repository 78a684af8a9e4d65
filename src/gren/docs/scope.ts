// How a module's source names a type, and which module defines it: the
// compiler's canonicalization of type names (`Canonicalize.Environment`),
// for types only. A module's own types come first; then each import adds its
// module's exposed types under its alias (or its whole name), and those its
// exposing list names, or all of them for `(..)`, unqualified.

import type { Import } from "./module.ts";
import type { TypeNode } from "./types.ts";

/** A module a package's modules may import: the types it exposes, when they are known. */
export interface ImportableModule {
  /** Undefined when the module's API is not known: its names are trusted as written. */
  types: ReadonlySet<string> | undefined;
}

/** Why a name could not be qualified; it stays as written. */
export type Unresolved =
  | { kind: "unknown"; name: string }
  | { kind: "ambiguous"; name: string; modules: string[] };

export class TypeScope {
  readonly #module: string;
  readonly #local: ReadonlySet<string>;
  /** Unqualified names: the modules each may come from. */
  readonly #exposed = new Map<string, Set<string>>();
  /** Qualifiers (an alias, or a module's whole name): the imports under each. */
  readonly #qualified = new Map<
    string,
    { module: string; types: ReadonlySet<string> | undefined }[]
  >();

  /**
   * `imports` in the order the module has them, the default ones first;
   * `importable` tells what each imported module exposes.
   */
  constructor(
    module: string,
    localTypes: Iterable<string>,
    imports: readonly Import[],
    importable: (module: string) => ImportableModule | undefined,
  ) {
    this.#module = module;
    this.#local = new Set(localTypes);
    for (const found of imports) {
      const types = importable(found.module)?.types;
      const prefix = found.alias ?? found.module;
      const entries = this.#qualified.get(prefix) ?? [];
      entries.push({ module: found.module, types });
      this.#qualified.set(prefix, entries);
      const exposing = found.exposing;
      if (exposing === undefined) continue;
      if (exposing.kind === "everything") {
        for (const name of types ?? []) this.#expose(name, found.module);
        continue;
      }
      for (const item of exposing.items) {
        if (item.kind === "type") this.#expose(item.name, found.module);
      }
    }
  }

  #expose(name: string, module: string): void {
    const modules = this.#exposed.get(name) ?? new Set<string>();
    modules.add(module);
    this.#exposed.set(name, modules);
  }

  /** The module that defines the type named `name` here, or why there is none. */
  resolve(name: string): { module: string } | Unresolved {
    const dot = name.lastIndexOf(".");
    if (dot === -1) {
      if (this.#local.has(name)) return { module: this.#module };
      return this.#one(name, [...(this.#exposed.get(name) ?? [])]);
    }
    const base = name.slice(dot + 1);
    const modules = (this.#qualified.get(name.slice(0, dot)) ?? [])
      .filter((entry) => entry.types === undefined || entry.types.has(base))
      .map((entry) => entry.module);
    return this.#one(name, [...new Set(modules)]);
  }

  #one(name: string, modules: string[]): { module: string } | Unresolved {
    if (modules.length === 1) return { module: modules[0]! };
    return modules.length === 0
      ? { kind: "unknown", name }
      : { kind: "ambiguous", name, modules: modules.sort() };
  }

  /**
   * The type with every name qualified by its module, as docs.json writes it
   * (`Maybe.Maybe a`); a name that cannot be is left as written and told to
   * `unresolved`, and each module a name comes from to `used`.
   */
  qualify(
    type: TypeNode,
    unresolved: (why: Unresolved) => void,
    used: (module: string) => void,
  ): TypeNode {
    switch (type.kind) {
      case "variable":
      case "unit":
      case "unreadable":
        return type;
      case "named": {
        const args = type.args.map((arg) => this.qualify(arg, unresolved, used));
        const found = this.resolve(type.name);
        if (!("module" in found)) {
          unresolved(found);
          return { kind: "named", name: type.name, args };
        }
        used(found.module);
        const base = type.name.slice(type.name.lastIndexOf(".") + 1);
        return { kind: "named", name: `${found.module}.${base}`, args };
      }
      case "function":
        return {
          kind: "function",
          from: this.qualify(type.from, unresolved, used),
          to: this.qualify(type.to, unresolved, used),
        };
      case "record":
        return {
          ...type,
          fields: type.fields.map((field) => ({
            name: field.name,
            type: this.qualify(field.type, unresolved, used),
          })),
        };
    }
  }
}
