import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { nodeGzip } from "../../src/host/gzip.ts";
import { gzipBomb } from "../support/bundles.ts";

const text = (value: string) => new TextEncoder().encode(value);

describe("the node:zlib gzip adapter", () => {
  it("gives back what was compressed", () => {
    const original = text('{"outline":{},"sources":{}}');
    const packed = new Uint8Array(gzipSync(original));
    expect(nodeGzip.gunzip(packed, 1024)).toEqual({ ok: true, bytes: original });
  });

  it("reads a header with a file name, a comment and extra fields", () => {
    const original = text("module Widgets exposing (..)");
    const packed = gzipSync(original);
    // FLG = FEXTRA | FNAME | FCOMMENT, then the fields in that order.
    const header = Buffer.from([...packed.subarray(0, 3), 4 | 8 | 16, ...packed.subarray(4, 10)]);
    const fields = Buffer.concat([
      Buffer.from([3, 0, 1, 2, 3]),
      Buffer.from("widgets.json\0"),
      Buffer.from("a comment\0"),
    ]);
    const withFields = new Uint8Array(Buffer.concat([header, fields, packed.subarray(10)]));
    expect(nodeGzip.gunzip(withFields, 1024)).toEqual({ ok: true, bytes: original });
  });

  it("refuses a second gzip member, and any byte after the first", () => {
    const first = gzipSync(text("{}"));
    for (const after of [gzipSync(text("{}")), Buffer.from([0]), Buffer.from("garbage")]) {
      const bytes = new Uint8Array(Buffer.concat([first, after]));
      expect(nodeGzip.gunzip(bytes, 1024)).toEqual({ ok: false, reason: "trailing_data" });
    }
  });

  it("calls gzip whose checksum or length does not match its data not gzip", () => {
    for (const at of [8, 4]) {
      const packed = new Uint8Array(gzipSync(text("module Widgets exposing (..)")));
      packed[packed.length - at]! ^= 0x01;
      expect(nodeGzip.gunzip(packed, 1024)).toEqual({ ok: false, reason: "not_gzip" });
    }
  });

  it("reads gzip made elsewhere, up to exactly the limit", () => {
    const packed = new Uint8Array(gzipSync(new Uint8Array(1000)));
    expect(nodeGzip.gunzip(packed, 1000)).toEqual({ ok: true, bytes: new Uint8Array(1000) });
    expect(nodeGzip.gunzip(packed, 999)).toEqual({ ok: false, reason: "too_large" });
  });

  it("calls empty input and other formats not gzip", () => {
    for (const bytes of [new Uint8Array(0), text("{}"), text("PK\u0003\u0004 a zip file")]) {
      expect(nodeGzip.gunzip(bytes, 1024)).toEqual({ ok: false, reason: "not_gzip" });
    }
  });

  it("calls gzip that stops early truncated", () => {
    const packed = gzipSync(text("module Widgets exposing (..)"));
    for (const length of [2, 10, packed.length - 1]) {
      expect(nodeGzip.gunzip(packed.subarray(0, length), 1024)).toEqual({
        ok: false,
        reason: "truncated",
      });
    }
  });

  it("calls gzip whose data is damaged not gzip", () => {
    const packed = new Uint8Array(gzipSync(text("module Widgets exposing (..)")));
    packed[packed.length - 6]! ^= 0xff;
    expect(nodeGzip.gunzip(packed, 1024)).toEqual({ ok: false, reason: "not_gzip" });
  });

  it("stops a gzip bomb at the limit", async () => {
    const bomb = await gzipBomb(20 * 1024 * 1024);
    expect(nodeGzip.gunzip(bomb, 64 * 1024)).toEqual({ ok: false, reason: "too_large" });
  });
});
