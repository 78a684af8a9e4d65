// Where the static mirror keeps each file, relative to its root: the layout
// the registry writes and clients read, declared once for both.

/** Where the mirror's files are, relative to its root; names as registered, versions as 1.2.3. */
export const MIRROR_PATHS = {
  manifest: "mirror.json",
  packageList: "packages/index",
  packageIndex: (name: string): string => `packages/${name}/index`,
  versionFile: (name: string, version: string, file: string): string =>
    `packages/${name}/${version}/${file}`,
} as const;

/** The transparency log's folder, in the layout of c2sp.org/tlog-tiles. */
export const LOG_FOLDER = "log";
/** The newest checkpoint, the very note `GET /log/checkpoint` answers. */
export const LOG_CHECKPOINT_PATH = `${LOG_FOLDER}/checkpoint`;
