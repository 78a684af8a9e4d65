import { type FastifyPluginAsyncTypebox, Type } from "@fastify/type-provider-typebox";
import { exchangeCode, logout, requestLogin } from "../../core/sessions.ts";
import { bearerToken, unauthenticated } from "../http/auth.ts";
import { codeExchangeProblem, loginRequestProblem } from "../http/failures.ts";
import type { ServerOptions } from "../server.ts";

export const sessionRoutes: FastifyPluginAsyncTypebox<ServerOptions> = async (app, { ports }) => {
  app.post(
    "/session",
    {
      schema: {
        body: Type.Object({ email: Type.String({ maxLength: 320 }) }),
        response: { 200: Type.Object({ fetchSessionToken: Type.String() }) },
      },
    },
    async (request) => {
      const result = await requestLogin(ports, { email: request.body.email, client: request.ip });
      if (!result.ok) throw loginRequestProblem(result.error);
      return result.value;
    },
  );

  app.post(
    "/session/fetch",
    {
      // A body of the wrong shape fails like every other failure here, so the
      // answer never tells which part of a login attempt was wrong.
      attachValidation: true,
      schema: {
        body: Type.Object({
          fetchSessionToken: Type.String({ maxLength: 200 }),
          emailConfirmationCode: Type.String({ maxLength: 200 }),
        }),
        response: { 200: Type.Object({ sessionToken: Type.String() }) },
      },
    },
    async (request) => {
      if (request.validationError) throw codeExchangeProblem({ kind: "invalid_code" });
      const result = exchangeCode(ports, {
        fetchSessionToken: request.body.fetchSessionToken,
        code: request.body.emailConfirmationCode,
      });
      if (!result.ok) throw codeExchangeProblem(result.error);
      return result.value;
    },
  );

  app.delete("/session", async (request, reply) => {
    const token = bearerToken(request);
    if (token === undefined || !logout(ports, token)) throw unauthenticated(token);
    return reply.code(204).send();
  });
};
