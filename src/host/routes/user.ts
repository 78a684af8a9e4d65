import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { userView } from "../../core/identities.ts";
import { UserView } from "../../wire/session.ts";
import { bearerToken, requireUser, SESSION_REQUIRED } from "../http/auth.ts";
import { ERROR_RESPONSES } from "../http/errorAnswer.ts";
import type { RouteContext } from "../http/routeContext.ts";

export const userRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, { ports }) => {
  app.get(
    "/user",
    {
      schema: {
        security: SESSION_REQUIRED,
        response: { 200: UserView, ...ERROR_RESPONSES },
      },
    },
    async (request) => userView(ports.db, requireUser(ports, bearerToken(request))),
  );
};
