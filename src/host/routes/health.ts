import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { databaseAnswers } from "../../core/health.ts";
import { Health } from "../../wire/health.ts";
import { ERROR_RESPONSES, ErrorAnswer } from "../http/errorAnswer.ts";
import type { RouteContext } from "../http/routeContext.ts";

export const healthRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, { ports }) => {
  app.get("/health", { schema: { response: { 200: Health, ...ERROR_RESPONSES } } }, async () => {
    if (!databaseAnswers(ports.db)) {
      throw new ErrorAnswer("unavailable", "The registry's database does not answer.", {
        status: "unavailable",
      });
    }
    return { status: "ok" as const };
  });
};
