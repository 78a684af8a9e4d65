// Versions published before the registry kept docs get theirs in the
// background: read from their stored bundles by the bundle readers, a few at
// a time, while the server serves. A version's dependencies are documented
// before it, so that its types qualify through their APIs; whatever is left
// undone when the server stops is taken up when it starts again, as the
// versions without docs are found afresh each time.

import { packageKey, parsePackageName } from "../gren/names.ts";
import { formatVersion, parseRange, versionFromKey, versionKey } from "../gren/semver.ts";
import type { Ports } from "../ports/index.ts";
import { dependencyApiLookup } from "./dependencyApis.ts";
import { commitWithEvents } from "./events.ts";
import { queueMirrorUpdate } from "./mirror.ts";
import { recordPackageHead } from "./packageHead.ts";
import { findPackage, isRevoked, lowestVersionIn, readBlob } from "./stores/packages.ts";
import {
  deleteModulePages,
  deleteVersionDocs,
  docsAwaitDependencies,
  hasVersionDocs,
  storeRefusedDocs,
  storeVersionDocs,
  type UndocumentedRecord,
  undocumentedVersions,
  versionsAwaitingDependencies,
  waitsForDocs,
} from "./stores/versionDocs.ts";

/** How many of the oldest undocumented versions are looked at to choose the next ones. */
const WINDOW = 64;

/**
 * The next versions to document, at most `limit`: the oldest without docs,
 * passing over those with a dependency still waiting for its own (when every
 * one waits, for a dependency beyond the window, the oldest goes anyway); once
 * none is left, those documented meanwhile without a dependency's API.
 */
export function nextToDocument(db: Ports["db"], limit: number): UndocumentedRecord[] {
  const waiting = undocumentedVersions(db, WINDOW);
  const ready = waiting.filter((record) => !dependsOnUndocumented(db, record));
  if (waiting.length > 0) return (ready.length > 0 ? ready : waiting).slice(0, limit);
  // Then the versions published meanwhile, whose dependencies were still waiting for their docs.
  return versionsAwaitingDependencies(db, WINDOW)
    .filter((record) => !dependsOnUndocumented(db, record))
    .slice(0, limit);
}

function dependsOnUndocumented(db: Ports["db"], record: UndocumentedRecord): boolean {
  const dependencies = JSON.parse(record.dependencies) as Record<string, unknown>;
  for (const [name, range] of Object.entries(dependencies)) {
    const parsedName = parsePackageName(name);
    const parsedRange = typeof range === "string" ? parseRange(range) : undefined;
    if (parsedName === undefined || parsedRange === undefined) continue;
    const pkg = findPackage(db, packageKey(parsedName));
    if (pkg === undefined) continue;
    const built = lowestVersionIn(db, pkg.id, {
      lowerKey: versionKey(parsedRange.lower),
      upperKey: versionKey(parsedRange.upper),
    });
    if (built !== undefined && waitsForDocs(db, built.id)) return true;
  }
  return false;
}

/**
 * Documents one version from its stored bundle, in a bundle reader, and stores
 * what it made, or why it could not make it, in place of docs made while a
 * dependency's were still to be made. A version revoked meanwhile keeps its
 * API but gets no pages.
 */
export async function documentStoredVersion(
  ports: Pick<Ports, "db" | "bundles" | "clock" | "notifier" | "mirror">,
  record: UndocumentedRecord,
  limits: { maxUnpackedBytes: number },
): Promise<void> {
  const { db } = ports;
  const bytes = readBlob(db, record.sha256);
  if (bytes === undefined) return;
  const dependencies = dependencyApiLookup(db);
  const made = await ports.bundles.document(
    bytes,
    {
      name: `${record.author}/${record.project}`,
      version: formatVersion(versionFromKey(record.versionKey)),
      maxUnpackedBytes: limits.maxUnpackedBytes,
    },
    dependencies.lookUp,
  );
  // The package's pages change with its docs: its head moves, and what was kept of it goes.
  commitWithEvents(ports, () => {
    // Made once, but for docs made while a dependency's were still to be made.
    if (hasVersionDocs(db, record.versionId)) {
      if (!docsAwaitDependencies(db, record.versionId)) return { ok: true, value: undefined };
      deleteVersionDocs(db, record.versionId);
    }
    const now = ports.clock.now();
    const place = { packageId: record.packageId, versionKey: record.versionKey };
    if (!made.ok) storeRefusedDocs(db, place, made.error, now);
    else {
      storeVersionDocs(db, place, made.value, { at: now, awaiting: dependencies.awaited() });
      if (isRevoked(db, record.versionId)) deleteModulePages(db, record.versionId);
    }
    recordPackageHead(db, record.packageId);
    queueMirrorUpdate(ports, { packageId: record.packageId, versionKey: record.versionKey });
    return { ok: true, value: undefined };
  });
}
