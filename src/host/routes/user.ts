import { type FastifyPluginAsyncTypebox, Type } from "@fastify/type-provider-typebox";
import { userView } from "../../core/identities.ts";
import { endSession, listSessions } from "../../core/sessions.ts";
import { SessionList, SessionParams, UserView } from "../../wire/session.ts";
import { SESSION_REQUIRED } from "../http/auth.ts";
import { orAnswer } from "../http/coreErrors.ts";
import { ERROR_RESPONSES } from "../http/errorAnswer.ts";
import type { RouteContext } from "../http/routeContext.ts";

export const userRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, { ports, auth }) => {
  app.get(
    "/user",
    { schema: { security: SESSION_REQUIRED, response: { 200: UserView, ...ERROR_RESPONSES } } },
    async (request) => userView(ports.db, auth.user(request)),
  );

  app.get(
    "/user/sessions",
    { schema: { security: SESSION_REQUIRED, response: { 200: SessionList, ...ERROR_RESPONSES } } },
    async (request) => ({ sessions: listSessions(ports, auth.session(request), auth.policy) }),
  );

  app.delete(
    "/user/sessions/:id",
    {
      schema: {
        security: SESSION_REQUIRED,
        params: SessionParams,
        response: { 204: Type.Null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      orAnswer(endSession(ports, auth.user(request), request.params.id));
      return reply.code(204).send(null);
    },
  );
};
