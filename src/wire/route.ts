import type { Static, TSchema } from "typebox";

// One route of the API as both ends see it: its method and path, what it
// takes and what it answers. The server registers each route from its
// declaration (so the OpenAPI document comes from it too), and the CLI calls
// the registry through it, so that no path is ever spelled twice.

export type Method = "GET" | "PUT" | "POST" | "DELETE";

/**
 * Who may call: anyone; anyone, a token showing what members see; a caller
 * with a session token or an API token whose scopes allow it; or only a
 * caller with a session token.
 */
export type Access = "anyone" | "viewer" | "token" | "session";

/** A request body that is not JSON: its bytes, described for the API document. */
export interface RawBody {
  contentType: string;
  description: string;
  /** The same bytes may instead come as one part of a `multipart/form-data` body, beside others. */
  multipart?: {
    description: string;
    /** Each part's name, what it holds, and whether it must be there. */
    parts: Readonly<Record<string, { description: string; required: boolean }>>;
  };
}

export interface RouteDeclaration {
  method: Method;
  /** Fastify's form: `/packages/:author/:project`. */
  path: string;
  /** One line for the API document. */
  summary: string;
  /** More for the API document, where one line is not enough. */
  description?: string;
  access: Access;
  params?: TSchema;
  query?: TSchema;
  /** A JSON body's schema, or a description of raw bytes. */
  body?: TSchema | RawBody;
  /** The answers that are not errors, by status. Every route may also fail with the error body. */
  answers: Readonly<Record<number, TSchema>>;
  /** A WebSocket: answered by an upgrade, and left out of the API document, which cannot say so. */
  websocket?: true;
}

/** Keeps a declaration's literal types, so that callers and handlers are typed by it. */
export const route = <const R extends RouteDeclaration>(declaration: R): R => declaration;

type SchemaOf<R, K extends keyof RouteDeclaration> =
  R extends Record<K, infer S extends TSchema> ? S : undefined;

export type ParamsOf<R extends RouteDeclaration> =
  SchemaOf<R, "params"> extends TSchema ? Static<SchemaOf<R, "params">> : Record<string, never>;
export type QueryOf<R extends RouteDeclaration> =
  SchemaOf<R, "query"> extends TSchema ? Static<SchemaOf<R, "query">> : Record<string, never>;
export type BodyOf<R extends RouteDeclaration> = R["body"] extends TSchema
  ? Static<R["body"]>
  : R["body"] extends RawBody
    ? Uint8Array
    : undefined;

/** The success answers' status codes. */
export type StatusOf<R extends RouteDeclaration> = keyof R["answers"] & number;
/** Any success answer's body. */
export type AnswerOf<R extends RouteDeclaration> = {
  [S in StatusOf<R>]: Static<R["answers"][S]>;
}[StatusOf<R>];

export const isRawBody = (body: RouteDeclaration["body"]): body is RawBody =>
  body !== undefined && "contentType" in body && typeof body.contentType === "string";

/**
 * The path of a route for these parameters, each segment encoded. A parameter
 * the path names but the values lack is an error of the caller's code.
 */
export function pathOf(declaration: RouteDeclaration, params: Record<string, string>): string {
  return declaration.path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${declaration.path} needs the parameter ${name}`);
    return encodeURIComponent(value);
  });
}
