import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { UnpackedGarbage } from "../../src/host/bundleReading/garbage.ts";
import { announcedUnpackedBytes } from "../../src/host/gzip.ts";

describe("a bundle reader's unpacked garbage", () => {
  it("is collected once past its limit, and counted afresh from there", () => {
    let collections = 0;
    const garbage = new UnpackedGarbage(1000, () => collections++);
    garbage.add(600);
    expect(collections).toBe(0);
    garbage.add(400);
    expect(collections).toBe(1);
    garbage.add(999);
    expect(collections).toBe(1);
    garbage.add(5000);
    expect(collections).toBe(2);
  });

  it("is counted by the size a gzip trailer announces", () => {
    const text = Buffer.from("module Probe exposing (..)\n".repeat(1000));
    expect(announcedUnpackedBytes(gzipSync(text))).toBe(text.length);
    expect(announcedUnpackedBytes(new Uint8Array([1, 2]))).toBe(0);
  });
});
