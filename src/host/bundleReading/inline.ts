import { readBundle } from "../../core/bundle.ts";
import type { BundleReader } from "../../ports/bundles.ts";
import { nodeDigest } from "../digest.ts";
import { nodeGzip } from "../gzip.ts";

/** Reads bundles on the calling thread: for tools and tests that publish one at a time. */
export const inlineBundleReader: BundleReader = {
  read: async (bytes, expected) =>
    readBundle({ gzip: nodeGzip, digest: nodeDigest }, bytes, expected),
};
