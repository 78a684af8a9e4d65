// A registry's static mirror, read with plain GETs of its files: a folder
// behind nginx, a bucket, a CDN in front of either. Nothing it serves is
// trusted for what it says: indexes are held to the registry's transparency
// log, bundles to the sha256 the log proves. So this client only fetches,
// within bounds, and says clearly when the mirror cannot be read.

import { CliError, EXIT, usageError } from "./cliError.ts";

/** The environment variable that names a mirror: installs fall back to it, or read it with --mirror. */
export const MIRROR_VARIABLE = "GREN_REGISTRY_MIRROR";

/** The largest index or tile read whole: far above any real one, far below a machine's memory. */
const MAX_FILE_BYTES = 32 * 1024 * 1024;

/** The mirror's base URL, checked: http or https, without a trailing slash. */
export function mirrorUrl(text: string, from: string): string {
  try {
    const url = new URL(text);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error();
  } catch {
    throw usageError(`"${text}" is not an http or https URL for ${from}`);
  }
  return text.replace(/\/+$/, "");
}

/** A mirror's files as a resolver reads them: over HTTP, or from wherever a test keeps them. */
export interface MirrorFiles {
  /** For messages. */
  readonly url: string;
  /** A JSON file, parsed, or undefined when the mirror has no such file. */
  json(path: string): Promise<unknown>;
}

export class MirrorClient implements MirrorFiles {
  readonly url: string;
  /** How long a read may receive nothing before it is given up. */
  readonly #timeoutMs: number;

  constructor(url: string, timeoutMs: number) {
    this.url = url;
    this.#timeoutMs = timeoutMs;
  }

  /**
   * The answer for a file, to be read as it arrives; undefined when the
   * mirror has no such file: 404, or 403 from a bucket that does not let
   * its readers list it.
   */
  async request(path: string, signal?: AbortSignal): Promise<Response | undefined> {
    let response: Response;
    try {
      response = await fetch(`${this.url}/${path}`, signal ? { signal } : {});
    } catch (error) {
      if (signal?.aborted) throw error;
      const cause = (error as { cause?: { message?: string } }).cause?.message;
      throw new CliError(
        `cannot reach the mirror at ${this.url}${cause ? ` (${cause})` : ""}`,
        EXIT.unavailable,
      );
    }
    if (response.status === 404 || response.status === 403) {
      await response.body?.cancel();
      return undefined;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new CliError(
        `the mirror at ${this.url} answered ${response.status} ${response.statusText} for ${path}`,
        EXIT.unavailable,
      );
    }
    return response;
  }

  /** A file's bytes, whole, or undefined when the mirror has no such file. */
  async file(path: string): Promise<Uint8Array | undefined> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const wait = () => {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(), this.#timeoutMs);
    };
    const stalled = () =>
      new CliError(
        `gave up reading ${path}: nothing arrived from the mirror at ${this.url} for ${this.#timeoutMs / 1000} seconds (--timeout)`,
        EXIT.unavailable,
      );
    try {
      wait();
      const response = await this.request(path, controller.signal).catch((error: unknown) => {
        throw controller.signal.aborted ? stalled() : error;
      });
      if (response === undefined) return undefined;
      const chunks: Uint8Array[] = [];
      let received = 0;
      const reader = response.body?.getReader();
      try {
        for (;;) {
          const next = await reader?.read();
          if (!next || next.done) break;
          wait();
          received += next.value.byteLength;
          if (received > MAX_FILE_BYTES) {
            controller.abort();
            throw new CliError(
              `the mirror at ${this.url} sent more than ${MAX_FILE_BYTES} bytes for ${path}, which no file of a mirror is`,
              EXIT.unavailable,
            );
          }
          chunks.push(next.value);
        }
      } catch (error) {
        if (error instanceof CliError) throw error;
        throw controller.signal.aborted ? stalled() : error;
      }
      return Buffer.concat(chunks);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A JSON file, parsed, or undefined when the mirror has no such file. */
  async json(path: string): Promise<unknown> {
    const bytes = await this.file(path);
    if (bytes === undefined) return undefined;
    try {
      return JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      throw new CliError(
        `the mirror at ${this.url} serves something that is not JSON at ${path}`,
        EXIT.unavailable,
      );
    }
  }
}
