import type { ErrorBody } from "../wire/errors.ts";
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

  async send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
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

  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, options);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      await this.#mustBeRegistry(`${method} ${path} with something that is not JSON`);
      throw new CliError(
        `the registry at ${this.url} answered ${method} ${path} with something that is not JSON`,
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
