import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ENTRY_OVERHEAD_BYTES, PublicAnswers } from "../../src/host/http/publicAnswers.ts";

const answer = (packageKey: string, body: string) => ({
  packageKey,
  body,
  headers: { "content-type": "application/json" },
  etag: undefined,
});

describe("kept public answers", () => {
  it("do not keep an answer begun before its package changed", () => {
    const answers = new PublicAnswers(64 * 1024, 0);
    const begun = answers.now;
    answers.forget([{ packageKey: "acme/widgets", changeSeq: 1 }]);
    answers.keep("/packages/acme/widgets/latest", begun, answer("acme/widgets", '"1.0.0"'));
    expect(answers.find("/packages/acme/widgets/latest")).toBeUndefined();
    answers.keep("/packages/acme/gears/latest", begun, answer("acme/gears", '"2.0.0"'));
    expect(answers.find("/packages/acme/gears/latest")?.body.toString()).toBe('"2.0.0"');
    answers.keep("/packages/acme/widgets/latest", answers.now, answer("acme/widgets", '"1.1.0"'));
    expect(answers.find("/packages/acme/widgets/latest")?.body.toString()).toBe('"1.1.0"');
  });

  it("count many small answers by what holding each costs, not by their bytes alone", () => {
    const answers = new PublicAnswers(100 * ENTRY_OVERHEAD_BYTES, 0);
    for (let i = 0; i < 1000; i++) {
      answers.keep(`/packages/acme/p${i}/latest`, answers.now, answer(`acme/p${i}`, '"1.0.0"'));
    }
    const kept = Array.from({ length: 1000 }, (_, i) => `/packages/acme/p${i}/latest`).filter(
      (url) => answers.find(url) !== undefined,
    );
    expect(kept.length).toBeLessThan(100);
    expect(kept).toContain("/packages/acme/p999/latest");
  });

  it("make a gzipped copy of answers worth compressing once, under its own tag", () => {
    const answers = new PublicAnswers(64 * 1024, 0);
    const list = JSON.stringify(Array.from({ length: 200 }, (_, i) => `1.0.${i}`));
    answers.keep("/packages/acme/widgets", answers.now, {
      ...answer("acme/widgets", list),
      etag: '"abc"',
    });
    answers.keep("/packages/acme/gears/latest", answers.now, answer("acme/gears", '"1.0.0"'));
    const kept = answers.find("/packages/acme/widgets")!;
    expect(gunzipSync(answers.gzipped("/packages/acme/widgets", kept)!).toString()).toBe(list);
    expect(answers.find("/packages/acme/widgets")!.gzipped).toBeDefined();
    expect(kept.etags).toEqual({ plain: '"abc"', gzipped: '"abc-gzip"' });
    const small = answers.find("/packages/acme/gears/latest")!;
    expect(answers.gzipped("/packages/acme/gears/latest", small)).toBeNull();
  });

  it("forget every answer about a package that changed, and only those", () => {
    const answers = new PublicAnswers(64 * 1024, 0);
    answers.keep("/packages/acme/widgets", answers.now, answer("acme/widgets", "[]"));
    answers.keep("/packages/ACME/widgets/index", answers.now, answer("acme/widgets", "{}"));
    answers.keep("/packages/acme/gears", answers.now, answer("acme/gears", "[]"));
    answers.forget([{ packageKey: "acme/widgets", changeSeq: 7 }]);
    expect(answers.find("/packages/acme/widgets")).toBeUndefined();
    expect(answers.find("/packages/ACME/widgets/index")).toBeUndefined();
    expect(answers.find("/packages/acme/gears")).toBeDefined();
  });

  it("keep page content for the state it was rendered from, and render it again after a change", () => {
    const answers = new PublicAnswers(64 * 1024, 0);
    let renders = 0;
    const render = () => ({ prerendered: `<p>${++renders}</p>` });
    const widgets = { packageKey: "acme/widgets", changeSeq: 3 };
    expect(answers.content("acme/widgets@1.0.0", widgets, render).prerendered).toBe("<p>1</p>");
    expect(answers.content("acme/widgets@1.0.0", widgets, render).prerendered).toBe("<p>1</p>");
    answers.forget([{ packageKey: "acme/widgets", changeSeq: 5 }]);
    const changed = { packageKey: "acme/widgets", changeSeq: 5 };
    expect(answers.content("acme/widgets@1.0.0", changed, render).prerendered).toBe("<p>2</p>");
    // Rendered from a state older than the one told of: shown, but never kept.
    expect(answers.content("acme/widgets@1.0.1", widgets, render).prerendered).toBe("<p>3</p>");
    expect(answers.content("acme/widgets@1.0.1", changed, render).prerendered).toBe("<p>4</p>");
    expect(answers.content("acme/widgets@1.0.0", changed, render).prerendered).toBe("<p>2</p>");
  });

  it("forget the least recently read first once they hold more than their bytes", () => {
    // Room for two of these answers, not three.
    const size = ENTRY_OVERHEAD_BYTES + 2 + 40;
    const answers = new PublicAnswers(2 * size + 10, 0);
    const body = "x".repeat(40);
    answers.keep("/a", answers.now, answer("a/a", body));
    answers.keep("/b", answers.now, answer("b/b", body));
    answers.find("/a");
    answers.keep("/c", answers.now, answer("c/c", body));
    expect(answers.find("/b")).toBeUndefined();
    expect(answers.find("/a")).toBeDefined();
    expect(answers.find("/c")).toBeDefined();
    answers.keep("/huge", answers.now, answer("h/h", "y".repeat(2 * size)));
    expect(answers.find("/huge")).toBeUndefined();
    expect(answers.find("/a")).toBeDefined();
  });
});
