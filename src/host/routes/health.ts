import type { FastifyInstance } from "fastify";
import { databaseAnswers } from "../../core/health.ts";
import { Problem } from "../http/problem.ts";
import type { ServerOptions } from "../server.ts";

export async function healthRoutes(app: FastifyInstance, { ports }: ServerOptions) {
  app.get("/health", async (_request, reply) => {
    if (!databaseAnswers(ports.db)) {
      const problem = new Problem("unavailable", "The registry's database does not answer.", {
        status: "unavailable",
      });
      return reply.code(problem.status).send(problem.body);
    }
    return { status: "ok" };
  });
}
