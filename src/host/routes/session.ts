import type { FastifyPluginAsync } from "fastify";
import {
  collectConfirmedLogin,
  exchangeCode,
  fetchTokenHash,
  logout,
  requestLogin,
} from "../../core/sessions.ts";
import { looksLikeApiToken } from "../../core/tokenText.ts";
import { API } from "../../wire/routes.ts";
import { bearerToken, unauthenticated } from "../http/auth.ts";
import { answerFor, orAnswer } from "../http/coreErrors.ts";
import type { RouteContext } from "../http/routeContext.ts";
import { serve } from "../http/serveRoute.ts";

export const sessionRoutes: FastifyPluginAsync<RouteContext> = async (
  app,
  { ports, config, logins, auth },
) => {
  serve(app, API.startLogin, async (request) =>
    orAnswer(
      await requestLogin(ports, {
        email: request.body.email,
        client: request.ip,
        confirmationPage: `${config.publicUrl}/login/confirm`,
      }),
    ),
  );

  serve(
    app,
    API.finishLogin,
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
    // A body of the wrong shape fails like every other failure here, so the
    // answer never tells which part of a login attempt was wrong.
    { attachValidation: true },
  );

  serve(app, API.logout, async (request, reply) => {
    const token = bearerToken(request);
    // An API token is no session to end: the authenticator says so.
    if (token !== undefined && looksLikeApiToken(token)) auth.session(request);
    if (token === undefined || !logout(ports, token)) throw unauthenticated(token);
    return reply.code(204).send(null);
  });
};
