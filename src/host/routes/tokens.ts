import { type FastifyPluginAsyncTypebox, Type } from "@fastify/type-provider-typebox";
import { createToken, listTokens, revokeToken } from "../../core/apiTokens.ts";
import { CreateToken, TokenCreated, TokenList, TokenParams } from "../../wire/tokens.ts";
import { SESSION_REQUIRED } from "../http/auth.ts";
import { orAnswer } from "../http/coreErrors.ts";
import { ERROR_RESPONSES } from "../http/errorAnswer.ts";
import type { RouteContext } from "../http/routeContext.ts";

/** API tokens: a signed-in user's scoped, expiring credentials for machines. Made with a session only. */
export const tokenRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (
  app,
  { ports, auth, config, addressRanges },
) => {
  app.post(
    "/tokens",
    {
      schema: {
        security: SESSION_REQUIRED,
        body: CreateToken,
        response: { 201: TokenCreated, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
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
    },
  );

  app.get(
    "/tokens",
    { schema: { security: SESSION_REQUIRED, response: { 200: TokenList, ...ERROR_RESPONSES } } },
    async (request) => ({ tokens: listTokens(ports, auth.user(request)) }),
  );

  app.delete(
    "/tokens/:id",
    {
      schema: {
        security: SESSION_REQUIRED,
        params: TokenParams,
        response: { 204: Type.Null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      orAnswer(revokeToken(ports, auth.user(request), request.params.id));
      return reply.code(204).send(null);
    },
  );
};
