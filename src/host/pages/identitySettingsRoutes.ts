import formbody from "@fastify/formbody";
import { type FastifyPluginAsyncTypebox, Type } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import { providerNamed } from "../../core/ciProviders.ts";
import type { User } from "../../core/sessions.ts";
import {
  addTrustedPublisher,
  listTrustedPublishers,
  removeTrustedPublisher,
} from "../../core/trustedPublishing.ts";
import { IdentityParams } from "../../wire/identities.ts";
import { answerFor, orAnswer } from "../http/coreErrors.ts";
import { ErrorAnswer } from "../http/errorAnswer.ts";
import type { RouteContext } from "../http/routeContext.ts";
import { trustedPublishingContext } from "../routes/trustedPublishers.ts";
import { listed } from "./accountRoutes.ts";
import { NO_FORM_GUARD } from "./forms.ts";
import { identitySettingsPage } from "./identitySettingsPage.ts";
import { SESSION_COOKIE } from "./loginPages.ts";
import { PAGE } from "./negotiation.ts";
import { identitySettingsPath } from "./paths.ts";
import { sendPage } from "./sendPage.ts";

// An identity's settings page, for its admins, with a form to add a trusted
// publisher and one to remove each; one POST handler per form.

const hidden = { hide: true };
const PublisherForm = Type.Object({
  provider: Type.String({ maxLength: 50 }),
  repository: Type.String({ maxLength: 300 }),
  workflow: Type.String({ maxLength: 300 }),
  environment: Type.Optional(Type.String({ maxLength: 255 })),
  packages: Type.String({ maxLength: 2000 }),
});
const RemoveForm = Type.Object({ id: Type.String({ maxLength: 100 }) });

export const identitySettingsRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (
  app,
  { ports, auth, config },
) => {
  await app.register(formbody);
  const context = trustedPublishingContext(config);
  const providers = context.providers.flatMap((name) => {
    const provider = providerNamed(name);
    return provider ? [{ name: provider.name, label: provider.label }] : [];
  });

  const signedIn = (request: FastifyRequest): User => {
    const cookie = request.cookies[SESSION_COOKIE];
    if (!cookie) throw new ErrorAnswer("unauthenticated", "Log in to see an identity's settings.");
    return auth.user(request, cookie);
  };

  /** The page, for an admin; the core's refusal, as a page, for anyone else. */
  const show = (reply: FastifyReply, user: User, name: string, problem?: string, status = 200) => {
    const trustedPublishers = orAnswer(listTrustedPublishers(ports.db, name, user));
    return sendPage(
      reply,
      identitySettingsPage(
        {
          identity: name,
          trustedPublishers,
          providers,
          guard: NO_FORM_GUARD,
          ...(problem === undefined ? {} : { problem }),
        },
        user,
      ),
      status,
    );
  };

  app.get(
    "/publishing-identity/:name/settings",
    { constraints: PAGE, schema: { ...hidden, params: IdentityParams } },
    async (request, reply) => show(reply, signedIn(request), request.params.name),
  );

  app.post(
    "/publishing-identity/:name/settings/trusted-publishers",
    { schema: { ...hidden, params: IdentityParams, body: PublisherForm } },
    async (request, reply) => {
      const user = signedIn(request);
      const { body } = request;
      const added = await addTrustedPublisher(
        ports,
        user,
        request.params.name,
        {
          provider: body.provider,
          repository: body.repository,
          workflow: body.workflow,
          ...(body.environment?.trim() ? { environment: body.environment } : {}),
          packages: listed(body.packages),
        },
        context,
      );
      if (!added.ok) {
        const answer = answerFor(added.error);
        return show(reply, user, request.params.name, answer.message, answer.status);
      }
      return reply.redirect(identitySettingsPath(request.params.name), 303);
    },
  );

  app.post(
    "/publishing-identity/:name/settings/trusted-publishers/remove",
    { schema: { ...hidden, params: IdentityParams, body: RemoveForm } },
    async (request, reply) => {
      const user = signedIn(request);
      const removed = await removeTrustedPublisher(
        ports,
        user,
        request.params.name,
        request.body.id,
        context,
      );
      if (!removed.ok) {
        const answer = answerFor(removed.error);
        return show(reply, user, request.params.name, answer.message, answer.status);
      }
      return reply.redirect(identitySettingsPath(request.params.name), 303);
    },
  );
};
