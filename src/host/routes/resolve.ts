import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { resolveDependencies } from "../../core/resolution.ts";
import { Resolution, ResolutionRequest } from "../../wire/resolve.ts";
import { SESSION_OPTIONAL } from "../http/auth.ts";
import { orAnswer } from "../http/coreErrors.ts";
import { ERROR_RESPONSES } from "../http/errorAnswer.ts";
import type { RouteContext } from "../http/routeContext.ts";

export const resolveRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (
  app,
  { ports, auth },
) => {
  app.post(
    "/resolve",
    {
      schema: {
        security: SESSION_OPTIONAL,
        body: ResolutionRequest,
        response: { 200: Resolution, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const viewer = auth.viewer(request);
      return orAnswer(await resolveDependencies(ports, request.body, viewer));
    },
  );
};
