import swagger from "@fastify/swagger";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyServerOptions,
} from "fastify";
import { ErrorAnswer } from "./http/errorAnswer.ts";
import { readJsonBodiesStrictly } from "./http/jsonBodies.ts";
import {
  answerForFailure,
  answerUnmetExpectations,
  answerUnreadableRequest,
  answerUnroutableRequest,
  describeInvalidRequest,
  refuseAmbiguousHeaders,
} from "./http/malformedRequests.ts";
import { OneLinePerRequest, requestId, withIsoTimes } from "./http/requestLog.ts";
import type { RouteContext } from "./http/routeContext.ts";
import { cutStalledAnswers } from "./http/stalledAnswers.ts";
import { negotiateByAccept } from "./pages/negotiation.ts";
import { sitePages } from "./pages/routes.ts";
import { atomRoutes } from "./routes/atom.ts";
import { docsRoutes } from "./routes/docs.ts";
import { feedRoutes } from "./routes/feed.ts";
import { healthRoutes } from "./routes/health.ts";
import { logRoutes } from "./routes/log.ts";
import { OPENAPI, openApiRoutes } from "./routes/openApi.ts";
import { packageRoutes } from "./routes/packages.ts";
import { publishingIdentityRoutes } from "./routes/publishingIdentity.ts";
import { resolveRoutes } from "./routes/resolve.ts";
import { sessionRoutes } from "./routes/session.ts";
import { tokenRoutes } from "./routes/tokens.ts";
import { trustedPublisherRoutes } from "./routes/trustedPublishers.ts";
import { trustedPublishingRoutes } from "./routes/trustedPublishing.ts";
import { userRoutes } from "./routes/user.ts";
import { refuseWritesWhileDiverged } from "./transparencyLog/writeGuard.ts";

/** JSON bodies are small; only bundles (with their own limit) are large. */
export const JSON_BODY_LIMIT = 64 * 1024;

export interface ServerOptions extends RouteContext {
  logger: NonNullable<FastifyServerOptions["logger"]>;
}

export type App = ReturnType<typeof createApp>;

function createApp(options: ServerOptions) {
  return Fastify({
    logger: withIsoTimes(options.logger),
    genReqId: requestId,
    bodyLimit: JSON_BODY_LIMIT,
    // Names and addresses as long as the rules allow reach their routes, which explain what is wrong.
    routerOptions: { maxParamLength: 1024 },
    // A backstop for any request that takes too long to arrive; uploads have their own, shorter guard.
    requestTimeout: options.config.uploads.timeoutMs + 30_000,
    trustProxy: options.config.trustProxy,
    logController: new OneLinePerRequest({ requestIdLogLabel: "requestId" }),
    clientErrorHandler: answerUnreadableRequest,
    frameworkErrors: answerUnroutableRequest,
    // Requests that arrive while it closes are answered by the hook below, in the contract's form.
    return503OnClosing: false,
    // A request without a Host header is answered by the registry, with its error body.
    http: { requireHostHeader: false },
    ajv: { customOptions: { allErrors: false, coerceTypes: false, verbose: true } },
    schemaErrorFormatter: describeInvalidRequest,
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
  // The hooks every request passes take callbacks: a promise for each would cost more than their work.
  app.addHook("onSend", (_request, reply, payload, done) => {
    if (closing) reply.header("connection", "close");
    // No answer is to be read as anything but the type it says it is.
    reply.header("x-content-type-options", "nosniff");
    done(null, payload);
  });
  cutStalledAnswers(app, options.config.sendTimeoutMs);
  // Every answer names its request, as the request's log line does.
  app.addHook("onRequest", (request, reply, done) => {
    reply.header("x-request-id", request.id);
    if (closing) {
      done(
        new ErrorAnswer(
          "unavailable",
          "The registry is restarting or shutting down; ask again in a few seconds.",
          {},
          { connection: "close" },
        ),
      );
      return;
    }
    try {
      refuseAmbiguousHeaders(request);
    } catch (error) {
      done(error as Error);
      return;
    }
    done();
  });
  answerUnmetExpectations(app);
  refuseWritesWhileDiverged(app, options.checkpoints);

  app.setNotFoundHandler((request, reply) => {
    const answer = new ErrorAnswer(
      "not_found",
      `There is no ${request.method} ${request.url.split("?")[0]} here; see the API documentation for the routes.`,
    );
    void reply.code(answer.status).send(answer.body);
  });

  app.setErrorHandler((error: FastifyError | ErrorAnswer, request, reply) => {
    const answer = answerForFailure(error);
    if (answer.status >= 500) request.log.error({ err: error }, "request failed");
    void reply.code(answer.status).headers(answer.headers).send(answer.body);
  });

  readJsonBodiesStrictly(app);
  negotiateByAccept(app);
  app.register(swagger, OPENAPI);
  app.register(openApiRoutes);
  app.register(healthRoutes, options);
  app.register(sessionRoutes, options);
  app.register(userRoutes, options);
  app.register(publishingIdentityRoutes, options);
  app.register(tokenRoutes, options);
  app.register(trustedPublisherRoutes, options);
  app.register(trustedPublishingRoutes, options);
  app.register(packageRoutes, options);
  app.register(docsRoutes, options);
  app.register(atomRoutes, options);
  app.register(resolveRoutes, options);
  app.register(feedRoutes, options);
  app.register(logRoutes, options);
  app.register(sitePages, options);
  return app as FastifyInstance & App;
}
