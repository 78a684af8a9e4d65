import type { FastifyPluginAsync } from "fastify";
import { databaseAnswers } from "../../core/health.ts";
import { API } from "../../wire/routes.ts";
import { ErrorAnswer } from "../http/errorAnswer.ts";
import type { RouteContext } from "../http/routeContext.ts";
import { serve } from "../http/serveRoute.ts";

export const healthRoutes: FastifyPluginAsync<RouteContext> = async (app, { ports }) => {
  serve(app, API.health, async () => {
    if (!databaseAnswers(ports.db)) {
      throw new ErrorAnswer("unavailable", "The registry's database does not answer.", {
        status: "unavailable",
      });
    }
    return { status: "ok" as const };
  });
};
