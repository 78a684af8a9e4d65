import type { FastifyPluginAsync } from "fastify";
import { createToken, listTokens, revokeToken } from "../../core/apiTokens.ts";
import { API } from "../../wire/routes.ts";
import { orAnswer } from "../http/coreErrors.ts";
import type { RouteContext } from "../http/routeContext.ts";
import { serve } from "../http/serveRoute.ts";

/** API tokens: a signed-in user's scoped, expiring credentials for machines. Made with a session only. */
export const tokenRoutes: FastifyPluginAsync<RouteContext> = async (
  app,
  { ports, auth, config, addressRanges },
) => {
  serve(app, API.createToken, async (request, reply) => {
    const user = auth.user(request);
    const created = await createToken(
      ports,
      user,
      {
        name: request.body.name,
        actions: request.body.actions,
        packages: request.body.packages,
        expiresInDays: request.body.expiresInDays,
        cidrs: request.body.cidrs,
      },
      { ranges: addressRanges, accountPage: `${config.publicUrl}/account` },
    );
    return reply.code(201).send(orAnswer(created));
  });

  serve(app, API.tokens, async (request) => ({ tokens: listTokens(ports, auth.user(request)) }));

  serve(app, API.revokeToken, async (request, reply) => {
    orAnswer(revokeToken(ports, auth.user(request), request.params.id));
    return reply.code(204).send(null);
  });
};
