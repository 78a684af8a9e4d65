import type { ErrorBody } from "../wire/errors.ts";
import {
  type AnswerOf,
  type BodyOf,
  isRawBody,
  type ParamsOf,
  pathOf,
  type QueryOf,
  type RouteDeclaration,
} from "../wire/route.ts";
import { CliError, EXIT, type ExitCode } from "./cliError.ts";

export const DEFAULT_REGISTRY = "http://localhost:3000";

export interface RequestOptions {
  token?: string | undefined;
  json?: unknown;
  body?: Uint8Array;
  headers?: Record<string, string>;
  /** Gives up the request when aborted. */
  signal?: AbortSignal;
}

/** A part of a call its route has no use for may be left out; one it needs may not. */
type Part<K extends string, T> = [T] extends [Record<string, never>]
  ? { [P in K]?: undefined }
  : { [P in K]: T };

/** What calling a declared route takes, typed by its declaration. */
export type CallInput<R extends RouteDeclaration> = Part<"params", ParamsOf<R>> &
  Partial<Part<"query", { [K in keyof QueryOf<R>]?: QueryOf<R>[K] | undefined }>> &
  (BodyOf<R> extends undefined ? { body?: undefined } : { body: BodyOf<R> }) &
  Pick<RequestOptions, "token" | "headers" | "signal">;

/** The query string of the values given, in their order; undefined ones left out. */
function queryString(query: Record<string, unknown> | undefined): string {
  const given = Object.entries(query ?? {}).filter(([, value]) => value !== undefined);
  return given.length === 0
    ? ""
    : `?${new URLSearchParams(given.map(([key, value]) => [key, String(value)]))}`;
}

/** A registry answers its health check with one of these, whatever its state. */
const HEALTH_STATES = ["ok", "unavailable"];

/** How long the health check that tells a wrong URL from a missing thing may take. */
const HEALTH_TIMEOUT_MS = 10_000;

/** The registry's HTTP API as the CLI sees it: errors become readable failures. */
export class RegistryClient {
  readonly url: string;
  /** Whether a Gren registry answers at `url`, once asked. */
  #isRegistry: Promise<boolean> | undefined;

  constructor(url: string) {
    this.url = url.replace(/\/+$/, "");
  }

  /**
   * Fails, as a usage error, when no Gren registry answers at this URL: a
   * 404 from a wrong path (or another server) is not a missing package.
   */
  async #mustBeRegistry(answered: string): Promise<void> {
    this.#isRegistry ??= fetch(`${this.url}/health`, {
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS),
    }).then(
      async (response) => {
        const body = (await response.json().catch(() => undefined)) as
          | { status?: unknown }
          | undefined;
        return HEALTH_STATES.includes(String(body?.status));
      },
      // It answered a moment ago: a health check that fails to arrive proves nothing.
      () => true,
    );
    if (await this.#isRegistry) return;
    throw new CliError(
      `no Gren registry answers at ${this.url}: it answered ${answered}, and ${this.url}/health is not a registry's health check; check the URL given with --registry (or GREN_REGISTRY_URL)`,
      EXIT.usage,
    );
  }

  async #send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: "application/json", ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | Uint8Array | undefined = options.body;
    if (options.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.json);
    }
    let response: Response;
    try {
      // Bytes read from files are backed by plain ArrayBuffers, which is what fetch's types want.
      const init = {
        method,
        headers,
        body: (body ?? null) as BodyInit | null,
        ...(options.signal ? { signal: options.signal } : {}),
      };
      response = await fetch(`${this.url}${path}`, init);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const cause = (error as { cause?: { message?: string } }).cause?.message;
      throw new CliError(
        `cannot reach the registry at ${this.url}${cause ? ` (${cause})` : ""}`,
        EXIT.unavailable,
      );
    }
    if (response.status === 404) await this.#mustBeRegistry(`${method} ${path} with 404`);
    if (!response.ok && response.status !== 304) throw await RegistryError.from(response);
    return response;
  }

  /** The full URL of a declared route: for a WebSocket, which is not fetched. */
  urlOf<R extends RouteDeclaration>(
    route: R,
    input: Pick<CallInput<R>, "params" | "query">,
  ): string {
    const { params, query } = input as { params?: Record<string, string>; query?: object };
    return `${this.url}${pathOf(route, params ?? {})}${queryString(query as Record<string, unknown>)}`;
  }

  /** Calls a declared route and gives its answer as it is: for bodies read as they arrive. */
  async request<R extends RouteDeclaration>(route: R, input: CallInput<R>): Promise<Response> {
    const { params, query, body, ...options } = input as unknown as Pick<
      RequestOptions,
      "token" | "headers" | "signal"
    > & {
      params?: Record<string, string>;
      query?: Record<string, unknown>;
      body?: unknown;
    };
    const path = `${pathOf(route, params ?? {})}${queryString(query)}`;
    if (body === undefined) return this.#send(route.method, path, options);
    if (isRawBody(route.body)) {
      return this.#send(route.method, path, {
        ...options,
        body: body as Uint8Array,
        headers: { "content-type": route.body.contentType, ...options.headers },
      });
    }
    return this.#send(route.method, path, { ...options, json: body });
  }

  /** Calls a declared route and reads its JSON answer (none for 204 and 304). */
  async call<R extends RouteDeclaration>(route: R, input: CallInput<R>): Promise<AnswerOf<R>> {
    const response = await this.request(route, input);
    if (response.status === 204 || response.status === 304) {
      await response.body?.cancel();
      return undefined as AnswerOf<R>;
    }
    const text = await response.text();
    try {
      return JSON.parse(text) as AnswerOf<R>;
    } catch {
      const what = `${route.method} ${response.url.slice(this.url.length)}`;
      await this.#mustBeRegistry(`${what} with something that is not JSON`);
      throw new CliError(
        `the registry at ${this.url} answered ${what} with something that is not JSON`,
        EXIT.unavailable,
      );
    }
  }
}

/** An error answer from the registry, carrying its own sentence and code. */
export class RegistryError extends CliError {
  readonly status: number;
  readonly code: string | undefined;
  /** With a package's 404: the names of packages close to it, which the registry offers. */
  readonly suggestions: readonly string[];

  constructor(
    status: number,
    code: string | undefined,
    message: string,
    problems: string[],
    suggestions: string[] = [],
  ) {
    super(message, exitCodeOf(status, code), problems);
    this.status = status;
    this.code = code;
    this.suggestions = suggestions;
  }

  static async from(response: Response): Promise<RegistryError> {
    const text = await response.text();
    try {
      const body = JSON.parse(text) as Partial<ErrorBody>;
      if (typeof body.message === "string") {
        const problems = Array.isArray(body.problems) ? body.problems.map(String) : [];
        const suggestions = Array.isArray(body.suggestions) ? body.suggestions.map(String) : [];
        return new RegistryError(response.status, body.code, body.message, problems, suggestions);
      }
    } catch {
      // not the registry's JSON: fall through to the status line
    }
    return new RegistryError(
      response.status,
      undefined,
      `the registry answered ${response.status} ${response.statusText}`,
      [],
    );
  }
}

function exitCodeOf(status: number, code: string | undefined): ExitCode {
  if (code === "invalid_bundle" || status === 413) return EXIT.invalidBundle;
  if (status === 401 || status === 403) return EXIT.denied;
  if (status === 404 || status === 410) return EXIT.notFound;
  if (status === 409) return EXIT.conflict;
  if (status === 429 || status >= 500) return EXIT.unavailable;
  return EXIT.failed;
}
