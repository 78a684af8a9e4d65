import type { SwaggerOptions } from "@fastify/swagger";
import type { FastifyInstance } from "fastify";
import type { RawBody } from "../../wire/route.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    /**
     * A request body that is not JSON (a bundle), described for the OpenAPI
     * document only: the route reads it itself rather than validating it.
     */
    documentedBody?: RawBody;
  }
}

/** The OpenAPI document's frame; its paths come from the routes' own schemas. */
export const OPENAPI: SwaggerOptions = {
  transform: ({ schema, url, route }) => {
    const body = route.config?.documentedBody;
    if (!body || !schema) return { schema, url };
    const raw = { type: "string", format: "binary", description: body.description };
    if (body.multipart) {
      const { parts } = body.multipart;
      const content = {
        [body.contentType]: { schema: raw },
        "multipart/form-data": {
          schema: {
            type: "object",
            description: body.multipart.description,
            properties: Object.fromEntries(
              Object.entries(parts).map(([name, part]) => [
                name,
                { type: "string", format: "binary", description: part.description },
              ]),
            ),
            required: Object.keys(parts).filter((name) => parts[name]?.required),
          },
        },
      };
      return { url, schema: { ...schema, body: { content } } };
    }
    return {
      url,
      schema: { ...schema, consumes: [body.contentType], body: raw },
    };
  },
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
        apiToken: {
          type: "http",
          scheme: "bearer",
          description:
            "An API token (grenreg_…), made with POST /tokens or exchanged for a CI job's ID token: it may publish or revoke within its scopes.",
        },
      },
    },
  },
};

export async function openApiRoutes(app: FastifyInstance) {
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}
