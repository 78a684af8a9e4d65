import type { FastifyPluginAsync } from "fastify";
import {
  addTrustedPublisher,
  listTrustedPublishers,
  removeTrustedPublisher,
  type TrustedPublishingContext,
} from "../../core/trustedPublishing.ts";
import { API } from "../../wire/routes.ts";
import type { Config } from "../config.ts";
import { orAnswer } from "../http/coreErrors.ts";
import type { RouteContext } from "../http/routeContext.ts";
import { serve } from "../http/serveRoute.ts";

/** What the core's trusted publishing rules need of the registry's configuration. */
export const trustedPublishingContext = (config: Config): TrustedPublishingContext => ({
  providers: [...new Set(config.oidcIssuers.map((issuer) => issuer.provider))],
  settingsPage: (identity) =>
    `${config.publicUrl}/publishing-identity/${encodeURIComponent(identity)}/settings`,
});

/** An identity's trusted publishers: the CI workflows its admins let publish. */
export const trustedPublisherRoutes: FastifyPluginAsync<RouteContext> = async (
  app,
  { ports, auth, config },
) => {
  const context = trustedPublishingContext(config);

  serve(app, API.addTrustedPublisher, async (request, reply) => {
    const actor = auth.user(request);
    const added = await addTrustedPublisher(
      ports,
      actor,
      request.params.name,
      request.body,
      context,
    );
    return reply.code(201).send(orAnswer(added));
  });

  serve(app, API.trustedPublishers, async (request) => ({
    trustedPublishers: orAnswer(
      listTrustedPublishers(ports.db, request.params.name, auth.user(request)),
    ),
  }));

  serve(app, API.removeTrustedPublisher, async (request, reply) => {
    const actor = auth.user(request);
    orAnswer(
      await removeTrustedPublisher(ports, actor, request.params.name, request.params.id, context),
    );
    return reply.code(204).send(null);
  });
};
