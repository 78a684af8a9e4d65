import { type FastifyPluginAsyncTypebox, Type } from "@fastify/type-provider-typebox";
import { identitiesOf } from "../../core/identities.ts";
import { bearerToken, requireUser } from "../http/auth.ts";
import type { ServerOptions } from "../server.ts";

export const userRoutes: FastifyPluginAsyncTypebox<ServerOptions> = async (app, { ports }) => {
  app.get(
    "/user",
    {
      schema: {
        response: {
          200: Type.Object({
            email: Type.String(),
            identities: Type.Array(Type.Object({ name: Type.String(), role: Type.String() })),
          }),
        },
      },
    },
    async (request) => {
      const user = requireUser(ports, bearerToken(request));
      return { email: user.email, identities: identitiesOf(ports.db, user.id) };
    },
  );
};
