import formbody from "@fastify/formbody";
import { type FastifyPluginAsyncTypebox, Type } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import { createToken, listTokens, revokeToken } from "../../core/apiTokens.ts";
import { userView } from "../../core/identities.ts";
import { type Authenticated, endSession, listSessions } from "../../core/sessions.ts";
import type { TokenCreated } from "../../wire/tokens.ts";
import { answerFor } from "../http/coreErrors.ts";
import { ErrorAnswer } from "../http/errorAnswer.ts";
import type { RouteContext } from "../http/routeContext.ts";
import { accountPage } from "./accountPage.ts";
import { NO_FORM_GUARD } from "./forms.ts";
import { SESSION_COOKIE } from "./loginPages.ts";
import { PAGE } from "./negotiation.ts";
import { ACCOUNT_PATH } from "./paths.ts";
import { sendPage } from "./sendPage.ts";

// The account page and its forms, one POST handler each. Each form answers by
// going back to the page, or by showing it again with what went wrong; a new
// token is shown on the page the form answers with, never in an address.

const hidden = { hide: true };
const IdForm = Type.Object({ id: Type.String({ maxLength: 100 }) });
const TokenForm = Type.Object({
  name: Type.String({ maxLength: 200 }),
  actions: Type.Optional(
    Type.Union([
      Type.String({ maxLength: 50 }),
      Type.Array(Type.String({ maxLength: 50 }), { maxItems: 10 }),
    ]),
  ),
  packages: Type.String({ maxLength: 2000 }),
  expiresInDays: Type.Optional(Type.String({ maxLength: 10 })),
  cidrs: Type.Optional(Type.String({ maxLength: 2000 })),
});

/** Words separated by spaces, commas or lines, as people type lists into one field. */
export const listed = (text: string | undefined): string[] =>
  (text ?? "").split(/[\s,]+/).filter((item) => item !== "");

export const accountRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (
  app,
  { ports, auth, config, addressRanges },
) => {
  await app.register(formbody);

  /** The browser's session; a page for someone logged out says to log in. */
  const session = (request: FastifyRequest): Authenticated => {
    const cookie = request.cookies[SESSION_COOKIE];
    if (!cookie) {
      throw new ErrorAnswer("unauthenticated", "Log in to see your account.");
    }
    return auth.session(request, cookie);
  };

  const show = (
    reply: FastifyReply,
    asking: Authenticated,
    extra: { created?: TokenCreated; problem?: string } = {},
    status = 200,
  ) =>
    sendPage(
      reply,
      accountPage({
        user: userView(ports.db, asking.user),
        sessions: listSessions(ports, asking, auth.policy),
        tokens: listTokens(ports, asking.user),
        guard: NO_FORM_GUARD,
        ...extra,
      }),
      status,
    );

  app.get(ACCOUNT_PATH, { constraints: PAGE, schema: hidden }, async (request, reply) => {
    if (!request.cookies[SESSION_COOKIE]) return reply.redirect("/login", 303);
    return show(reply, session(request));
  });

  app.post(
    `${ACCOUNT_PATH}/sessions/end`,
    { schema: { ...hidden, body: IdForm } },
    async (request, reply) => {
      const asking = session(request);
      const ended = endSession(ports, asking.user, request.body.id);
      if (!ended.ok) return show(reply, asking, { problem: answerFor(ended.error).message }, 404);
      return reply.redirect(ACCOUNT_PATH, 303);
    },
  );

  app.post(
    `${ACCOUNT_PATH}/tokens`,
    { schema: { ...hidden, body: TokenForm } },
    async (request, reply) => {
      const asking = session(request);
      const { body } = request;
      const days = body.expiresInDays?.trim();
      const created = await createToken(
        ports,
        asking.user,
        {
          name: body.name,
          actions: typeof body.actions === "string" ? [body.actions] : (body.actions ?? []),
          packages: listed(body.packages),
          expiresInDays: days ? Number(days) : undefined,
          cidrs: listed(body.cidrs),
        },
        { ranges: addressRanges, accountPage: `${config.publicUrl}${ACCOUNT_PATH}` },
      );
      if (!created.ok) {
        const answer = answerFor(created.error);
        return show(reply, asking, { problem: answer.message }, answer.status);
      }
      return show(reply, asking, { created: created.value }, 201);
    },
  );

  app.post(
    `${ACCOUNT_PATH}/tokens/revoke`,
    { schema: { ...hidden, body: IdForm } },
    async (request, reply) => {
      const asking = session(request);
      const revoked = revokeToken(ports, asking.user, request.body.id);
      if (!revoked.ok)
        return show(reply, asking, { problem: answerFor(revoked.error).message }, 404);
      return reply.redirect(ACCOUNT_PATH, 303);
    },
  );
};
