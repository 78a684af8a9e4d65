import { type FastifyPluginAsyncTypebox, Type } from "@fastify/type-provider-typebox";
import {
  addTrustedPublisher,
  listTrustedPublishers,
  removeTrustedPublisher,
  type TrustedPublishingContext,
} from "../../core/trustedPublishing.ts";
import { IdentityParams } from "../../wire/identities.ts";
import {
  CreateTrustedPublisher,
  TrustedPublisherList,
  TrustedPublisherParams,
  TrustedPublisherView,
} from "../../wire/trustedPublishing.ts";
import type { Config } from "../config.ts";
import { SESSION_REQUIRED } from "../http/auth.ts";
import { orAnswer } from "../http/coreErrors.ts";
import { ERROR_RESPONSES } from "../http/errorAnswer.ts";
import type { RouteContext } from "../http/routeContext.ts";

/** What the core's trusted publishing rules need of the registry's configuration. */
export const trustedPublishingContext = (config: Config): TrustedPublishingContext => ({
  providers: [...new Set(config.oidcIssuers.map((issuer) => issuer.provider))],
  settingsPage: (identity) =>
    `${config.publicUrl}/publishing-identity/${encodeURIComponent(identity)}/settings`,
});

/** An identity's trusted publishers: the CI workflows its admins let publish. */
export const trustedPublisherRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (
  app,
  { ports, auth, config },
) => {
  const context = trustedPublishingContext(config);

  app.post(
    "/publishing-identity/:name/trusted-publishers",
    {
      schema: {
        security: SESSION_REQUIRED,
        params: IdentityParams,
        body: CreateTrustedPublisher,
        response: { 201: TrustedPublisherView, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const actor = auth.user(request);
      const added = await addTrustedPublisher(
        ports,
        actor,
        request.params.name,
        request.body,
        context,
      );
      return reply.code(201).send(orAnswer(added));
    },
  );

  app.get(
    "/publishing-identity/:name/trusted-publishers",
    {
      schema: {
        security: SESSION_REQUIRED,
        params: IdentityParams,
        response: { 200: TrustedPublisherList, ...ERROR_RESPONSES },
      },
    },
    async (request) => ({
      trustedPublishers: orAnswer(
        listTrustedPublishers(ports.db, request.params.name, auth.user(request)),
      ),
    }),
  );

  app.delete(
    "/publishing-identity/:name/trusted-publishers/:id",
    {
      schema: {
        security: SESSION_REQUIRED,
        params: TrustedPublisherParams,
        response: { 204: Type.Null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const actor = auth.user(request);
      orAnswer(
        await removeTrustedPublisher(ports, actor, request.params.name, request.params.id, context),
      );
      return reply.code(204).send(null);
    },
  );
};
