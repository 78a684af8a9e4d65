import type { BundleReader } from "../../ports/bundles.ts";
import { ok } from "../../result.ts";
import { compareStored, documentStored, readUpload } from "./reading.ts";

/** Reads bundles on the calling thread: for tools and tests that publish one at a time. */
export const inlineBundleReader: BundleReader = {
  read: (bytes, expected, dependencies, extras) =>
    readUpload(bytes, expected, async (asked) => dependencies(asked), extras),
  compare: async (older, newer) => ok(compareStored(older, newer)),
  document: (bytes, stored, dependencies) =>
    documentStored(bytes, stored, async (asked) => dependencies(asked)),
};
