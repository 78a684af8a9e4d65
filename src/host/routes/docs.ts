import type { FastifyPluginAsync } from "fastify";
import { versionDocsJson } from "../../core/documentation.ts";
import { versionReadme } from "../../core/readme.ts";
import type { DocsJson } from "../../wire/docs.ts";
import { API } from "../../wire/routes.ts";
import { versionAddressOf } from "../http/addresses.ts";
import { orAnswer } from "../http/coreErrors.ts";
import { matchesEtag } from "../http/etags.ts";
import type { RouteContext } from "../http/routeContext.ts";
import { serve } from "../http/serveRoute.ts";

// A version's API and documentation as the compiler's docs.json, made once
// when the version was published, and its README as it was sent beside the
// bundle: each sent as stored, byte for byte.

export const docsRoutes: FastifyPluginAsync<RouteContext> = async (app, { ports, auth }) => {
  serve(app, API.docsJson, async (request, reply) => {
    const viewer = auth.viewer(request);
    const docs = orAnswer(versionDocsJson(ports.db, versionAddressOf(request), viewer));
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
    return reply.type("application/json; charset=utf-8").send(docs.docsJson as unknown as DocsJson);
  });

  serve(app, API.readme, async (request, reply) => {
    const viewer = auth.viewer(request);
    const readme = orAnswer(versionReadme(ports.db, versionAddressOf(request), viewer));
    const etag = `"readme-${readme.sha256}"`;
    void reply
      .header("etag", etag)
      // A version's README never changes, but goes when the version is revoked.
      .header("cache-control", readme.private ? "private, no-cache" : "public, max-age=300");
    if (matchesEtag(request.headers["if-none-match"], etag)) return reply.code(304).send(null);
    return reply.type("text/markdown; charset=utf-8").send(readme.markdown);
  });
};
