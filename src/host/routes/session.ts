import { type FastifyPluginAsyncTypebox, Type } from "@fastify/type-provider-typebox";
import { exchangeCode, logout, requestLogin } from "../../core/sessions.ts";
import { CodeExchange, LoginRequest, LoginStarted, SessionCreated } from "../../wire/session.ts";
import { bearerToken, SESSION_REQUIRED, unauthenticated } from "../http/auth.ts";
import { answerFor, orAnswer } from "../http/coreErrors.ts";
import { ERROR_RESPONSES } from "../http/errorAnswer.ts";
import type { RouteContext } from "../http/routeContext.ts";

export const sessionRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (app, { ports }) => {
  app.post(
    "/session",
    { schema: { body: LoginRequest, response: { 200: LoginStarted, ...ERROR_RESPONSES } } },
    async (request) =>
      orAnswer(await requestLogin(ports, { email: request.body.email, client: request.ip })),
  );

  app.post(
    "/session/fetch",
    {
      // A body of the wrong shape fails like every other failure here, so the
      // answer never tells which part of a login attempt was wrong.
      attachValidation: true,
      schema: { body: CodeExchange, response: { 200: SessionCreated, ...ERROR_RESPONSES } },
    },
    async (request) => {
      if (request.validationError) throw answerFor({ kind: "invalid_code" });
      return orAnswer(
        exchangeCode(ports, {
          fetchSessionToken: request.body.fetchSessionToken,
          code: request.body.emailConfirmationCode,
        }),
      );
    },
  );

  app.delete(
    "/session",
    {
      schema: {
        security: SESSION_REQUIRED,
        response: { 204: Type.Null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const token = bearerToken(request);
      if (token === undefined || !logout(ports, token)) throw unauthenticated(token);
      return reply.code(204).send(null);
    },
  );
};
