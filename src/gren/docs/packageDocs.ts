// A package version's documentation, from its bundle's sources: each exposed
// module's docs twice, with types as the source writes them (what its page
// shows) and fully qualified, as the compiler writes docs.json (what clients
// and comparisons of two versions' APIs read); and for each module a type
// comes from, which package version defines it.

import type { DocsJson, ModuleDocsJson } from "../docsJson.ts";
import { isKernelModule } from "../names.ts";
import { defaultImports } from "./defaultImports.ts";
import { exposedTypeNames, type ModuleProblem, nameOf, type ParsedModule } from "./module.ts";
import { docsOf, type ModuleDocs } from "./moduleDocs.ts";
import { parseModule } from "./parser.ts";
import { capped } from "./problems.ts";
import { type ImportableModule, TypeScope, type Unresolved } from "./scope.ts";
import { formatType, type TypeNode } from "./types.ts";

/** What a dependency offers the package's modules, as the registry stored it. */
export interface DependencyApi {
  /** `author/project`. */
  name: string;
  /**
   * The version the package builds against: the lowest the registry has in
   * the package's range. Undefined when it has none.
   */
  version: string | undefined;
  /** Each exposed module's exposed types; undefined when the registry has not stored its API. */
  modules: Readonly<Record<string, readonly string[]>> | undefined;
}

/** A package version that defines types: this package's own, or one of its dependencies. */
export interface TypeHome {
  package: string;
  version: string;
}

/** Where a type named in a module's signatures is documented: its module, in a package version. */
export interface TypeLink extends TypeHome {
  module: string;
}

export interface PackageDocumentation {
  /** docs.json: every exposed module, every type fully qualified. */
  docs: DocsJson;
  /** The same modules with types as their sources write them, in the order asked for. */
  written: ModuleDocs[];
  /** For each module a type in `docs` comes from, the package version that defines it. */
  typeHomes: Record<string, TypeHome>;
  /** Each exposed module's exposed types: what the package's dependents may import. */
  exposedTypes: Record<string, string[]>;
  /**
   * For each written module, each type name as its signatures spell it
   * (`Dict`, `D.Decoder`) whose documentation has a page: names that cannot
   * be placed, or whose module has no page, are left out.
   */
  typeLinks: Record<string, Record<string, TypeLink>>;
  problems: ModuleProblem[];
}

/**
 * The documentation of a package's exposed modules, from a bundle's `sources`.
 * Kernel modules are JavaScript and are skipped; an exposed module without a
 * source is a problem. Types are qualified through each module's imports, the
 * package's own modules and `dependencies`; a name that cannot be is left as
 * written and reported, as nothing here refuses a package.
 */
export function documentPackage(input: {
  name: string;
  version: string;
  sources: Readonly<Record<string, unknown>>;
  exposedModules: readonly string[];
  dependencies: readonly DependencyApi[];
}): PackageDocumentation {
  const modules = new Modules(
    { package: input.name, version: input.version },
    input.sources,
    input.dependencies,
  );
  const docs: DocsJson = {};
  const written: ModuleDocs[] = [];
  const typeHomes: Record<string, TypeHome> = {};
  const exposedTypes: Record<string, string[]> = {};
  const typeLinks: Record<string, Record<string, TypeLink>> = {};
  const problems: ModuleProblem[] = [];
  const ownPages = new Set(input.exposedModules);

  for (const name of new Set(input.exposedModules)) {
    if (isKernelModule(name)) continue;
    const parsed = modules.parsed(name);
    if (parsed === undefined) {
      problems.push({ module: name, line: 1, message: `The package has no source for ${name}.` });
      continue;
    }
    for (const problem of parsed.problems) problems.push({ module: name, ...problem });
    const asWritten = docsOf(parsed);
    if (asWritten === undefined) continue;
    if (asWritten.name !== name) {
      problems.push({
        module: name,
        line: 1,
        message: `The source for ${name} declares the module ${asWritten.name}.`,
      });
    }
    const reported = new Set<string>();
    const report = (line: number, message: string) => {
      if (reported.has(message)) return;
      reported.add(message);
      problems.push({ module: name, line, message });
    };
    const imports = [...defaultImports(input.name), ...parsed.imports];
    for (const found of parsed.imports) {
      const problem = modules.missing(found.module);
      if (problem !== undefined) report(found.line, problem);
    }
    const scope = new TypeScope(
      asWritten.name,
      parsed.declarations.flatMap((d) =>
        d.kind === "union" || d.kind === "alias" ? [d.name] : [],
      ),
      imports,
      (module) => modules.importable(module),
    );
    const links: Record<string, TypeLink> = {};
    const link = (written: string) => {
      if (Object.hasOwn(links, written)) return;
      const found = scope.resolve(written);
      if (!("module" in found)) return;
      const home = modules.homeOf(found.module);
      const base = written.slice(written.lastIndexOf(".") + 1);
      const own = home?.package === input.name && home.version === input.version;
      if (home === undefined || (own && !ownPages.has(found.module))) return;
      if (!modules.importable(found.module)?.types?.has(base)) return;
      links[written] = { ...home, module: found.module };
    };
    const qualified = docsOf(parsed, (type, declaration) =>
      formatType(
        scope.qualify(
          namesIn(type, link),
          (why) => report(declaration.line, unresolvedProblem(why, nameOf(declaration))),
          (module) => {
            const home = modules.homeOf(module);
            if (home !== undefined) typeHomes[module] = home;
          },
        ),
      ),
    );
    if (qualified === undefined) continue;
    docs[asWritten.name] = docsJsonOf(qualified);
    written.push(asWritten);
    typeLinks[asWritten.name] = links;
    exposedTypes[asWritten.name] = exposedTypeNames(parsed).sort(byCodeUnit);
  }
  return {
    docs: sortedByKey(docs),
    written,
    typeHomes: sortedByKey(typeHomes),
    exposedTypes: sortedByKey(exposedTypes),
    typeLinks,
    problems: capped(problems, (message, last) => ({
      module: last.module,
      line: last.line,
      message,
    })),
  };
}

/** Tells `found` each type name the type spells, and gives the type back. */
function namesIn(type: TypeNode, found: (name: string) => void): TypeNode {
  switch (type.kind) {
    case "named":
      found(type.name);
      for (const arg of type.args) namesIn(arg, found);
      break;
    case "function":
      namesIn(type.from, found);
      namesIn(type.to, found);
      break;
    case "record":
      for (const field of type.fields) namesIn(field.type, found);
      break;
    default:
      break;
  }
  return type;
}

function unresolvedProblem(why: Unresolved, where: string): string {
  return why.kind === "unknown"
    ? `The type ${why.name} in ${where} is neither declared by the module nor brought in by its imports, so docs.json keeps it as written.`
    : `The type ${why.name} in ${where} could come from any of ${why.modules.join(", ")}, so docs.json keeps it as written.`;
}

/** The package's own modules, read when first imported, and its dependencies' modules. */
class Modules {
  readonly #own: TypeHome;
  readonly #sources: Readonly<Record<string, unknown>>;
  readonly #parsed = new Map<string, ParsedModule | undefined>();
  readonly #importable = new Map<string, ImportableModule | undefined>();
  readonly #dependencyOf = new Map<string, DependencyApi>();
  readonly #unknownApis: string[];

  constructor(
    own: TypeHome,
    sources: Readonly<Record<string, unknown>>,
    dependencies: readonly DependencyApi[],
  ) {
    this.#own = own;
    this.#sources = sources;
    for (const dependency of dependencies) {
      for (const module of Object.keys(dependency.modules ?? {})) {
        if (!this.#dependencyOf.has(module)) this.#dependencyOf.set(module, dependency);
      }
    }
    this.#unknownApis = dependencies
      .filter((dependency) => dependency.modules === undefined)
      .map((dependency) => dependency.name);
  }

  #isOwn(module: string): boolean {
    return Object.hasOwn(this.#sources, module) && typeof this.#sources[module] === "string";
  }

  parsed(module: string): ParsedModule | undefined {
    if (this.#parsed.has(module)) return this.#parsed.get(module);
    const source = this.#isOwn(module) ? (this.#sources[module] as string) : undefined;
    const parsed = source === undefined ? undefined : parseModule(source);
    this.#parsed.set(module, parsed);
    return parsed;
  }

  importable(module: string): ImportableModule | undefined {
    if (this.#importable.has(module)) return this.#importable.get(module);
    const importable = this.#importableNow(module);
    this.#importable.set(module, importable);
    return importable;
  }

  #importableNow(module: string): ImportableModule | undefined {
    if (isKernelModule(module)) return { types: new Set() };
    if (this.#isOwn(module)) {
      const parsed = this.parsed(module);
      return { types: new Set(parsed === undefined ? [] : exposedTypeNames(parsed)) };
    }
    const dependency = this.#dependencyOf.get(module);
    if (dependency === undefined) return undefined;
    return { types: new Set(dependency.modules?.[module] ?? []) };
  }

  /** The package version that defines a module, when it is known. */
  homeOf(module: string): TypeHome | undefined {
    if (this.#isOwn(module)) return this.#own;
    const dependency = this.#dependencyOf.get(module);
    return dependency?.version === undefined
      ? undefined
      : { package: dependency.name, version: dependency.version };
  }

  /** Why an import's types cannot be checked, when they cannot. */
  missing(module: string): string | undefined {
    if (this.importable(module) !== undefined) return undefined;
    return this.#unknownApis.length === 0
      ? `The module imports ${module}, which is neither one of the package's modules nor exposed by its dependencies.`
      : `The module imports ${module}, which is not one of the package's modules; the registry does not have the API of ${this.#unknownApis.join(", ")}, so names from it are kept as written.`;
  }
}

/** Code-unit order, as the compiler orders names. */
const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function sortedByKey<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => byCodeUnit(a, b)));
}

/** A module's docs as docs.json has them, without what only the pages use. */
function docsJsonOf(docs: ModuleDocs): ModuleDocsJson {
  const { groups: _groups, ...json } = docs;
  return json;
}
