import type { SwaggerOptions } from "@fastify/swagger";
import type { FastifyInstance } from "fastify";

/** The OpenAPI document's frame; its paths come from the routes' own schemas. */
export const OPENAPI: SwaggerOptions = {
  openapi: {
    openapi: "3.1.0",
    info: {
      title: "The Gren package registry",
      description:
        "Publishes and serves packages of the Gren programming language. Errors answer `{code, message}`.",
      version: "1",
    },
    components: {
      securitySchemes: {
        session: {
          type: "http",
          scheme: "bearer",
          description: "The session token from logging in by an emailed code.",
        },
      },
    },
  },
};

export async function openApiRoutes(app: FastifyInstance) {
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}
