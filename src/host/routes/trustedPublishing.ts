import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { exchangeIdToken } from "../../core/trustedPublishing.ts";
import { Audience, IdTokenExchange, PublishToken } from "../../wire/trustedPublishing.ts";
import { orAnswer } from "../http/coreErrors.ts";
import { ERROR_RESPONSES } from "../http/errorAnswer.ts";
import type { RouteContext } from "../http/routeContext.ts";

/**
 * Where a CI job trades its ID token for a short-lived publish token. The
 * token's audience must be the registry's public URL, which a client can ask
 * for first.
 */
export const trustedPublishingRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (
  app,
  { ports, config, idTokens },
) => {
  app.get(
    "/trusted-publishing/audience",
    { schema: { response: { 200: Audience, ...ERROR_RESPONSES } } },
    async () => ({ audience: config.publicUrl }),
  );

  app.post(
    "/trusted-publishing/exchange",
    {
      schema: {
        body: IdTokenExchange,
        response: { 201: PublishToken, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const exchanged = await exchangeIdToken(
        ports,
        idTokens,
        request.body.token,
        config.publicUrl,
      );
      return reply.code(201).send(orAnswer(exchanged));
    },
  );
};
