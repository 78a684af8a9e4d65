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

/** One structured log line per request, written when it ends, instead of Fastify's two. */
export class OneLinePerRequest extends LogController {
  override incomingRequest() {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ) {
    const line = {
      method: request.method,
      url: request.url,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      client: request.ip,
    };
    if (error) reply.log.error({ ...line, err: error }, "request");
    else reply.log.info(line, "request");
  }
}
