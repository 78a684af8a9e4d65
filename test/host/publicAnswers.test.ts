import { describe, expect, it } from "vitest";
import { PublicAnswers } from "../../src/host/http/publicAnswers.ts";

const answer = (body: string) => ({ body, headers: { "content-type": "application/json" } });

describe("kept public answers", () => {
  it("do not keep an answer made before a change that committed while it was made", () => {
    const answers = new PublicAnswers(1024);
    const madeIn = answers.generation;
    answers.forget();
    answers.keep("/packages/acme/widgets/latest", madeIn, answer('{"version":"1.0.0"}'));
    expect(answers.find("/packages/acme/widgets/latest")).toBeUndefined();
    answers.keep(
      "/packages/acme/widgets/latest",
      answers.generation,
      answer('{"version":"1.1.0"}'),
    );
    expect(answers.find("/packages/acme/widgets/latest")?.body).toBe('{"version":"1.1.0"}');
  });

  it("forget the least recently read first once they hold more than their bytes", () => {
    const answers = new PublicAnswers(100);
    const body = "x".repeat(40);
    answers.keep("/a", answers.generation, answer(body));
    answers.keep("/b", answers.generation, answer(body));
    answers.find("/a");
    answers.keep("/c", answers.generation, answer(body));
    expect(answers.find("/b")).toBeUndefined();
    expect(answers.find("/a")).toBeDefined();
    expect(answers.find("/c")).toBeDefined();
    answers.keep("/huge", answers.generation, answer("y".repeat(101)));
    expect(answers.find("/huge")).toBeUndefined();
  });
});
