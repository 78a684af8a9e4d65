import { docsJsonSizeProblem, docsLimitProblems } from "../../gren/docs/limits.ts";
import { documentPackage } from "../../gren/docs/packageDocs.ts";
import { encodeDocsJson } from "../../gren/docsJson.ts";
import type { DependencyApi, VersionDocs } from "../../ports/bundles.ts";
import { err, ok, type Result } from "../../result.ts";
import { renderModuleArticle } from "../pages/moduleArticle.ts";

// A version's API and documentation, made in the reader that reads its bundle:
// docs.json with every type qualified, and each module's page content with its
// doc comments rendered from Markdown, so that no request ever renders one.

export interface Documentable {
  name: string;
  version: string;
  sources: Readonly<Record<string, unknown>>;
  exposedModules: readonly string[];
}

/** The version's docs, or why the registry will not keep them (one sentence each). */
export function makeVersionDocs(
  bundle: Documentable,
  dependencies: readonly DependencyApi[],
): Result<VersionDocs, string[]> {
  const documented = documentPackage({ ...bundle, dependencies });
  // Checked before anything is rendered: the bounds are what keep rendering short.
  const tooLarge = docsLimitProblems(documented.docs);
  if (tooLarge.length > 0) return err(tooLarge);
  const docsJson = encodeDocsJson(documented.docs);
  const tooMuch = docsJsonSizeProblem(docsJson);
  if (tooMuch !== undefined) return err([tooMuch]);
  const pages: Record<string, string> = {};
  for (const module of documented.written) {
    pages[module.name] = renderModuleArticle(module, {
      package: bundle.name,
      version: bundle.version,
      typeLinks: documented.typeLinks[module.name] ?? {},
    });
  }
  return ok({
    docsJson,
    pages,
    typeHomes: documented.typeHomes,
    exposedTypes: documented.exposedTypes,
    problems: documented.problems,
  });
}
