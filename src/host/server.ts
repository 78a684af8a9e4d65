import { randomUUID } from "node:crypto";
import swagger from "@fastify/swagger";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import websocket from "@fastify/websocket";
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
  LogController,
} from "fastify";
import { ErrorAnswer } from "./http/errorAnswer.ts";
import type { RouteContext } from "./http/routeContext.ts";
import { feedRoutes } from "./routes/feed.ts";
import { healthRoutes } from "./routes/health.ts";
import { OPENAPI, openApiRoutes } from "./routes/openApi.ts";
import { packageRoutes } from "./routes/packages.ts";
import { publishingIdentityRoutes } from "./routes/publishingIdentity.ts";
import { sessionRoutes } from "./routes/session.ts";
import { userRoutes } from "./routes/user.ts";

/** JSON bodies are small; only bundles (with their own limit) are large. */
export const JSON_BODY_LIMIT = 64 * 1024;

export interface ServerOptions extends RouteContext {
  logger: NonNullable<FastifyServerOptions["logger"]>;
}

export type App = ReturnType<typeof createApp>;

/** One structured log line per request, written when it ends, instead of Fastify's two. */
class OneLinePerRequest extends LogController {
  override incomingRequest() {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ) {
    const line = {
      requestId: request.id,
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

/** A client's own request id is kept when it is a plain token, so logs can be joined up. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

function requestId(request: { headers: Record<string, string | string[] | undefined> }): string {
  const given = request.headers["x-request-id"];
  return typeof given === "string" && CLIENT_REQUEST_ID.test(given) ? given : randomUUID();
}

function createApp(options: ServerOptions) {
  return Fastify({
    logger:
      typeof options.logger === "object"
        ? { ...options.logger, timestamp: () => `,"time":"${new Date().toISOString()}"` }
        : options.logger,
    genReqId: requestId,
    requestIdLogLabel: "requestId",
    bodyLimit: JSON_BODY_LIMIT,
    trustProxy: options.config.trustProxy,
    logController: new OneLinePerRequest(),
    return503OnClosing: true,
    ajv: { customOptions: { allErrors: false, coerceTypes: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
}

export function buildServer(options: ServerOptions): FastifyInstance & App {
  const app = createApp(options);

  // Answers finished during shutdown close their connection, so a keep-alive
  // client does not hold the server open until its idle timeout.
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  app.addHook("onSend", async (_request, reply) => {
    if (closing) reply.header("connection", "close");
  });
  // Every answer names its request, as the request's log line does.
  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });

  app.setNotFoundHandler((request, reply) => {
    const answer = new ErrorAnswer(
      "not_found",
      `There is no ${request.method} ${request.url.split("?")[0]} here; see the API documentation for the routes.`,
    );
    void reply.code(answer.status).send(answer.body);
  });

  app.setErrorHandler((error: FastifyError | ErrorAnswer, request, reply) => {
    const answer = toAnswer(error);
    if (answer.status >= 500) request.log.error({ err: error }, "request failed");
    void reply.code(answer.status).headers(answer.headers).send(answer.body);
  });

  app.register(swagger, OPENAPI);
  app.register(websocket, { options: { maxPayload: 4096 } });
  app.register(openApiRoutes);
  app.register(healthRoutes, options);
  app.register(sessionRoutes, options);
  app.register(userRoutes, options);
  app.register(publishingIdentityRoutes, options);
  app.register(packageRoutes, options);
  app.register(feedRoutes, options);
  return app as FastifyInstance & App;
}

/** Turns anything a route or Fastify itself threw into the contract's error body. */
function toAnswer(error: FastifyError | ErrorAnswer): ErrorAnswer {
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
