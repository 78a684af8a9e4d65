import type { FastifyPluginAsync } from "fastify";
import { resolveDependencies } from "../../core/resolution.ts";
import { API } from "../../wire/routes.ts";
import { orAnswer } from "../http/coreErrors.ts";
import type { RouteContext } from "../http/routeContext.ts";
import { serve } from "../http/serveRoute.ts";

export const resolveRoutes: FastifyPluginAsync<RouteContext> = async (app, { ports, auth }) => {
  serve(app, API.resolve, async (request) => {
    const viewer = auth.viewer(request);
    return orAnswer(await resolveDependencies(ports, request.body, viewer));
  });
};
