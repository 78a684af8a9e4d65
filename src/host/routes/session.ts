import { type FastifyPluginAsyncTypebox, Type } from "@fastify/type-provider-typebox";
import {
  collectConfirmedLogin,
  exchangeCode,
  fetchTokenHash,
  logout,
  requestLogin,
} from "../../core/sessions.ts";
import { looksLikeApiToken } from "../../core/tokenText.ts";
import {
  CodeExchange,
  LoginRequest,
  LoginStarted,
  LoginWaiting,
  SessionCreated,
} from "../../wire/session.ts";
import { bearerToken, SESSION_REQUIRED, unauthenticated } from "../http/auth.ts";
import { answerFor, orAnswer } from "../http/coreErrors.ts";
import { ERROR_RESPONSES } from "../http/errorAnswer.ts";
import type { RouteContext } from "../http/routeContext.ts";

export const sessionRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (
  app,
  { ports, config, logins, auth },
) => {
  app.post(
    "/session",
    { schema: { body: LoginRequest, response: { 200: LoginStarted, ...ERROR_RESPONSES } } },
    async (request) =>
      orAnswer(
        await requestLogin(ports, {
          email: request.body.email,
          client: request.ip,
          confirmationPage: `${config.publicUrl}/login/confirm`,
        }),
      ),
  );

  app.post(
    "/session/fetch",
    {
      // A body of the wrong shape fails like every other failure here, so the
      // answer never tells which part of a login attempt was wrong.
      attachValidation: true,
      schema: {
        body: CodeExchange,
        response: { 200: SessionCreated, 202: LoginWaiting, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      if (request.validationError) throw answerFor({ kind: "invalid_code" });
      const { fetchSessionToken, emailConfirmationCode } = request.body;
      if (emailConfirmationCode !== undefined) {
        return orAnswer(exchangeCode(ports, { fetchSessionToken, code: emailConfirmationCode }));
      }
      // Without a code: the session comes once the mailed link is confirmed,
      // which this answer waits for, a bounded time.
      let collected = collectConfirmedLogin(ports, fetchSessionToken);
      if (!collected.ok && collected.error.kind === "not_confirmed") {
        await logins.wait(fetchTokenHash(ports, fetchSessionToken), config.loginWaitMs);
        collected = collectConfirmedLogin(ports, fetchSessionToken);
      }
      if (!collected.ok && collected.error.kind === "not_confirmed") {
        return reply
          .code(202)
          .header("retry-after", "0")
          .send({
            status: "waiting" as const,
            message: "The login has not been confirmed by the link in the mail yet; ask again.",
          });
      }
      return orAnswer(collected);
    },
  );

  app.delete(
    "/session",
    { schema: { security: SESSION_REQUIRED, response: { 204: Type.Null(), ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const token = bearerToken(request);
      // An API token is no session to end: the authenticator says so.
      if (token !== undefined && looksLikeApiToken(token)) auth.session(request);
      if (token === undefined || !logout(ports, token)) throw unauthenticated(token);
      return reply.code(204).send(null);
    },
  );
};
