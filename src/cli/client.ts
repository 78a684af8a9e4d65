import { CliFailure } from "./failure.ts";

export const DEFAULT_REGISTRY = "http://localhost:3000";

export interface RequestOptions {
  token?: string | undefined;
  json?: unknown;
  body?: Uint8Array;
  headers?: Record<string, string>;
}

/** The registry's HTTP API as the CLI sees it: errors become readable failures. */
export class RegistryClient {
  readonly url: string;

  constructor(url: string) {
    this.url = url.replace(/\/+$/, "");
  }

  async send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | Uint8Array | undefined = options.body;
    if (options.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.json);
    }
    let response: Response;
    try {
      // Bytes read from files are backed by plain ArrayBuffers, which is what fetch's types want.
      const init = { method, headers, body: (body ?? null) as BodyInit | null };
      response = await fetch(`${this.url}${path}`, init);
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message;
      throw new CliFailure(`cannot reach the registry at ${this.url}${cause ? ` (${cause})` : ""}`);
    }
    if (!response.ok && response.status !== 304) {
      throw new RegistryError(response.status, await errorMessage(response));
    }
    return response;
  }

  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, options);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }
}

/** An error answer from the registry, carrying its own sentence. */
export class RegistryError extends CliFailure {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

async function errorMessage(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { message?: unknown; problems?: unknown };
    if (typeof body.message === "string") {
      const problems = Array.isArray(body.problems) ? body.problems.map((p) => `\n  - ${p}`) : [];
      return body.message + problems.join("");
    }
  } catch {
    // not the registry's JSON: fall through to the status line
  }
  return `the registry answered ${response.status} ${response.statusText}`;
}
