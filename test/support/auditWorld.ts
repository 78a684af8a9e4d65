import { connect } from "node:net";
import { expect } from "vitest";
import { ERROR_STATUS } from "../../src/wire/errors.ts";

// What the audits share: requests sent byte for byte (paths and headers that
// fetch would mend or refuse), and the one check every failure answer passes.

export interface RawAnswer {
  status: number;
  /** Header names in lower case; repeated headers joined with ", ". */
  headers: Record<string, string>;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/**
 * Sends `head` (a request line and headers, without the blank line that ends
 * them) and `body` over a fresh connection, exactly as given, and reads the
 * answer until the server closes the connection or has sent its whole body.
 */
export function rawRequest(
  registry: { url: string },
  head: string,
  body: string | Uint8Array = "",
): Promise<RawAnswer> {
  const url = new URL(registry.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = () => {
      if (settled) return;
      const answer = parseAnswer(Buffer.concat(chunks));
      if (answer === undefined) return;
      settled = true;
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(10_000, () => {
      settled = true;
      socket.destroy();
      reject(new Error(`no answer to ${JSON.stringify(head.slice(0, 200))}`));
    });
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      finish();
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      if (settled) return;
      const answer = parseAnswer(Buffer.concat(chunks), true);
      settled = true;
      if (answer) resolve(answer);
      else reject(new Error(`the connection closed without an answer to ${head.slice(0, 200)}`));
    });
    socket.write(`${head}\r\n\r\n`);
    if (body.length > 0) socket.write(body);
  });
}

/** The answer in `bytes`, once complete (or, at the connection's end, whatever arrived). */
function parseAnswer(bytes: Buffer, ended = false): RawAnswer | undefined {
  const end = bytes.indexOf("\r\n\r\n");
  if (end < 0) return undefined;
  const [statusLine = "", ...lines] = bytes.subarray(0, end).toString("latin1").split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  let body = bytes.subarray(end + 4);
  if (headers["transfer-encoding"]?.includes("chunked")) {
    const decoded = dechunk(body);
    if (decoded === undefined && !ended) return undefined;
    body = decoded ?? body;
  } else if (headers["content-length"] !== undefined) {
    const length = Number(headers["content-length"]);
    if (body.length < length && !ended) return undefined;
    body = body.subarray(0, length);
  } else if (!ended) {
    return undefined;
  }
  const text = body.toString("utf8");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status, headers, text, json };
}

/** A chunked body's content, or undefined while its last chunk has not arrived. */
function dechunk(body: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf("\r\n", at);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(body.subarray(at, lineEnd).toString("latin1"), 16);
    if (Number.isNaN(size)) return undefined;
    if (size === 0) return Buffer.concat(parts);
    const start = lineEnd + 2;
    if (body.length < start + size + 2) return undefined;
    parts.push(body.subarray(start, start + size));
    at = start + size + 2;
  }
}

/**
 * Control characters (a line feed, a NUL, an escape that drives a terminal)
 * and the marks that reorder text (a right-to-left override) echoed from a
 * request belong escaped in a message, if anywhere: clients print messages.
 */
const hasUnprintable = (text: string): boolean =>
  [...text].some((char) => {
    const code = char.codePointAt(0)!;
    return (
      code < 0x20 ||
      (code >= 0x7f && code < 0xa0) ||
      (code >= 0x202a && code <= 0x202e) ||
      (code >= 0x2066 && code <= 0x2069)
    );
  });

/** Codes that may carry `problems`, as the contract says. */
const WITH_PROBLEMS = new Set(["invalid_bundle", "conflict"]);

/** A message is one sentence a person can act on: one line, ending as a sentence ends. */
export const isSentence = (text: unknown): boolean =>
  typeof text === "string" &&
  text.length > 10 &&
  text.length <= 2000 &&
  !hasUnprintable(text) &&
  /^\S/.test(text) &&
  /[.!?)]$/.test(text);

/**
 * What is wrong with a failure answer, by the contract: a 4xx whose body is
 * exactly `{code, message}` (plus `problems` for invalid_bundle and conflict,
 * `suggestions` for not_found, `revoked` for gone and conflict),
 * the code one the contract lists with this very status, the message a
 * sentence, each problem a sentence. Empty when nothing is.
 */
export function contractViolations(status: number, body: unknown): string[] {
  const violations: string[] = [];
  if (!(status >= 400 && status < 500)) violations.push(`the status is ${status}, not a 4xx`);
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return [...violations, `the body is not a JSON object: ${JSON.stringify(body)}`];
  }
  const { code, message, problems, ...rest } = body as Record<string, unknown>;
  if (typeof code !== "string" || !(code in ERROR_STATUS)) {
    violations.push(`the code ${JSON.stringify(code)} is not one of the contract's`);
  } else if (ERROR_STATUS[code as keyof typeof ERROR_STATUS] !== status) {
    violations.push(`the code ${code} comes with ${status}`);
  }
  if (!isSentence(message))
    violations.push(`the message ${JSON.stringify(message)} is no sentence`);
  if (problems !== undefined) {
    if (!WITH_PROBLEMS.has(String(code))) violations.push(`${code} carries problems`);
    // A bundle's problems are one sentence each; a clash names packages and ranges, one a line.
    const fits =
      code === "invalid_bundle"
        ? isSentence
        : (problem: unknown) => typeof problem === "string" && /^[^\r\n]+$/.test(problem);
    if (!Array.isArray(problems) || problems.length === 0 || !problems.every(fits)) {
      violations.push(`the problems ${JSON.stringify(problems)} are not what ${code} lists`);
    }
  }
  const { suggestions, revoked, ...others } = rest;
  if (suggestions !== undefined) {
    if (code !== "not_found") violations.push(`${code} carries suggestions`);
    if (!Array.isArray(suggestions) || !suggestions.every((name) => typeof name === "string")) {
      violations.push(`the suggestions ${JSON.stringify(suggestions)} are not names`);
    }
  }
  if (revoked !== undefined) {
    if (code !== "gone" && code !== "conflict") violations.push(`${code} carries revoked`);
    const { at, reason } = (revoked ?? {}) as { at?: unknown; reason?: unknown };
    if (typeof at !== "string" || typeof reason !== "string") {
      violations.push(`the revocation ${JSON.stringify(revoked)} is not {at, reason}`);
    }
  }
  const extra = Object.keys(others);
  if (extra.length > 0) violations.push(`the body has fields beyond the contract: ${extra}`);
  return violations;
}

/** Asserts the answer is one of the contract's failures, with the status expected. */
export function expectContractFailure(
  answer: { status: number; body: unknown },
  expected: { status: number; code?: string },
): void {
  expect(contractViolations(answer.status, answer.body)).toEqual([]);
  expect(answer.status).toBe(expected.status);
  if (expected.code) expect((answer.body as { code?: string }).code).toBe(expected.code);
}
