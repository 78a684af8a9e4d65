import type { FastifyPluginAsync } from "fastify";
import { userView } from "../../core/identities.ts";
import { endSession, listSessions } from "../../core/sessions.ts";
import { API } from "../../wire/routes.ts";
import { orAnswer } from "../http/coreErrors.ts";
import type { RouteContext } from "../http/routeContext.ts";
import { serve } from "../http/serveRoute.ts";

export const userRoutes: FastifyPluginAsync<RouteContext> = async (app, { ports, auth }) => {
  serve(app, API.user, async (request) => userView(ports.db, auth.user(request)));

  serve(app, API.sessions, async (request) => ({
    sessions: listSessions(ports, auth.session(request), auth.policy),
  }));

  serve(app, API.endSession, async (request, reply) => {
    orAnswer(endSession(ports, auth.user(request), request.params.id));
    return reply.code(204).send(null);
  });
};
