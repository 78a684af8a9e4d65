import { describe, expect, it } from "vitest";
import { PublicAnswers } from "../../src/host/http/publicAnswers.ts";

const answer = (packageKey: string, body: string) => ({
  packageKey,
  body,
  headers: { "content-type": "application/json" },
  etag: undefined,
});

describe("kept public answers", () => {
  it("do not keep an answer begun before its package changed", () => {
    const answers = new PublicAnswers(1024);
    const begun = answers.now;
    answers.forget(["acme/widgets"]);
    answers.keep("/packages/acme/widgets/latest", begun, answer("acme/widgets", '"1.0.0"'));
    expect(answers.find("/packages/acme/widgets/latest")).toBeUndefined();
    answers.keep("/packages/acme/gears/latest", begun, answer("acme/gears", '"2.0.0"'));
    expect(answers.find("/packages/acme/gears/latest")?.body.toString()).toBe('"2.0.0"');
    answers.keep("/packages/acme/widgets/latest", answers.now, answer("acme/widgets", '"1.1.0"'));
    expect(answers.find("/packages/acme/widgets/latest")?.body.toString()).toBe('"1.1.0"');
  });

  it("forget every answer about a package that changed, and only those", () => {
    const answers = new PublicAnswers(1024);
    answers.keep("/packages/acme/widgets", answers.now, answer("acme/widgets", "[]"));
    answers.keep("/packages/ACME/widgets/index", answers.now, answer("acme/widgets", "{}"));
    answers.keep("/packages/acme/gears", answers.now, answer("acme/gears", "[]"));
    answers.forget(["acme/widgets"]);
    expect(answers.find("/packages/acme/widgets")).toBeUndefined();
    expect(answers.find("/packages/ACME/widgets/index")).toBeUndefined();
    expect(answers.find("/packages/acme/gears")).toBeDefined();
  });

  it("forget the least recently read first once they hold more than their bytes", () => {
    const answers = new PublicAnswers(100);
    const body = "x".repeat(40);
    answers.keep("/a", answers.now, answer("a/a", body));
    answers.keep("/b", answers.now, answer("b/b", body));
    answers.find("/a");
    answers.keep("/c", answers.now, answer("c/c", body));
    expect(answers.find("/b")).toBeUndefined();
    expect(answers.find("/a")).toBeDefined();
    expect(answers.find("/c")).toBeDefined();
    answers.keep("/huge", answers.now, answer("h/h", "y".repeat(101)));
    expect(answers.find("/huge")).toBeUndefined();
  });
});
