import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@fastify/type-provider-typebox";
import { versionDocsJson } from "../../core/documentation.ts";
import { DocsJson } from "../../wire/docs.ts";
import { VersionParams } from "../../wire/packages.ts";
import { SESSION_OPTIONAL } from "../http/auth.ts";
import { orAnswer } from "../http/coreErrors.ts";
import { ERROR_RESPONSES } from "../http/errorAnswer.ts";
import { matchesEtag } from "../http/etags.ts";
import type { RouteContext } from "../http/routeContext.ts";

// A version's API and documentation as the compiler's docs.json: made once
// when the version was published, and sent as stored, byte for byte.

export const docsRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, context) => {
  const { ports, auth } = context;

  app.get(
    "/packages/:author/:project/:version/docs.json",
    {
      schema: {
        description:
          "The version's documentation as the compiler's `gren docs` writes it, every type fully qualified. The same bytes every time; a revoked version answers 410, like its bundle.",
        security: SESSION_OPTIONAL,
        params: VersionParams,
        response: {
          200: DocsJson,
          304: Type.Null({ description: "The docs.json the client has is the one named" }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request, reply) => {
      const viewer = auth.viewer(request);
      const docs = orAnswer(versionDocsJson(ports.db, request.params, viewer));
      // The bundle's digest names the docs too: they are made from it, once.
      const etag = `"docs-${docs.sha256}"`;
      void reply
        .header("etag", etag)
        // A version's docs never change; private ones must not sit in shared caches.
        .header(
          "cache-control",
          docs.private ? "private, no-cache" : "public, max-age=31536000, immutable",
        );
      if (matchesEtag(request.headers["if-none-match"], etag)) return reply.code(304).send(null);
      // Sent as stored: a string with a JSON type goes out as it is, not serialized again.
      return reply
        .type("application/json; charset=utf-8")
        .send(docs.docsJson as unknown as DocsJson);
    },
  );
};
