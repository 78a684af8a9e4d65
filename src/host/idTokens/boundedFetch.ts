// Fetching an issuer's documents: never longer than a few seconds, never
// larger than a few hundred KiB, never redirected, so a slow or hostile
// issuer cannot hold a request or fill memory.

export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
}

export const ISSUER_FETCH_LIMITS: FetchLimits = { timeoutMs: 5000, maxBytes: 256 * 1024 };

export interface FetchedJson {
  body: unknown;
  /** How long the answer may be kept, in seconds, when it said so. */
  maxAgeSeconds: number | undefined;
}

/** A JSON document over HTTPS, within the limits; throws an Error saying what went wrong. */
export async function fetchJson(url: string, limits: FetchLimits): Promise<FetchedJson> {
  const signal = AbortSignal.timeout(limits.timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: "application/json" },
      redirect: "error",
      signal,
    });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new Error(
      signal.aborted
        ? `${url} did not answer within ${limits.timeoutMs} ms`
        : `${url} could not be reached: ${cause ?? (error as Error).message}`,
    );
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`${url} answered ${response.status}`);
  }
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > limits.maxBytes) {
    await response.body?.cancel();
    throw new Error(`${url} is larger than ${limits.maxBytes} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  try {
    for (;;) {
      const read = await reader?.read();
      if (!read || read.done) break;
      size += read.value.byteLength;
      if (size > limits.maxBytes) throw new Error(`${url} is larger than ${limits.maxBytes} bytes`);
      chunks.push(read.value);
    }
  } catch (error) {
    await reader?.cancel().catch(() => undefined);
    throw signal.aborted ? new Error(`${url} did not answer within ${limits.timeoutMs} ms`) : error;
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new Error(`${url} is not JSON`);
  }
  return { body, maxAgeSeconds: maxAge(response.headers.get("cache-control")) };
}

function maxAge(cacheControl: string | null): number | undefined {
  if (cacheControl === null) return undefined;
  if (/(^|,)\s*(no-store|no-cache)\s*(,|$)/i.test(cacheControl)) return 0;
  const match = /(^|,)\s*max-age\s*=\s*"?(\d+)"?/i.exec(cacheControl);
  return match ? Number(match[2]) : undefined;
}
