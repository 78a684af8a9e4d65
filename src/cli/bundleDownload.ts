// A bundle downloaded as it arrives, straight into its file: the registry
// says each bundle's size and sha256 before it is asked for it, so a download
// that grows past its size, or stalls, is given up at once, and no more than
// a chunk of it is ever held in memory.

import { createHash } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";
import { API } from "../wire/routes.ts";
import { digestMismatch } from "./bundleIntegrity.ts";
import { CliError, EXIT, usageError } from "./cliError.ts";
import type { RegistryClient } from "./client.ts";

/** How long a download may receive nothing before it is given up, unless told otherwise. */
export const DEFAULT_TIMEOUT_SECONDS = 30;

/** The `--timeout` option of the commands that download bundles. */
export const TIMEOUT_OPTION = [
  "--timeout <seconds>",
  `give up a download when nothing arrives for this many seconds (default: ${DEFAULT_TIMEOUT_SECONDS})`,
] as const;

/** The milliseconds `--timeout` gives: a whole number of seconds, from 1 to a day. */
export function timeoutArgument(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TIMEOUT_SECONDS * 1000;
  const seconds = /^[0-9]{1,5}$/.test(text) ? Number(text) : 0;
  if (seconds < 1 || seconds > 86_400) {
    throw usageError(`--timeout must be a whole number of seconds from 1 to 86400, not "${text}"`);
  }
  return seconds * 1000;
}

export interface ExpectedBundle {
  /** How people name it: `acme/widgets 1.0.0`. */
  what: string;
  /** As the registry published it. */
  sha256: string;
  size: number;
}

/** Where a bundle is downloaded from: the registry, or a mirror. */
export interface BundleOrigin {
  /** How messages name it: `the registry`, `the mirror`. */
  name: string;
  url: string;
  /** Asks for the bundle; a failure to answer at all is the caller's to say. */
  request(signal: AbortSignal): Promise<Response>;
  /**
   * Whether the answer's ETag names the bundle's sha256, as the registry's
   * does; a static server's names something of its own.
   */
  tagsWithSha256: boolean;
}

/** A version's bundle from the registry, with the caller's session for a private package. */
export const registryBundle = (
  client: RegistryClient,
  version: { author: string; project: string; version: string },
  token: string | undefined,
): BundleOrigin => ({
  name: "the registry",
  url: client.url,
  request: (signal) => client.request(API.bundle, { params: version, token, signal }),
  tagsWithSha256: true,
});

/** A bundle downloaded and checked beside its file, not yet in its place. */
export interface DownloadedBundle {
  /** Puts the bundle in its file. */
  keep(): Promise<void>;
  /** Leaves nothing of it behind. */
  discard(): Promise<void>;
}

/**
 * Downloads the bundle of a version beside `file`, written as it arrives and
 * checked, ready to be renamed over it once the caller has no more doubts,
 * so no one ever sees half a bundle or a wrong one. Refused as soon as more
 * bytes arrive than `size`, and given up when nothing arrives for `timeoutMs`.
 */
export async function downloadBundle(
  origin: BundleOrigin,
  options: { expected: ExpectedBundle; file: string; timeoutMs: number },
): Promise<DownloadedBundle> {
  const { expected, file, timeoutMs } = options;
  const refuse = (why: string) =>
    new CliError(`refusing ${expected.what}: ${why}`, EXIT.unavailable);
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const wait = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), timeoutMs);
  };
  const stalled = () =>
    new CliError(
      `gave up downloading ${expected.what}: nothing arrived from ${origin.url} for ${timeoutMs / 1000} seconds (--timeout)`,
      EXIT.unavailable,
    );

  const temporary = `${file}.${process.pid}.part`;
  let written = false;
  try {
    wait();
    let response: Response;
    try {
      response = await origin.request(controller.signal);
    } catch (error) {
      throw controller.signal.aborted ? stalled() : error;
    }
    const announced = Number(response.headers.get("content-length") ?? Number.NaN);
    if (announced > expected.size) {
      controller.abort();
      throw refuse(
        `${origin.name} announced ${announced} bytes, but the version was published with ${expected.size}`,
      );
    }
    const hash = createHash("sha256");
    let received = 0;
    const output = await open(temporary, "w").catch((error: Error) => {
      throw new CliError(`cannot write ${temporary} (${error.message})`);
    });
    written = true;
    try {
      const reader = response.body?.getReader();
      for (;;) {
        const next = await reader?.read();
        if (!next || next.done) break;
        const chunk = next.value;
        wait();
        received += chunk.byteLength;
        if (received > expected.size) {
          controller.abort();
          throw refuse(
            `${origin.name} sent more than the ${expected.size} bytes the version was published with`,
          );
        }
        hash.update(chunk);
        await output.write(chunk);
      }
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw controller.signal.aborted ? stalled() : error;
    } finally {
      await output.close();
    }
    const mismatch = digestMismatch(hash.digest("hex"), {
      sha256: expected.sha256,
      etag: origin.tagsWithSha256 ? response.headers.get("etag") : null,
    });
    if (mismatch) throw refuse(mismatch);
    written = false;
    return {
      keep: () =>
        rename(temporary, file).catch((error: Error) => {
          throw new CliError(`cannot write ${file} (${error.message})`);
        }),
      discard: () => rm(temporary, { force: true }),
    };
  } finally {
    clearTimeout(timer);
    if (written) await rm(temporary, { force: true });
  }
}
