import { type FastifyPluginAsyncTypebox, Type } from "@fastify/type-provider-typebox";
import {
  createIdentity,
  describeIdentity,
  listMembers,
  readAuditLog,
  removeMember,
  setMember,
} from "../../core/identities.ts";
import {
  AuditLog,
  CreateIdentity,
  IdentityCreated,
  IdentityParams,
  IdentityView,
  Member,
  MemberList,
  MemberParams,
  RoleChange,
} from "../../wire/identities.ts";
import { bearerToken, SESSION_OPTIONAL, SESSION_REQUIRED } from "../http/auth.ts";
import { orAnswer } from "../http/coreErrors.ts";
import { ERROR_RESPONSES } from "../http/errorAnswer.ts";
import type { RouteContext } from "../http/routeContext.ts";

export const publishingIdentityRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (
  app,
  { ports, auth, config },
) => {
  app.post(
    "/publishing-identity",
    {
      schema: {
        security: SESSION_REQUIRED,
        body: CreateIdentity,
        response: { 201: IdentityCreated, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const user = auth.user(request, bearerToken(request) ?? request.body.session);
      const naming = { reserved: config.reservedIdentities, operators: config.operatorEmails };
      return reply.code(201).send(orAnswer(createIdentity(ports, user, request.body.name, naming)));
    },
  );

  app.get(
    "/publishing-identity/:name",
    {
      schema: {
        security: SESSION_OPTIONAL,
        params: IdentityParams,
        response: { 200: IdentityView, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const viewer = auth.viewer(request);
      return orAnswer(describeIdentity(ports.db, request.params.name, viewer));
    },
  );

  app.get(
    "/publishing-identity/:name/members",
    {
      schema: {
        security: SESSION_OPTIONAL,
        params: IdentityParams,
        response: { 200: MemberList, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const viewer = auth.viewer(request);
      return { members: orAnswer(listMembers(ports.db, request.params.name, viewer)) };
    },
  );

  app.put(
    "/publishing-identity/:name/members/:email",
    {
      schema: {
        security: SESSION_REQUIRED,
        params: MemberParams,
        body: RoleChange,
        response: { 200: Member, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const actor = auth.user(request);
      return orAnswer(
        setMember(ports, actor, {
          identity: request.params.name,
          email: request.params.email,
          role: request.body.role,
        }),
      );
    },
  );

  app.delete(
    "/publishing-identity/:name/members/:email",
    {
      schema: {
        security: SESSION_REQUIRED,
        params: MemberParams,
        response: { 204: Type.Null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const actor = auth.user(request);
      orAnswer(
        removeMember(ports, actor, { identity: request.params.name, email: request.params.email }),
      );
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/publishing-identity/:name/audit",
    {
      schema: {
        security: SESSION_REQUIRED,
        params: IdentityParams,
        response: { 200: AuditLog, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const viewer = auth.user(request);
      return { entries: orAnswer(readAuditLog(ports.db, request.params.name, viewer)) };
    },
  );
};
