import websocket from "@fastify/websocket";
import type { FastifyPluginAsync } from "fastify";
import { readFeed } from "../../core/feed.ts";
import { webhookStatus } from "../../core/webhooks.ts";
import { quote } from "../../gren/wording.ts";
import { API } from "../../wire/routes.ts";
import { orAnswer } from "../http/coreErrors.ts";
import { ErrorAnswer } from "../http/errorAnswer.ts";
import type { RouteContext } from "../http/routeContext.ts";
import { serve } from "../http/serveRoute.ts";

export const feedRoutes: FastifyPluginAsync<RouteContext> = async (
  app,
  { ports, config, live, auth },
) => {
  // Here only: the plugin wraps every route of the context it is registered in.
  await app.register(websocket, { options: { maxPayload: 4096 } });

  serve(app, API.feed, async (request) => {
    const { since, limit } = request.query;
    return orAnswer(
      readFeed(ports.db, Number(since ?? 0), limit === undefined ? undefined : Number(limit)),
    );
  });

  serve(
    app,
    API.liveFeed,
    async () => {
      throw new ErrorAnswer(
        "invalid_request",
        "The live feed is a WebSocket: connect with one (Upgrade: websocket), or read GET /feed.",
      );
    },
    {
      // Checked before the upgrade, so a client that speaks another WebSocket
      // gets the contract's error body rather than the WebSocket library's page.
      preValidation: async (request) => {
        const version = request.headers["sec-websocket-version"];
        if (request.headers.upgrade !== undefined && version !== "13") {
          throw new ErrorAnswer(
            "invalid_request",
            `The live feed speaks WebSocket version 13, not ${version === undefined ? "none" : quote(String(version))}.`,
          );
        }
      },
      wsHandler: (socket, request) => {
        const { since } = request.query as { since?: string };
        void live.subscribe(socket, since === undefined ? live.now() : Number(since));
      },
    },
  );

  serve(app, API.webhooks, async (request) => {
    const viewer = auth.user(request);
    const webhooks = webhookStatus(ports.db, viewer, {
      identity: config.operatorIdentity,
      urls: config.webhookUrls,
    });
    return { webhooks: orAnswer(webhooks) };
  });
};
