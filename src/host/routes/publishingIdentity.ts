import { type FastifyPluginAsyncTypebox, Type } from "@fastify/type-provider-typebox";
import {
  createIdentity,
  describeIdentity,
  listMembers,
  readAuditLog,
  removeMember,
  setMember,
} from "../../core/identities.ts";
import { bearerToken, optionalUser, requireUser } from "../http/auth.ts";
import {
  accessProblem,
  createIdentityProblem,
  lookupProblem,
  membershipProblem,
} from "../http/failures.ts";
import type { ServerOptions } from "../server.ts";

const Role = Type.String({ maxLength: 50 });
const Member = Type.Object({ email: Type.String(), role: Role });
const NameParams = Type.Object({ name: Type.String({ maxLength: 200 }) });
const MemberParams = Type.Object({
  name: Type.String({ maxLength: 200 }),
  email: Type.String({ maxLength: 320 }),
});

export const publishingIdentityRoutes: FastifyPluginAsyncTypebox<ServerOptions> = async (
  app,
  { ports },
) => {
  app.post(
    "/publishing-identity",
    {
      schema: {
        body: Type.Object({
          name: Type.String({ maxLength: 200 }),
          // The registry's first API took the session token in the body; it still works.
          session: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: { 201: Type.Object({ name: Type.String(), role: Role }) },
      },
    },
    async (request, reply) => {
      const user = requireUser(ports, bearerToken(request) ?? request.body.session);
      const created = createIdentity(ports, user, request.body.name);
      if (!created.ok) throw createIdentityProblem(created.error);
      return reply.code(201).send(created.value);
    },
  );

  app.get(
    "/publishing-identity/:name",
    {
      schema: {
        params: NameParams,
        response: {
          200: Type.Object({
            name: Type.String(),
            packages: Type.Array(Type.String()),
            members: Type.Optional(Type.Array(Member)),
          }),
        },
      },
    },
    async (request) => {
      const viewer = optionalUser(ports, bearerToken(request));
      const identity = describeIdentity(ports.db, request.params.name, viewer);
      if (!identity.ok) throw lookupProblem(identity.error);
      return identity.value;
    },
  );

  app.get(
    "/publishing-identity/:name/members",
    {
      schema: {
        params: NameParams,
        response: { 200: Type.Object({ members: Type.Array(Member) }) },
      },
    },
    async (request) => {
      const viewer = optionalUser(ports, bearerToken(request));
      const members = listMembers(ports.db, request.params.name, viewer);
      if (!members.ok) throw accessProblem(members.error);
      return { members: members.value };
    },
  );

  app.put(
    "/publishing-identity/:name/members/:email",
    {
      schema: {
        params: MemberParams,
        body: Type.Object({ role: Role }),
        response: { 200: Member },
      },
    },
    async (request) => {
      const actor = requireUser(ports, bearerToken(request));
      const member = setMember(ports, actor, {
        identity: request.params.name,
        email: request.params.email,
        role: request.body.role,
      });
      if (!member.ok) throw membershipProblem(member.error);
      return member.value;
    },
  );

  app.delete(
    "/publishing-identity/:name/members/:email",
    { schema: { params: MemberParams } },
    async (request, reply) => {
      const actor = requireUser(ports, bearerToken(request));
      const removed = removeMember(ports, actor, {
        identity: request.params.name,
        email: request.params.email,
      });
      if (!removed.ok) throw membershipProblem(removed.error);
      return reply.code(204).send();
    },
  );

  app.get(
    "/publishing-identity/:name/audit",
    { schema: { params: NameParams } },
    async (request) => {
      const viewer = requireUser(ports, bearerToken(request));
      const entries = readAuditLog(ports.db, request.params.name, viewer);
      if (!entries.ok) throw accessProblem(entries.error);
      return { entries: entries.value };
    },
  );
};
