import type { ComparedApis } from "../gren/apiComparison.ts";
import type { ModuleProblem } from "../gren/docs/module.ts";
import type { DependencyApi, TypeHome } from "../gren/docs/packageDocs.ts";
import type { PackageName } from "../gren/names.ts";
import type { Outline } from "../gren/outline.ts";
import type { Version } from "../gren/semver.ts";
import type { JsonObject } from "../gren/wording.ts";
import type { Result } from "../result.ts";

export interface Bundle {
  outline: Outline;
  /** Its API and documentation, made while it was read. */
  docs: VersionDocs;
  /** The outline exactly as uploaded, to serve back as the `outline` of the version's metadata. */
  outlineJson: JsonObject;
  /** Every module the bundle has a source for, kernel modules included. */
  modules: string[];
  /** Of the bytes as uploaded, which are stored and served unchanged. */
  sha256: string;
  /** The README sent beside the bundle, when one was. */
  readme: ReadmeDocs | undefined;
  /** Its API compared with the one the reader was given to compare it with, if any. */
  compared?: ComparedApis;
}

/** A README as sent (UTF-8 Markdown), its digest, and the same rendered once for the package's page. */
export interface ReadmeDocs {
  markdown: string;
  sha256: string;
  html: string;
}

/** What the upload's URL and the registry's settings say the bundle must be. */
export interface BundleExpectation {
  name: PackageName;
  /** Undefined when any version will do: a bundle checked, not published. */
  version: Version | undefined;
  /** The most bytes the bundle may decompress to. */
  maxUnpackedBytes: number;
  /** Whether the publishing identity is one the operator allows to publish kernel code. */
  kernelAllowed: boolean;
}

/**
 * - `too_large_unpacked`: the bundle decompresses to more than `limit` bytes,
 *   which the contract answers like an oversized upload: 413 `payload_too_large`.
 * - `invalid`: 400 `invalid_bundle` with these `problems`, one sentence each,
 *   and the outline when it could be read all the same: the registry checks
 *   its dependencies too, so that one answer lists every problem.
 */
export type BundleRejection =
  | { kind: "too_large_unpacked"; limit: number }
  | { kind: "invalid"; problems: string[]; outline?: Outline };

/**
 * A version's API and documentation, made once from its bundle: everything
 * the package website and docs.json read of it afterwards.
 */
export interface VersionDocs {
  /** docs.json as served, byte for byte: every type fully qualified. */
  docsJson: string;
  /** Each documented module's page content (its doc comment and entries), rendered. */
  pages: Record<string, string>;
  /** For each module a type in docs.json comes from, the package version that defines it. */
  typeHomes: Record<string, TypeHome>;
  /** Each exposed module's exposed types: what the package's dependents may import. */
  exposedTypes: Record<string, string[]>;
  /** What the docs reader could not make sense of; never a reason to refuse the bundle. */
  problems: ModuleProblem[];
}

/**
 * The stored APIs of a package's dependencies, for the versions it builds
 * against. Asked by a reader once it has read the outline, and answered on
 * the thread that holds the database.
 */
export type DependencyApis = (
  dependencies: readonly { name: string; range: string }[],
) => DependencyApi[];

/** A version's API as stored: its docs.json text, every type qualified. */
export type StoredApi = string;

/** A version already published, documented again from its stored bundle. */
export interface StoredBundle {
  name: string;
  version: string;
  maxUnpackedBytes: number;
}

/** What comes with an upload besides its bundle. */
export interface UploadExtras {
  /** The README sent beside the bundle, to be read and rendered with it. */
  readme?: Uint8Array | undefined;
  /** The API of the version it bumps, to compare its own with. */
  compareWith?: StoredApi | undefined;
}

/**
 * Reads and checks an uploaded bundle by the core's rules (`readBundle`), and
 * documents it, wherever the host chooses to run them: unpacking, parsing and
 * rendering half a megabyte is work to keep off the thread that answers requests.
 */
export interface BundleReader {
  read(
    bytes: Uint8Array,
    expected: BundleExpectation,
    dependencies: DependencyApis,
    extras?: UploadExtras,
  ): Promise<Result<Bundle, BundleRejection>>;
  /**
   * Compares two versions' stored APIs; gives why not when the comparison
   * breaks the readers' time or memory.
   */
  compare(older: StoredApi, newer: StoredApi): Promise<Result<ComparedApis, string>>;
  /**
   * Documents a stored bundle, published before the registry kept docs;
   * gives why not when its docs break the registry's limits.
   */
  document(
    bytes: Uint8Array,
    stored: StoredBundle,
    dependencies: DependencyApis,
  ): Promise<Result<VersionDocs, string[]>>;
}

export type { ComparedApis, DependencyApi, ModuleProblem, TypeHome };
