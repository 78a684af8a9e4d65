import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifySchema,
  RouteOptions,
} from "fastify";
import {
  type Access,
  type AnswerOf,
  type BodyOf,
  isRawBody,
  type ParamsOf,
  type QueryOf,
  type RouteDeclaration,
} from "../../wire/route.ts";
import { ERROR_RESPONSES } from "./errorAnswer.ts";

/** For the API document: how a route's caller shows who they are. */
const SECURITY: Record<Access, { security?: NonNullable<FastifySchema["security"]> }> = {
  anyone: {},
  viewer: { security: [{}, { session: [] }, { apiToken: [] }] },
  token: { security: [{ session: [] }, { apiToken: [] }] },
  session: { security: [{ session: [] }] },
};

export type RequestOf<R extends RouteDeclaration> = FastifyRequest<{
  Params: ParamsOf<R>;
  Querystring: QueryOf<R>;
  Body: BodyOf<R>;
}>;

export type HandlerOf<R extends RouteDeclaration> = (
  request: RequestOf<R>,
  reply: FastifyReply,
) => Promise<AnswerOf<R> | FastifyReply>;

/** What a route file adds to a declaration: hooks and settings that are the server's own. */
export type ServingOptions = Omit<RouteOptions, "method" | "url" | "schema" | "handler"> & {
  schema?: Pick<FastifySchema, "hide">;
};

/** The schema Fastify validates and serialises with, and the API document shows. */
export function schemaOf(declaration: RouteDeclaration): FastifySchema {
  const { body } = declaration;
  return {
    summary: declaration.summary,
    ...(declaration.description ? { description: declaration.description } : {}),
    ...(declaration.websocket ? { hide: true } : {}),
    ...SECURITY[declaration.access],
    ...(declaration.params ? { params: declaration.params } : {}),
    ...(declaration.query ? { querystring: declaration.query } : {}),
    ...(body !== undefined && !isRawBody(body) ? { body } : {}),
    response: { ...declaration.answers, ...ERROR_RESPONSES },
  };
}

/**
 * Registers a declared route with its handler. The request is typed by the
 * declaration, and validated and answered by its schemas.
 */
export function serve<R extends RouteDeclaration>(
  app: FastifyInstance,
  declaration: R,
  handler: HandlerOf<R>,
  options: ServingOptions = {},
): void {
  const { body } = declaration;
  app.route({
    ...options,
    method: declaration.method,
    url: declaration.path,
    schema: { ...schemaOf(declaration), ...options.schema },
    config: { ...options.config, ...(isRawBody(body) ? { documentedBody: body } : {}) },
    handler: handler as RouteOptions["handler"],
  });
}
