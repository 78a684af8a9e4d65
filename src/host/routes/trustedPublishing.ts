import type { FastifyPluginAsync } from "fastify";
import { exchangeIdToken } from "../../core/trustedPublishing.ts";
import { API } from "../../wire/routes.ts";
import { orAnswer } from "../http/coreErrors.ts";
import type { RouteContext } from "../http/routeContext.ts";
import { serve } from "../http/serveRoute.ts";

/**
 * Where a CI job trades its ID token for a short-lived publish token. The
 * token's audience must be the registry's public URL, which a client can ask
 * for first.
 */
export const trustedPublishingRoutes: FastifyPluginAsync<RouteContext> = async (
  app,
  { ports, config, idTokens },
) => {
  serve(app, API.publishingAudience, async () => ({ audience: config.publicUrl }));

  serve(app, API.exchangeIdToken, async (request, reply) => {
    const exchanged = await exchangeIdToken(ports, idTokens, request.body.token, config.publicUrl);
    return reply.code(201).send(orAnswer(exchanged));
  });
};
