import type { FastifyPluginAsync } from "fastify";
import {
  createIdentity,
  describeIdentity,
  listMembers,
  readAuditLog,
  removeMember,
  setMember,
} from "../../core/identities.ts";
import { API } from "../../wire/routes.ts";
import { bearerToken } from "../http/auth.ts";
import { orAnswer } from "../http/coreErrors.ts";
import type { RouteContext } from "../http/routeContext.ts";
import { serve } from "../http/serveRoute.ts";

export const publishingIdentityRoutes: FastifyPluginAsync<RouteContext> = async (
  app,
  { ports, auth, config },
) => {
  serve(app, API.createIdentity, async (request, reply) => {
    const user = auth.user(request, bearerToken(request) ?? request.body.session);
    const naming = { reserved: config.reservedIdentities, operators: config.operatorEmails };
    return reply.code(201).send(orAnswer(createIdentity(ports, user, request.body.name, naming)));
  });

  serve(app, API.identity, async (request) => {
    const viewer = auth.viewer(request);
    return orAnswer(describeIdentity(ports.db, request.params.name, viewer));
  });

  serve(app, API.members, async (request) => {
    const viewer = auth.viewer(request);
    return { members: orAnswer(listMembers(ports.db, request.params.name, viewer)) };
  });

  serve(app, API.setMember, async (request) => {
    const actor = auth.user(request);
    return orAnswer(
      setMember(ports, actor, {
        identity: request.params.name,
        email: request.params.email,
        role: request.body.role,
      }),
    );
  });

  serve(app, API.removeMember, async (request, reply) => {
    const actor = auth.user(request);
    orAnswer(
      removeMember(ports, actor, { identity: request.params.name, email: request.params.email }),
    );
    return reply.code(204).send(null);
  });

  serve(app, API.auditLog, async (request) => {
    const viewer = auth.user(request);
    return { entries: orAnswer(readAuditLog(ports.db, request.params.name, viewer)) };
  });
};
