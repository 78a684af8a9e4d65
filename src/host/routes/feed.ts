import { type FastifyPluginAsyncTypebox, Type } from "@fastify/type-provider-typebox";
import { authorize } from "../../core/access.ts";
import { FEED_LIMIT, readFeed } from "../../core/feed.ts";
import { webhookStatus } from "../../core/webhooks.ts";
import { bearerToken, requireUser } from "../http/auth.ts";
import { Problem } from "../http/problem.ts";
import type { ServerOptions } from "../server.ts";

const Seq = Type.String({ pattern: "^[0-9]{1,15}$" });
const Event = Type.Object({
  seq: Type.Integer(),
  type: Type.String(),
  name: Type.String(),
  version: Type.String(),
  at: Type.String(),
});

export const feedRoutes: FastifyPluginAsyncTypebox<ServerOptions> = async (
  app,
  { ports, config, live },
) => {
  app.get(
    "/feed",
    {
      schema: {
        querystring: Type.Object({ since: Type.Optional(Seq), limit: Type.Optional(Seq) }),
        response: { 200: Type.Object({ events: Type.Array(Event), next: Type.Integer() }) },
      },
    },
    async (request) => {
      const limit =
        request.query.limit === undefined ? FEED_LIMIT.default : Number(request.query.limit);
      if (limit < 1 || limit > FEED_LIMIT.max) {
        throw new Problem("invalid_request", `limit must be from 1 to ${FEED_LIMIT.max}.`);
      }
      return readFeed(ports.db, Number(request.query.since ?? 0), limit);
    },
  );

  app.get(
    "/feed/live",
    { websocket: true, schema: { querystring: Type.Object({ since: Type.Optional(Seq) }) } },
    (socket, request) => {
      const since = request.query.since === undefined ? live.now() : Number(request.query.since);
      void live.subscribe(socket, since);
    },
  );

  app.get("/feed/webhooks", async (request) => {
    const viewer = requireUser(ports, bearerToken(request));
    const access = authorize(ports.db, config.operatorIdentity, viewer, "read_operations");
    if (!access.ok) {
      throw new Problem(
        "forbidden",
        `Webhook deliveries are shown to admins of the operator identity "${config.operatorIdentity}" only.`,
      );
    }
    return { webhooks: webhookStatus(ports.db, config.webhookUrls) };
  });
};
