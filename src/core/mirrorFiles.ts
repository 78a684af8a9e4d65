import { formatPackageName } from "../gren/names.ts";
import { type Tile, tilesOf } from "../log/tiles.ts";
import type { Database } from "../ports/database.ts";
import type { MirrorFile } from "../ports/mirror.ts";
import { LOG_CHECKPOINT_PATH, LOG_FOLDER, MIRROR_PATHS } from "../wire/mirrorPaths.ts";
import {
  checkpointFile,
  logFilePath,
  logTileAt,
  mayHoldTile,
  newestCheckpoint,
  tileFile,
} from "./mirrorLog.ts";
import { indexOf, indexText } from "./packageIndex.ts";
import { lastPublicSeq } from "./stores/events.ts";
import {
  findPackageById,
  findVersion,
  type PackageRecord,
  publicPackages,
  readBlob,
  type VersionSummaryRecord,
  versionsOf,
} from "./stores/packages.ts";
import { findVersionDocs } from "./stores/versionDocs.ts";
import { mirroredPackagesView, mirrorManifestView, versionText } from "./views.ts";

// What the static mirror holds, file by file, and what each file should be
// by the database: the same paths as the API's reads, the same bytes as its
// answers, and only what anyone may read. Private packages are never there,
// but for the commitments their changes are logged as, in the log's tiles.

/** A file each live version of a public package has in the mirror. */
interface VersionFile {
  /** Its name in the version's folder: `packages/{author}/{project}/{version}/{name}`. */
  name: string;
  type: Extract<MirrorFile["type"], "json" | "gzip">;
  /** Its bytes, which never change once the version is published. */
  content: (
    db: Database,
    pkg: PackageRecord,
    version: VersionSummaryRecord,
  ) => Uint8Array | undefined;
}

/**
 * The files of each version. One more kind of file is one more entry here:
 * every change to a version then queues it, checks and rebuilds cover it,
 * `mirror.json` lists it, and static servers and buckets serve it as lasting
 * for good.
 */
export const VERSION_FILES = {
  bundle: {
    name: "bundle",
    type: "gzip",
    content: (db, _pkg, version) => readBlob(db, version.sha256),
  },
  // None until its docs are made: a version published before docs were kept gets them later.
  docs: {
    name: "docs.json",
    type: "json",
    content: (db, pkg, version) => {
      const record = findVersion(db, pkg.id, version.versionKey);
      const docs = record && findVersionDocs(db, record.id);
      return docs?.made ? new TextEncoder().encode(docs.docsJson) : undefined;
    },
  },
} as const satisfies Record<string, VersionFile>;

export type VersionFileKind = keyof typeof VERSION_FILES;

/** The files of the mirror that a job brings up to date one at a time. */
type SingleFileKey =
  | { kind: "version_file"; file: VersionFileKind; packageId: number; versionKey: number }
  | { kind: "package_index"; packageId: number }
  | { kind: "package_list" }
  | { kind: "manifest" };

/** One file of the mirror, as a job, a check or a rebuild names it. */
export type MirrorFileKey =
  | SingleFileKey
  | { kind: "log_checkpoint" }
  /** A tile of the log, at the width it has. */
  | { kind: "log_tile"; tile: Tile };

/**
 * What a job brings up to date: one file, or the whole log (its new tiles,
 * then its checkpoint), which grows together.
 */
export type MirrorJobKey = SingleFileKey | { kind: "log" };

export const PACKAGE_LIST_PATH = MIRROR_PATHS.packageList;
export const MANIFEST_PATH = MIRROR_PATHS.manifest;

/** The paths files are at, for `mirror.json`. */
export const MIRROR_LAYOUT: readonly string[] = [
  PACKAGE_LIST_PATH,
  MIRROR_PATHS.packageIndex("{author}/{project}"),
  ...Object.values(VERSION_FILES).map((file) =>
    MIRROR_PATHS.versionFile("{author}/{project}", "{version}", file.name),
  ),
  LOG_CHECKPOINT_PATH,
  `${LOG_FOLDER}/tile/{level}/{index}`,
  `${LOG_FOLDER}/tile/entries/{index}`,
];

const isVersionFile = (file: string): file is VersionFileKind => Object.hasOwn(VERSION_FILES, file);

/** The key a job's row names, or undefined for a kind this registry does not know. */
export function fileKey(job: {
  file: string;
  packageId: number | undefined;
  versionKey: number | undefined;
}): MirrorJobKey | undefined {
  const { file, packageId, versionKey } = job;
  if (isVersionFile(file) && packageId !== undefined && versionKey !== undefined) {
    return { kind: "version_file", file, packageId, versionKey };
  }
  if (file === "package_index" && packageId !== undefined) return { kind: file, packageId };
  if (file === "package_list" || file === "manifest" || file === "log") return { kind: file };
  return undefined;
}

/** How a job's row names the file. */
export function fileColumns(key: MirrorJobKey): {
  file: string;
  packageId?: number;
  versionKey?: number;
} {
  switch (key.kind) {
    case "version_file":
      return { file: key.file, packageId: key.packageId, versionKey: key.versionKey };
    case "package_index":
      return { file: key.kind, packageId: key.packageId };
    default:
      return { file: key.kind };
  }
}

/** What a file should be: its bytes, or `undefined` when the mirror must not hold it. */
export interface WantedFile {
  path: string;
  file: MirrorFile | undefined;
}

const encoder = new TextEncoder();

const json = (path: string, text: string): MirrorFile => ({
  path,
  bytes: encoder.encode(text),
  type: "json",
  caching: "short-lived",
});

const versionFilePath = (pkg: PackageRecord, versionKey: number, file: VersionFileKind) =>
  MIRROR_PATHS.versionFile(
    formatPackageName(pkg.name),
    versionText(versionKey),
    VERSION_FILES[file].name,
  );

const indexPath = (pkg: PackageRecord) => MIRROR_PATHS.packageIndex(formatPackageName(pkg.name));

function versionFile(
  db: Database,
  pkg: PackageRecord,
  version: VersionSummaryRecord | undefined,
  kind: VersionFileKind,
): MirrorFile | undefined {
  if (pkg.private || version === undefined || version.revoked) return undefined;
  const file = VERSION_FILES[kind];
  const bytes = file.content(db, pkg, version);
  if (bytes === undefined) return undefined;
  return {
    path: versionFilePath(pkg, version.versionKey, kind),
    bytes,
    type: file.type,
    caching: "immutable",
  };
}

function requirePackage(db: Database, packageId: number): PackageRecord {
  const pkg = findPackageById(db, packageId);
  if (!pkg) throw new Error(`The mirror was asked about package ${packageId}, which is not there`);
  return pkg;
}

/**
 * What the file should be now, by the database. `change`: for `mirror.json`,
 * the public change the mirror is complete up to, when the caller knows it.
 */
export function wantedFile(
  db: Database,
  key: MirrorFileKey,
  at: number,
  change: number = lastPublicSeq(db),
): WantedFile {
  switch (key.kind) {
    case "version_file": {
      const pkg = requirePackage(db, key.packageId);
      const version = findVersion(db, pkg.id, key.versionKey);
      return {
        path: versionFilePath(pkg, key.versionKey, key.file),
        file: versionFile(db, pkg, version, key.file),
      };
    }
    case "package_index": {
      const pkg = requirePackage(db, key.packageId);
      const path = indexPath(pkg);
      return {
        path,
        file:
          pkg.private || pkg.head === undefined
            ? undefined
            : json(path, indexText(indexOf(db, pkg))),
      };
    }
    case "package_list":
      return {
        path: PACKAGE_LIST_PATH,
        file: json(PACKAGE_LIST_PATH, JSON.stringify(mirroredPackagesView(publicPackages(db)))),
      };
    case "manifest": {
      const packages = publicPackages(db);
      const manifest = mirrorManifestView({
        change,
        packages: packages.length,
        versions: packages.reduce((sum, pkg) => sum + (pkg.head?.liveVersions ?? 0), 0),
        files: MIRROR_LAYOUT,
        at,
      });
      return { path: MANIFEST_PATH, file: json(MANIFEST_PATH, JSON.stringify(manifest)) };
    }
    case "log_checkpoint": {
      const newest = newestCheckpoint(db);
      return { path: LOG_CHECKPOINT_PATH, file: newest && checkpointFile(newest) };
    }
    case "log_tile": {
      const size = newestCheckpoint(db)?.size ?? 0;
      return {
        path: logFilePath(key.tile),
        file: mayHoldTile(key.tile, size) ? tileFile(db, key.tile) : undefined,
      };
    }
  }
}

/**
 * A file the mirror may hold though the database would not write it now: a
 * partial tile of an older checkpoint, kept until its tile is full. Its key,
 * by which it is checked and kept, or undefined for any other path.
 */
export function toleratedFile(db: Database, path: string): MirrorFileKey | undefined {
  const tile = logTileAt(path);
  if (!tile || !mayHoldTile(tile, newestCheckpoint(db)?.size ?? 0)) return undefined;
  return { kind: "log_tile", tile };
}

/**
 * Every file the mirror should hold, by path: version files first, then the
 * log, then what points to them.
 */
export function expectedFiles(db: Database): Map<string, MirrorFileKey> {
  const files = new Map<string, MirrorFileKey>();
  const indexes = new Map<string, MirrorFileKey>();
  for (const pkg of publicPackages(db)) {
    for (const version of versionsOf(db, pkg.id)) {
      if (version.revoked) continue;
      for (const file of Object.keys(VERSION_FILES) as VersionFileKind[]) {
        files.set(versionFilePath(pkg, version.versionKey, file), {
          kind: "version_file",
          file,
          packageId: pkg.id,
          versionKey: version.versionKey,
        });
      }
    }
    indexes.set(indexPath(pkg), { kind: "package_index", packageId: pkg.id });
  }
  const newest = newestCheckpoint(db);
  if (newest) {
    for (const tile of tilesOf(newest.size))
      files.set(logFilePath(tile), { kind: "log_tile", tile });
    files.set(LOG_CHECKPOINT_PATH, { kind: "log_checkpoint" });
  }
  for (const [path, key] of indexes) files.set(path, key);
  files.set(PACKAGE_LIST_PATH, { kind: "package_list" });
  files.set(MANIFEST_PATH, { kind: "manifest" });
  return files;
}

/**
 * The files a change to one version of a public package touches, in the order
 * they should be written; a private package's change touches only the log.
 */
export function filesOfChange(
  change: { packageId: number; versionKey: number },
  isPrivate: boolean,
): MirrorJobKey[] {
  if (isPrivate) return [{ kind: "log" }];
  const { packageId, versionKey } = change;
  return [
    ...(Object.keys(VERSION_FILES) as VersionFileKind[]).map(
      (file): MirrorJobKey => ({ kind: "version_file", file, packageId, versionKey }),
    ),
    { kind: "log" },
    { kind: "package_index", packageId },
    { kind: "package_list" },
    { kind: "manifest" },
  ];
}
