import type { ModuleProblem, TypeHome, VersionDocs } from "../../ports/bundles.ts";
import type { Database } from "../../ports/database.ts";
import { integer, optionalText, text } from "./rows.ts";

// Each version's API and documentation (version_docs), and its module pages
// (module_pages): written once, in the transaction that publishes the version
// or by the background pass over versions published before, then only read.

/** Where the docs of a version of a package are, by the version's place. */
export interface VersionPlace {
  packageId: number;
  versionKey: number;
}

const VERSION_ID =
  "(SELECT id FROM versions WHERE package_id = :packageId AND version_key = :versionKey)";

export function storeVersionDocs(
  db: Database,
  place: VersionPlace,
  docs: VersionDocs,
  made: { at: number; awaiting: boolean },
): void {
  db.run(
    `INSERT INTO version_docs (version_id, docs_json, refusal, type_homes, exposed_types, problems, awaiting, made_at)
     VALUES (${VERSION_ID}, :docsJson, NULL, :typeHomes, :exposedTypes, :problems, :awaiting, :at)`,
    {
      ...place,
      awaiting: made.awaiting ? 1 : 0,
      docsJson: docs.docsJson,
      typeHomes: JSON.stringify(docs.typeHomes),
      exposedTypes: JSON.stringify(docs.exposedTypes),
      problems: JSON.stringify(docs.problems),
      at: made.at,
    },
  );
  for (const [module, content] of Object.entries(docs.pages)) {
    db.run(
      `INSERT INTO module_pages (version_id, module, content) VALUES (${VERSION_ID}, :module, :content)`,
      { ...place, module, content },
    );
  }
}

/** The docs of a version published before the registry kept them, that it cannot keep. */
export function storeRefusedDocs(
  db: Database,
  place: VersionPlace,
  reasons: readonly string[],
  at: number,
): void {
  db.run(
    `INSERT INTO version_docs (version_id, docs_json, refusal, type_homes, exposed_types, problems, made_at)
     VALUES (${VERSION_ID}, NULL, :refusal, '{}', '{}', '[]', :at)`,
    { ...place, refusal: JSON.stringify(reasons), at },
  );
}

export type DocsRecord =
  | { made: true; docsJson: string; typeHomes: Record<string, TypeHome>; problems: ModuleProblem[] }
  | { made: false; refusal: string[] };

export function findVersionDocs(db: Database, versionId: number): DocsRecord | undefined {
  const row = db.get(
    "SELECT docs_json, refusal, type_homes, problems FROM version_docs WHERE version_id = :versionId",
    { versionId },
  );
  if (row === undefined) return undefined;
  const docsJson = optionalText(row, "docs_json");
  if (docsJson === undefined) {
    return { made: false, refusal: JSON.parse(text(row, "refusal")) as string[] };
  }
  return {
    made: true,
    docsJson,
    typeHomes: JSON.parse(text(row, "type_homes")) as Record<string, TypeHome>,
    problems: JSON.parse(text(row, "problems")) as ModuleProblem[],
  };
}

/** Whether the version's docs have been made, or found impossible to make. */
export function hasVersionDocs(db: Database, versionId: number): boolean {
  return (
    db.get("SELECT 1 FROM version_docs WHERE version_id = :versionId", { versionId }) !== undefined
  );
}

/** Whether a version's docs are still to be made: it has none, and its bundle is still stored. */
export function waitsForDocs(db: Database, versionId: number): boolean {
  return (
    db.get(
      `SELECT 1 FROM versions v
       WHERE v.id = :versionId
         AND NOT EXISTS (SELECT 1 FROM version_docs d WHERE d.version_id = v.id)
         AND EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = v.sha256)`,
      { versionId },
    ) !== undefined
  );
}

/**
 * A made version's exposed types, as JSON text, when they take at most
 * `maxChars`: what a dependent's reader is handed, so it stays small.
 */
export function exposedTypesText(
  db: Database,
  versionId: number,
  maxChars: number,
): string | undefined {
  const row = db.get(
    `SELECT exposed_types FROM version_docs
     WHERE version_id = :versionId AND docs_json IS NOT NULL AND length(exposed_types) <= :maxChars`,
    { versionId, maxChars },
  );
  return row && text(row, "exposed_types");
}

export function findModulePage(
  db: Database,
  versionId: number,
  module: string,
): string | undefined {
  const row = db.get(
    "SELECT content FROM module_pages WHERE version_id = :versionId AND module = :module",
    { versionId, module },
  );
  return row && text(row, "content");
}

/** The modules of a version that have a page. */
export function documentedModules(db: Database, versionId: number): string[] {
  return db
    .all("SELECT module FROM module_pages WHERE version_id = :versionId", { versionId })
    .map((row) => text(row, "module"));
}

/** Docs made while a dependency's were still to be made, to make again. */
export function deleteVersionDocs(db: Database, versionId: number): void {
  db.run("DELETE FROM module_pages WHERE version_id = :versionId", { versionId });
  db.run("DELETE FROM version_docs WHERE version_id = :versionId", { versionId });
}

/** Whether a version's docs were made while a dependency's were still to be made. */
export function docsAwaitDependencies(db: Database, versionId: number): boolean {
  return (
    db.get("SELECT 1 FROM version_docs WHERE version_id = :versionId AND awaiting = 1", {
      versionId,
    }) !== undefined
  );
}

/** A revoked version's pages go with its bundle; its API stays. */
export function deleteModulePages(db: Database, versionId: number): void {
  db.run("DELETE FROM module_pages WHERE version_id = :versionId", { versionId });
}

/** A version whose docs are still to be made from its stored bundle. */
export interface UndocumentedRecord extends VersionPlace {
  versionId: number;
  author: string;
  project: string;
  sha256: string;
  /** JSON text: package name to range. */
  dependencies: string;
}

/**
 * Versions with no docs yet whose bundle is still stored, oldest first: a
 * dependency is published before the versions that depend on it.
 */
export function undocumentedVersions(db: Database, limit: number): UndocumentedRecord[] {
  return versionsToDocument(
    db,
    "NOT EXISTS (SELECT 1 FROM version_docs d WHERE d.version_id = v.id)",
    limit,
  );
}

/**
 * Versions whose docs were made while a dependency's were still to be made,
 * and whose bundle is still stored, oldest first.
 */
export function versionsAwaitingDependencies(db: Database, limit: number): UndocumentedRecord[] {
  return versionsToDocument(
    db,
    "EXISTS (SELECT 1 FROM version_docs d WHERE d.version_id = v.id AND d.awaiting = 1)",
    limit,
  );
}

function versionsToDocument(db: Database, which: string, limit: number): UndocumentedRecord[] {
  return db
    .all(
      `SELECT v.id, v.package_id, v.version_key, v.sha256, v.dependencies, i.name AS author, p.project
       FROM versions v
       JOIN packages p ON p.id = v.package_id
       JOIN identities i ON i.id = p.identity_id
       WHERE ${which}
         AND EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = v.sha256)
       ORDER BY v.published_at, v.id
       LIMIT :limit`,
      { limit },
    )
    .map((row) => ({
      versionId: integer(row, "id"),
      packageId: integer(row, "package_id"),
      versionKey: integer(row, "version_key"),
      author: text(row, "author"),
      project: text(row, "project"),
      sha256: text(row, "sha256"),
      dependencies: text(row, "dependencies"),
    }));
}
