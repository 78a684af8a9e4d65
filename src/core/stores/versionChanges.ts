import type { BareChanges, Magnitude } from "../../gren/apiChanges.ts";
import type { MagnitudeBasis } from "../../gren/versionBump.ts";
import type { Database } from "../../ports/database.ts";
import { flag, integer, optionalInteger, optionalText } from "./rows.ts";

// What each version's API changed since the version it bumps (version_changes):
// written once, in the transaction that publishes the version, then only read.
// Versions published before the registry compared APIs have no row.

/** The comparison made when a version was published. */
export type Comparison =
  /** A package's first version: nothing to compare with. */
  | { kind: "first" }
  | {
      kind: "compared";
      sinceKey: number;
      magnitude: Magnitude;
      decidedBy: MagnitudeBasis;
      changes: BareChanges;
      /** Each change in words, in the order `gren diff` shows them. */
      sentences: string[];
    }
  /** The version bumped has no API the registry knows, for this reason. */
  | { kind: "unknown"; sinceKey: number; reason: string };

export interface ChangesRecord {
  comparison: Comparison;
  /** Published as history: its number was not held to the rules. */
  history: boolean;
  /** Published as history with a number its API did not call for: the one it did. */
  calledForKey: number | undefined;
}

export function storeVersionChanges(
  db: Database,
  version: { packageId: number; versionKey: number },
  record: ChangesRecord,
): void {
  const { comparison } = record;
  db.run(
    `INSERT INTO version_changes (version_id, since_key, magnitude, decided_by, changes, sentences,
                                  unknown, history, called_for_key)
     VALUES ((SELECT id FROM versions WHERE package_id = :packageId AND version_key = :versionKey),
             :sinceKey, :magnitude, :decidedBy, :changes, :sentences, :unknown, :history,
             :calledForKey)`,
    {
      ...version,
      sinceKey: comparison.kind === "first" ? null : comparison.sinceKey,
      magnitude: comparison.kind === "compared" ? comparison.magnitude : null,
      decidedBy: comparison.kind === "compared" ? comparison.decidedBy : null,
      changes: comparison.kind === "compared" ? JSON.stringify(comparison.changes) : null,
      sentences: comparison.kind === "compared" ? JSON.stringify(comparison.sentences) : null,
      unknown: comparison.kind === "unknown" ? comparison.reason : null,
      history: record.history ? 1 : 0,
      calledForKey: record.calledForKey ?? null,
    },
  );
}

export function findVersionChanges(db: Database, versionId: number): ChangesRecord | undefined {
  const row = db.get(
    `SELECT since_key, magnitude, decided_by, changes, sentences, unknown, history, called_for_key
     FROM version_changes WHERE version_id = :versionId`,
    { versionId },
  );
  if (row === undefined) return undefined;
  const sinceKey = optionalInteger(row, "since_key");
  const changes = optionalText(row, "changes");
  const comparison: Comparison =
    sinceKey === undefined
      ? { kind: "first" }
      : changes === undefined
        ? { kind: "unknown", sinceKey, reason: optionalText(row, "unknown") ?? "" }
        : {
            kind: "compared",
            sinceKey,
            magnitude: optionalText(row, "magnitude") as Magnitude,
            decidedBy: optionalText(row, "decided_by") as MagnitudeBasis,
            changes: JSON.parse(changes) as BareChanges,
            sentences: JSON.parse(optionalText(row, "sentences") ?? "[]") as string[],
          };
  return {
    comparison,
    history: flag(row, "history"),
    calledForKey: optionalInteger(row, "called_for_key"),
  };
}

/** What a list of a package's versions shows of each one's changes. */
export interface ChangesSummaryRecord {
  sinceKey: number | undefined;
  magnitude: Magnitude | undefined;
  calledForKey: number | undefined;
}

/** Each of a package's versions that has a record, by version key. */
export function changesSummariesOf(
  db: Database,
  packageId: number,
): Map<number, ChangesSummaryRecord> {
  return new Map(
    db
      .all(
        `SELECT v.version_key, c.since_key, c.magnitude, c.called_for_key
         FROM version_changes c JOIN versions v ON v.id = c.version_id
         WHERE v.package_id = :packageId`,
        { packageId },
      )
      .map((row) => [
        integer(row, "version_key"),
        {
          sinceKey: optionalInteger(row, "since_key"),
          magnitude: optionalText(row, "magnitude") as Magnitude | undefined,
          calledForKey: optionalInteger(row, "called_for_key"),
        },
      ]),
  );
}
