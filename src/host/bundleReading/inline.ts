import type { BundleReader } from "../../ports/bundles.ts";
import { documentStored, readUpload } from "./reading.ts";

/** Reads bundles on the calling thread: for tools and tests that publish one at a time. */
export const inlineBundleReader: BundleReader = {
  read: (bytes, expected, dependencies, readme) =>
    readUpload(bytes, expected, async (asked) => dependencies(asked), readme),
  document: (bytes, stored, dependencies) =>
    documentStored(bytes, stored, async (asked) => dependencies(asked)),
};
