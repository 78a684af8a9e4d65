// The API a new version is compared with: the stored docs.json of the version
// it bumps. Whether it can be known decides what a publish does:
//
// - known: the two APIs are compared, and the number must match (history:
//   is marked when it does not);
// - pending: the version bumped was published before the registry kept APIs,
//   and its docs are still being made from its bundle in the background. A
//   new version is refused with "try again in a minute": accepting it would
//   let a number through that no one checked, for want of a short wait.
// - unknown: its API can never be known (its docs broke the registry's limits,
//   or it was revoked, and its bundle deleted, before APIs were kept). A new
//   version is held to the number rules alone, and its answer and page say
//   that its API could not be compared, and why: refusing would leave the
//   package unable ever to publish from that version.

import type { PackageName } from "../gren/names.ts";
import { formatPackageName, packageKey } from "../gren/names.ts";
import {
  formatVersion,
  type Range,
  type Version,
  versionFromKey,
  versionKey,
} from "../gren/semver.ts";
import type { Database } from "../ports/database.ts";
import { findPackage, findVersion, versionsOf } from "./stores/packages.ts";
import { docsAwaitDependencies, findVersionDocs, waitsForDocs } from "./stores/versionDocs.ts";

export type Baseline =
  | { kind: "known"; docsJson: string; grenVersion: Range }
  /** `reason` asks a new version to try again; `note` is what history, which does not wait, records. */
  | { kind: "pending"; reason: string; note: string }
  | { kind: "unknown"; reason: string };

/** Every number the package ever had, revoked ones included: none is given twice. */
export function existingVersions(db: Database, name: PackageName): Version[] {
  const pkg = findPackage(db, packageKey(name));
  return pkg ? versionsOf(db, pkg.id).map((version) => versionFromKey(version.versionKey)) : [];
}

/** The stored API of a version of the package, if it can be known. */
export function baselineOf(db: Database, name: PackageName, version: Version): Baseline {
  const which = `${formatPackageName(name)} ${formatVersion(version)}`;
  const pkg = findPackage(db, packageKey(name));
  const record = pkg && findVersion(db, pkg.id, versionKey(version));
  if (!record) return { kind: "unknown", reason: `${which} is not known.` };
  const docs = findVersionDocs(db, record.id);
  const pending: Baseline = {
    kind: "pending",
    reason: `The API of ${which}, which this version is compared with, is still being made from its bundle; try again in a minute.`,
    note: `The API of ${which} was still being made from its bundle when this version came in.`,
  };
  if (docs === undefined) {
    return waitsForDocs(db, record.id)
      ? pending
      : {
          kind: "unknown",
          reason: `The API of ${which} is unknown: it was revoked, and its bundle deleted, before the registry kept APIs.`,
        };
  }
  if (!docs.made) {
    return { kind: "unknown", reason: `The API of ${which} is unknown: ${docs.refusal.join(" ")}` };
  }
  // Made while a dependency's own docs were still to be made, some of its types may not be qualified yet.
  if (docsAwaitDependencies(db, record.id)) return pending;
  return {
    kind: "known",
    docsJson: docs.docsJson,
    grenVersion: {
      lower: versionFromKey(record.grenLower),
      upper: versionFromKey(record.grenUpper),
    },
  };
}
