import type { Result } from "../result.ts";

/** A file of the static mirror, at a path relative to the mirror's root (`packages/acme/widgets/index`). */
export interface MirrorFile {
  path: string;
  bytes: Uint8Array;
  /**
   * What a static server or a bucket answers it as: JSON text, a gzip bundle,
   * plain text (the log's checkpoint), or bytes (the log's tiles).
   */
  type: "json" | "gzip" | "text" | "binary";
  /**
   * How long caches may keep it: bundles and the log's tiles never change, so
   * for good; indexes change with each publication, so a minute; the log's
   * checkpoint changes as often, and is checked each time, so that it is
   * never older than an index listing a version it must prove.
   */
  caching: "immutable" | "short-lived" | "revalidate";
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
  /** The path of every file the mirror holds, or of those in one folder (`log/tile/0/005.p`) and below. */
  list(folder?: string): Promise<Result<string[], MirrorFailure>>;
  /** The file's bytes, or undefined when there is no such file. */
  read(path: string): Promise<Result<Uint8Array | undefined, MirrorFailure>>;
  close(): Promise<void>;
}
