import type { Database } from "../../ports/database.ts";
import { optionalText, text } from "./rows.ts";

// Each version's README (version_readmes): sent beside its bundle, written in
// the transaction that publishes the version, rendered once then, and only
// read afterwards. A revocation takes its text with the bundle; its digest
// stays, as the transparency log names it.

export interface ReadmeRecord {
  sha256: string;
  /** Undefined once the version was revoked. */
  markdown: string | undefined;
  html: string | undefined;
}

export function storeReadme(
  db: Database,
  place: { packageId: number; versionKey: number },
  readme: { sha256: string; markdown: string; html: string },
): void {
  db.run(
    `INSERT INTO version_readmes (version_id, sha256, markdown, html)
     VALUES ((SELECT id FROM versions WHERE package_id = :packageId AND version_key = :versionKey),
             :sha256, :markdown, :html)`,
    { ...place, sha256: readme.sha256, markdown: readme.markdown, html: readme.html },
  );
}

export function findReadme(db: Database, versionId: number): ReadmeRecord | undefined {
  const row = db.get(
    "SELECT sha256, markdown, html FROM version_readmes WHERE version_id = :versionId",
    { versionId },
  );
  return (
    row && {
      sha256: text(row, "sha256"),
      markdown: optionalText(row, "markdown"),
      html: optionalText(row, "html"),
    }
  );
}

/** A revoked version's README goes with its bundle. */
export function forgetReadmeText(db: Database, versionId: number): void {
  db.run("UPDATE version_readmes SET markdown = NULL, html = NULL WHERE version_id = :versionId", {
    versionId,
  });
}
