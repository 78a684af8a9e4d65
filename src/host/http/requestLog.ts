import { randomUUID } from "node:crypto";
import {
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
  LogController,
} from "fastify";

// The request log: one JSON line per request, with ISO 8601 times and the
// request's id, which its answer carries too (X-Request-Id).

/** A client's own request id is kept when it is a plain token, so logs can be joined up. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

export function requestId(request: {
  headers: Record<string, string | string[] | undefined>;
}): string {
  const given = request.headers["x-request-id"];
  return typeof given === "string" && CLIENT_REQUEST_ID.test(given) ? given : randomUUID();
}

type Logger = NonNullable<FastifyServerOptions["logger"]>;

/** The logger's settings with ISO 8601 times instead of milliseconds since the epoch. */
export const withIsoTimes = (logger: Logger): Logger =>
  typeof logger === "object"
    ? { ...logger, timestamp: () => `,"time":"${new Date().toISOString()}"` }
    : logger;

/** The log line's own fields, for every way a request ends. */
const lineOf = (request: FastifyRequest, reply: FastifyReply) => ({
  method: request.method,
  url: request.url,
  status: reply.statusCode,
  ms: Math.round(reply.elapsedTime * 10) / 10,
  client: request.ip,
});

/** Answers cut short by the server, whose line is written when it cuts them. */
const cut = new WeakSet<FastifyReply>();

/** Writes the line of an answer the server is cutting short, saying why. */
export function answerCut(request: FastifyRequest, reply: FastifyReply, reason: string): void {
  cut.add(reply);
  reply.log.info({ ...lineOf(request, reply), reason }, "request");
}

/** One structured log line per request, written when it ends, instead of Fastify's two. */
export class OneLinePerRequest extends LogController {
  override incomingRequest() {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ) {
    const line = lineOf(request, reply);
    if (error) reply.log.error({ ...line, err: error }, "request");
    else reply.log.info(line, "request");
  }

  /** A streamed answer that ended before all of it was sent: its request's one line. */
  override streamError(error: Error, request: FastifyRequest, reply: FastifyReply) {
    if (cut.has(reply)) return;
    const line = lineOf(request, reply);
    if ((error as { code?: string }).code === "ERR_STREAM_PREMATURE_CLOSE") {
      reply.log.info(
        { ...line, reason: "the connection closed before the answer was sent" },
        "request",
      );
    } else {
      reply.log.warn({ ...line, err: error }, "request");
    }
  }
}
