import type { FastifyInstance } from "fastify";
import { parseStrictJson, type StrictJsonError } from "../../core/strictJson.ts";
import { unreachable } from "../../result.ts";
import { ErrorAnswer } from "./errorAnswer.ts";

// Request bodies in JSON, read strictly: bytes that are not UTF-8 are refused
// rather than quietly replaced, and so are a key given twice, `__proto__`, and
// nesting no request needs.

const UTF8 = new TextDecoder("utf-8", { fatal: true });
const MAX_DEPTH = 8;
const MAX_KEYS = 1000;

function problem(error: StrictJsonError): string {
  switch (error.kind) {
    case "syntax":
      return `The request body is not valid JSON (${error.detail}).`;
    case "too_deep":
      return `The request body nests arrays and objects more than ${error.limit} deep.`;
    case "too_many_keys":
      return `The request body has more than ${error.limit} keys; no request needs that many.`;
    case "duplicate_key":
      return `The request body has the key "${error.key}" twice.`;
    case "forbidden_key":
      return `The request body has the key "${error.key}", which no request has.`;
    default:
      return unreachable(error);
  }
}

export function readJsonBodiesStrictly(app: FastifyInstance): void {
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (_request, body, done) => {
    let text: string;
    try {
      text = UTF8.decode(body as Buffer);
    } catch {
      done(new ErrorAnswer("invalid_request", "The request body is not valid UTF-8."), undefined);
      return;
    }
    if (text.trim() === "") {
      done(new ErrorAnswer("invalid_request", "The request body is empty; send JSON."), undefined);
      return;
    }
    const json = parseStrictJson(text, { maxDepth: MAX_DEPTH, maxKeys: MAX_KEYS });
    if (json.ok) done(null, json.value);
    else done(new ErrorAnswer("invalid_request", problem(json.error)), undefined);
  });
}
