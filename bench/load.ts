// Runs autocannon, in this process, against a server in another, recording
// every response's latency with sub-millisecond precision (autocannon's own
// histogram rounds to whole milliseconds, too coarse for a fast server).

import autocannon from "autocannon";

export interface Request {
  method: "GET" | "PUT";
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
}

export interface LoadOptions {
  url: string;
  connections: number;
  /** Seconds of measured load. */
  duration: number;
  /** Seconds of load before measuring, so the JIT and caches are warm. */
  warmup: number;
  /** The next request to send: called once per request, by every connection in turn. */
  nextRequest: () => Request;
}

export interface Latencies {
  count: number;
  perSecond: number;
  p50: number;
  p99: number;
}

export interface LoadResult extends Latencies {
  connections: number;
  seconds: number;
  /** Answer bytes received, headers included, per response. */
  bytesPerAnswer: number;
  errors: number;
  statuses: Record<number, number>;
  /** The same figures for the answers of each status, to tell reads from publishes. */
  byStatus: Record<number, Latencies>;
}

/** Puts `connections` keep-alive connections to work for the warm-up, then for `duration`. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  if (options.warmup > 0) await measure({ ...options, duration: options.warmup });
  return measure(options);
}

async function measure(options: LoadOptions): Promise<LoadResult> {
  const latencies = new Map<number, number[]>();
  let bytes = 0;
  let errors = 0;
  let last = 0;
  const started = performance.now();
  const done = new Promise<void>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.duration,
        requests: [{ setupRequest: (defaults) => ({ ...defaults, ...options.nextRequest() }) }],
      },
      (error: unknown) => (error ? reject(error) : resolve()),
    );
    instance.on("response", (_client, status, answerBytes, milliseconds) => {
      last = performance.now();
      bytes += answerBytes;
      const list = latencies.get(status);
      if (list) list.push(milliseconds);
      else latencies.set(status, [milliseconds]);
    });
    instance.on("reqError", () => {
      errors++;
    });
  });
  await done;
  const seconds = (last - started) / 1000;
  const all = [...latencies.values()].flat();
  return {
    ...summarise(all, seconds),
    connections: options.connections,
    seconds,
    bytesPerAnswer: all.length === 0 ? 0 : bytes / all.length,
    errors,
    statuses: Object.fromEntries([...latencies].map(([status, list]) => [status, list.length])),
    byStatus: Object.fromEntries(
      [...latencies].map(([status, list]) => [status, summarise(list, seconds)]),
    ),
  };
}

function summarise(milliseconds: number[], seconds: number): Latencies {
  const sorted = Float64Array.from(milliseconds).sort();
  const at = (fraction: number) =>
    sorted.length === 0 ? Number.NaN : sorted[Math.ceil(fraction * sorted.length) - 1]!;
  return {
    count: sorted.length,
    perSecond: seconds > 0 ? sorted.length / seconds : 0,
    p50: at(0.5),
    p99: at(0.99),
  };
}

/** Sends one request and checks its status, giving the answer's body. */
export async function askOnce(url: string, request: Request, status: number): Promise<Buffer> {
  const response = await fetch(url + request.path, {
    method: request.method,
    headers: request.headers ?? {},
    body: (request.body ?? null) as BodyInit | null,
  });
  const body = Buffer.from(await response.arrayBuffer());
  if (response.status !== status) {
    throw new Error(
      `${request.method} ${request.path} answered ${response.status}, not ${status}: ${body.toString().slice(0, 500)}`,
    );
  }
  return body;
}

/** Asks a sample of a workload's questions once each, checking they succeed, and measures the answers. */
export async function meanAnswerBytes(url: string, next: () => Request, sample = 200) {
  let total = 0;
  for (let i = 0; i < sample; i++) total += (await askOnce(url, next(), 200)).byteLength;
  return total / sample;
}
