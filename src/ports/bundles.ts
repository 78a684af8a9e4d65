import type { PackageName } from "../gren/names.ts";
import type { Outline } from "../gren/outline.ts";
import type { Version } from "../gren/semver.ts";
import type { JsonObject } from "../gren/wording.ts";
import type { Result } from "../result.ts";

export interface Bundle {
  outline: Outline;
  /** The outline exactly as uploaded, to serve back as the `outline` of the version's metadata. */
  outlineJson: JsonObject;
  /** Every module the bundle has a source for, kernel modules included. */
  modules: string[];
  /** Of the bytes as uploaded, which are stored and served unchanged. */
  sha256: string;
}

/** What the upload's URL and the registry's settings say the bundle must be. */
export interface BundleExpectation {
  name: PackageName;
  version: Version;
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
 * Reads and checks an uploaded bundle by the core's rules (`readBundle`),
 * wherever the host chooses to run them: unpacking and parsing half a
 * megabyte is work to keep off the thread that answers requests.
 */
export interface BundleReader {
  read(bytes: Uint8Array, expected: BundleExpectation): Promise<Result<Bundle, BundleRejection>>;
}
