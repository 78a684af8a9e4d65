import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { nodeGzip } from "../../src/host/gzip.ts";
import { gzipBomb } from "../support/bundles.ts";

const text = (value: string) => new TextEncoder().encode(value);

describe("the node:zlib gzip adapter", () => {
  it("gives back what it compressed", async () => {
    const original = text('{"outline":{},"sources":{}}');
    const packed = await nodeGzip.gzip(original);
    expect(await nodeGzip.gunzip(packed, 1024)).toEqual({ ok: true, bytes: original });
  });

  it("reads gzip made elsewhere, up to exactly the limit", async () => {
    const packed = new Uint8Array(gzipSync(new Uint8Array(1000)));
    expect(await nodeGzip.gunzip(packed, 1000)).toEqual({ ok: true, bytes: new Uint8Array(1000) });
    expect(await nodeGzip.gunzip(packed, 999)).toEqual({ ok: false, reason: "too_large" });
  });

  it("calls empty input and other formats not gzip", async () => {
    for (const bytes of [new Uint8Array(0), text("{}"), text("PK\u0003\u0004 a zip file")]) {
      expect(await nodeGzip.gunzip(bytes, 1024)).toEqual({ ok: false, reason: "not_gzip" });
    }
  });

  it("calls gzip that stops early truncated", async () => {
    const packed = gzipSync(text("module Widgets exposing (..)"));
    for (const length of [2, 10, packed.length - 1]) {
      expect(await nodeGzip.gunzip(packed.subarray(0, length), 1024)).toEqual({
        ok: false,
        reason: "truncated",
      });
    }
  });

  it("calls gzip whose data is damaged not gzip", async () => {
    const packed = new Uint8Array(gzipSync(text("module Widgets exposing (..)")));
    packed[packed.length - 6]! ^= 0xff;
    expect(await nodeGzip.gunzip(packed, 1024)).toEqual({ ok: false, reason: "not_gzip" });
  });

  it("stops a gzip bomb at the limit", async () => {
    const bomb = await gzipBomb(20 * 1024 * 1024);
    expect(await nodeGzip.gunzip(bomb, 64 * 1024)).toEqual({ ok: false, reason: "too_large" });
  });
});
