import type { Result } from "../result.ts";

/** A file of the static mirror, at a path relative to the mirror's root (`packages/acme/widgets/index`). */
export interface MirrorFile {
  path: string;
  bytes: Uint8Array;
  /** JSON text, or a gzip bundle: what a static server or a bucket answers it as. */
  type: "json" | "gzip";
  /**
   * Whether the file is ever written again with other bytes: indexes are,
   * bundles never. Caches keep the one briefly and the other for good.
   */
  changes: boolean;
}

/** Why the storage did not do what it was asked, in a sentence. */
export type MirrorFailure = string;

/**
 * Where the static mirror of the registry's public content lives: a directory
 * that a static server serves, or a bucket of any S3-compatible storage. Paths
 * are `/`-separated and relative; nothing else may write under its root.
 */
export interface Mirror {
  /** Where it is, for messages: `file:///srv/mirror`, `s3://bucket/prefix`. */
  readonly location: string;
  /** Writes the file whole: a reader sees the old bytes or the new ones, never a mixture. */
  write(file: MirrorFile): Promise<Result<void, MirrorFailure>>;
  /** Deletes the file; one that is not there is already deleted. */
  delete(path: string): Promise<Result<void, MirrorFailure>>;
  /** The path of every file the mirror holds. */
  list(): Promise<Result<string[], MirrorFailure>>;
  /** The file's bytes, or undefined when there is no such file. */
  read(path: string): Promise<Result<Uint8Array | undefined, MirrorFailure>>;
  close(): Promise<void>;
}
