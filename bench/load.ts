// Runs autocannon, in this process, against a server in another, recording
// every response's latency with sub-millisecond precision (autocannon's own
// histogram rounds to whole milliseconds, too coarse for a fast server).

import { request as httpRequest } from "node:http";
import { createRequire } from "node:module";
import autocannon from "autocannon";

// autocannon keeps every answer's body as a string (`body += chunk`), which
// for binary answers (bundles, compressed indexes) means decoding them as
// UTF-8: for a gzipped answer of 8 KB that costs the load generator more than
// the server spends answering. Nothing here reads bodies, so they are dropped
// as they arrive; byte counts and latencies are kept as autocannon takes them.
const PipelinedRequests = createRequire(import.meta.url)(
  "autocannon/lib/pipelinedRequestsQueue.js",
) as { prototype: { addBody(data: Buffer): void } };
PipelinedRequests.prototype.addBody = () => {};

export interface Request {
  method: "GET" | "PUT" | "POST";
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
  nextRequest: NextRequest;
}

/**
 * Makes each request. A run that stops at its duration may have made one it
 * never sent: `settle`, when there is one, is called after each run, so that
 * requests that must follow one another (version numbers) start again from
 * what the server has.
 */
/**
 * The request to send next. `answered` hears each answer's status, in order,
 * for workloads whose next request depends on the last one's fate; `settle`
 * runs once the load has stopped.
 */
export type NextRequest = (() => Request) & {
  answered?: (status: number) => void;
  settle?: () => Promise<void>;
};

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
  return summariseSamples([await measure(options)], options.connections);
}

/**
 * One connection for each source, all at once: each a client of its own (a
 * publisher with its own session), sending its next request when it has the
 * answer to the last. The figures are those of all of them together.
 */
export async function runEach(
  options: Omit<LoadOptions, "connections" | "nextRequest">,
  sources: (() => Request)[],
): Promise<LoadResult> {
  const each = (duration: number) =>
    Promise.all(
      sources.map((nextRequest) => measure({ ...options, duration, connections: 1, nextRequest })),
    );
  if (options.warmup > 0) await each(options.warmup);
  return summariseSamples(await each(options.duration), sources.length);
}

interface Samples {
  /** Latencies in milliseconds, by status. */
  latencies: Map<number, number[]>;
  bytes: number;
  errors: number;
  started: number;
  last: number;
}

async function measure(options: LoadOptions): Promise<Samples> {
  const samples: Samples = {
    latencies: new Map(),
    bytes: 0,
    errors: 0,
    started: performance.now(),
    last: 0,
  };
  await new Promise<void>((resolve, reject) => {
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
      options.nextRequest.answered?.(status);
      samples.last = performance.now();
      samples.bytes += answerBytes;
      const list = samples.latencies.get(status);
      if (list) list.push(milliseconds);
      else samples.latencies.set(status, [milliseconds]);
    });
    instance.on("reqError", () => {
      samples.errors++;
    });
  });
  await options.nextRequest.settle?.();
  return samples;
}

function summariseSamples(runs: Samples[], connections: number): LoadResult {
  const seconds =
    (Math.max(...runs.map((run) => run.last)) - Math.min(...runs.map((run) => run.started))) / 1000;
  const byStatus = new Map<number, number[]>();
  for (const run of runs) {
    for (const [status, list] of run.latencies)
      byStatus.set(status, [...(byStatus.get(status) ?? []), ...list]);
  }
  const all = [...byStatus.values()].flat();
  const bytes = runs.reduce((sum, run) => sum + run.bytes, 0);
  return {
    ...summarise(all, seconds),
    connections,
    seconds,
    bytesPerAnswer: all.length === 0 ? 0 : bytes / all.length,
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
    statuses: Object.fromEntries([...byStatus].map(([status, list]) => [status, list.length])),
    byStatus: Object.fromEntries(
      [...byStatus].map(([status, list]) => [status, summarise(list, seconds)]),
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

/**
 * Sends one request exactly as the load generator does (no headers added, no
 * answer unpacked) and checks its status, giving the answer's body as sent.
 */
export function askOnce(url: string, request: Request, status: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sent = httpRequest(
      url + request.path,
      { method: request.method, headers: request.headers ?? {} },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("error", reject);
        answer.on("end", () => {
          const body = Buffer.concat(chunks);
          if (answer.statusCode === status) resolve(body);
          else {
            reject(
              new Error(
                `${request.method} ${request.path} answered ${answer.statusCode}, not ${status}: ${body.toString().slice(0, 500)}`,
              ),
            );
          }
        });
      },
    );
    sent.on("error", reject);
    sent.end(request.body);
  });
}

/** Asks a sample of a workload's questions once each, checking they succeed, and measures the answers. */
export async function meanAnswerBytes(url: string, next: () => Request, sample = 200) {
  let total = 0;
  for (let i = 0; i < sample; i++) total += (await askOnce(url, next(), 200)).byteLength;
  return total / sample;
}
