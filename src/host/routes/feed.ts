import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { readFeed } from "../../core/feed.ts";
import { webhookStatus } from "../../core/webhooks.ts";
import { FeedPage, FeedQuery, LiveQuery, WebhookStatusList } from "../../wire/feed.ts";
import { SESSION_REQUIRED } from "../http/auth.ts";
import { orAnswer } from "../http/coreErrors.ts";
import { ERROR_RESPONSES } from "../http/errorAnswer.ts";
import type { RouteContext } from "../http/routeContext.ts";

export const feedRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (
  app,
  { ports, config, live, auth },
) => {
  app.get(
    "/feed",
    { schema: { querystring: FeedQuery, response: { 200: FeedPage, ...ERROR_RESPONSES } } },
    async (request) => {
      const { since, limit } = request.query;
      return orAnswer(
        readFeed(ports.db, Number(since ?? 0), limit === undefined ? undefined : Number(limit)),
      );
    },
  );

  app.get(
    "/feed/live",
    { websocket: true, schema: { querystring: LiveQuery } },
    (socket, request) => {
      const since = request.query.since === undefined ? live.now() : Number(request.query.since);
      void live.subscribe(socket, since);
    },
  );

  app.get(
    "/feed/webhooks",
    {
      schema: {
        security: SESSION_REQUIRED,
        response: { 200: WebhookStatusList, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const viewer = auth.user(request);
      const webhooks = webhookStatus(ports.db, viewer, {
        identity: config.operatorIdentity,
        urls: config.webhookUrls,
      });
      return { webhooks: orAnswer(webhooks) };
    },
  );
};
