import { randomUUID } from "node:crypto";
import type { Socket } from "node:net";
import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifySchemaValidationError,
} from "fastify";
import { quote } from "../../gren/wording.ts";
import { ErrorAnswer } from "./errorAnswer.ts";

// Requests that never reach a route: rejected by Node's HTTP parser, by
// Fastify's router, or by its body parsers and schema validation. Each still
// gets the contract's `{code, message}` and a line in the request log.

/** What Node's HTTP parser could not read: answered on the raw socket. */
export function answerUnreadableRequest(
  this: FastifyInstance,
  error: Error & { code?: string },
  socket: Socket,
): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const answer =
    error.code === "HPE_HEADER_OVERFLOW"
      ? new ErrorAnswer(
          "invalid_request",
          "The request's headers are larger than the registry reads (16 KiB in all).",
        )
      : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? new ErrorAnswer("invalid_request", "The request took too long to arrive.")
        : new ErrorAnswer("invalid_request", "The request is not HTTP the registry can read.");
  const requestId = randomUUID();
  this.log.info(
    {
      requestId,
      status: answer.status,
      client: socket.remoteAddress,
      reason: error.code ?? error.message,
    },
    "request",
  );
  if (socket.writable) {
    const body = JSON.stringify(answer.body);
    socket.write(
      `HTTP/1.1 ${answer.status} Bad Request\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/**
 * Headers whose meaning Node would quietly choose for us: a second
 * Authorization (Node keeps the first and drops the other), and no Host in
 * HTTP/1.1, which the protocol requires.
 */
export function refuseAmbiguousHeaders(request: FastifyRequest): void {
  // Node keeps the first of two Authorization headers and drops the other, so
  // only the raw list shows them. Counted in a loop: this runs for every request.
  const raw = request.raw.rawHeaders;
  let authorizations = 0;
  for (let index = 0; index < raw.length; index += 2) {
    if (raw[index]!.length === 13 && raw[index]!.toLowerCase() === "authorization")
      authorizations++;
  }
  if (authorizations > 1) {
    throw new ErrorAnswer(
      "invalid_request",
      "The request has two Authorization headers; send one session token.",
    );
  }
  if (request.raw.httpVersion === "1.1" && request.headers.host === undefined) {
    throw new ErrorAnswer(
      "invalid_request",
      "The request has no Host header, which HTTP/1.1 needs.",
    );
  }
}

/** An `Expect` the registry cannot meet: Node would answer 417 with no body. */
export function answerUnmetExpectations(app: FastifyInstance): void {
  app.server.on("checkExpectation", (request, response) => {
    const answer = new ErrorAnswer(
      "invalid_request",
      `The request expects ${quote(String(request.headers.expect))}, which the registry does not do; send it without that Expect header.`,
    );
    const requestId = randomUUID();
    app.log.info(
      { requestId, status: answer.status, url: request.url, reason: "expect" },
      "request",
    );
    response.writeHead(answer.status, {
      "content-type": "application/json; charset=utf-8",
      "x-request-id": requestId,
      connection: "close",
    });
    response.end(JSON.stringify(answer.body));
  });
}

/** What Fastify's router refuses before any route: a URL it cannot decode, a part too long. */
export function answerUnroutableRequest(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  const answer =
    error.code === "FST_ERR_MAX_PARAM_LENGTH"
      ? new ErrorAnswer(
          "invalid_request",
          "A part of the path is longer than any name or version the registry holds.",
        )
      : new ErrorAnswer(
          "invalid_request",
          "The path is not a valid URL: it has a broken %-escape or a character that must be escaped.",
        );
  void reply.code(answer.status).send(answer.body);
}

/**
 * A sentence for what a request's schema refused. Where the schema describes
 * what a value must be, that description is the sentence; otherwise Ajv's.
 */
export function describeInvalidRequest(
  errors: FastifySchemaValidationError[],
  dataVar: string,
): Error {
  const [first] = errors;
  const where = `${dataVar}${first?.instancePath ?? ""}`;
  const described = (first as { parentSchema?: { description?: string } } | undefined)?.parentSchema
    ?.description;
  const what =
    first?.keyword === "pattern" && described
      ? `must be ${described}`
      : (first?.message ?? "is not valid");
  return new Error(`${where} ${what}`);
}

/** Turns anything a route or Fastify itself threw into the contract's error body. */
export function answerForFailure(error: FastifyError | ErrorAnswer): ErrorAnswer {
  if (error instanceof ErrorAnswer) return error;
  if (error.validation) {
    return new ErrorAnswer("invalid_request", `The request is not valid: ${error.message}.`);
  }
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new ErrorAnswer(
        "payload_too_large",
        "The request body is larger than this route accepts.",
      );
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new ErrorAnswer("invalid_request", "The request body is not valid JSON.");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new ErrorAnswer(
        "invalid_request",
        "The request body's Content-Type is not one this route accepts (JSON bodies are application/json).",
      );
  }
  if (error instanceof SyntaxError) {
    return new ErrorAnswer("invalid_request", "The request body is not valid JSON.");
  }
  const status = error.statusCode ?? 500;
  if (status === 413) return new ErrorAnswer("payload_too_large", "The request body is too large.");
  if (status >= 400 && status < 500)
    return new ErrorAnswer("invalid_request", `The request is not valid: ${error.message}.`);
  return new ErrorAnswer(
    "internal",
    "Something went wrong on the registry's side; try again, and report it if it persists.",
  );
}
