import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bundleMismatch, etagSha256 } from "../../src/cli/bundleIntegrity.ts";

const bytes = new TextEncoder().encode("the published bundle");
const sha256 = createHash("sha256").update(bytes).digest("hex");

describe("checking a downloaded bundle", () => {
  it("accepts bytes whose sha256 is the published one and the ETag's", () => {
    expect(bundleMismatch(bytes, { sha256, etag: `"${sha256}"` })).toBeUndefined();
    expect(bundleMismatch(bytes, { sha256: sha256.toUpperCase(), etag: `W/"${sha256}"` })).toBe(
      undefined,
    );
    expect(bundleMismatch(bytes, { sha256, etag: null })).toBeUndefined();
  });

  it("refuses bytes that are not what was published", () => {
    const other = new TextEncoder().encode("something else");
    expect(bundleMismatch(other, { sha256, etag: `"${sha256}"` })).toMatch(
      new RegExp(`published with sha256 ${sha256}`),
    );
  });

  it("refuses bytes whose ETag names other bytes, or is not a sha256 at all", () => {
    const otherSha = "0".repeat(64);
    expect(bundleMismatch(bytes, { sha256, etag: `"${otherSha}"` })).toMatch(/tagged/);
    expect(bundleMismatch(bytes, { sha256, etag: '"v1"' })).toMatch(/tagged "v1"/);
  });

  it("reads the sha256 out of a strong or weak ETag", () => {
    expect(etagSha256(`"${sha256}"`)).toBe(sha256);
    expect(etagSha256(`W/"${sha256.toUpperCase()}"`)).toBe(sha256);
    expect(etagSha256(sha256)).toBeUndefined();
    expect(etagSha256(null)).toBeUndefined();
  });
});
