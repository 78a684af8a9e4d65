// Before anything is measured: the worker path holds up when a bundle makes
// a worker fail. A registry whose bundle readers give each bundle a tenth of
// a second is sent a bundle that takes longer to read, and then a publish
// from every publisher at once.

import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { type SeededCatalogue, uploadOutline } from "./catalogue.ts";
import type { Request } from "./load.ts";
import { startRegistryServer } from "./servers.ts";

const READ_TIMEOUT_MS = 100;
/** Unpacked, well under the registry's 64 MB limit, yet far more than a tenth of a second's reading. */
const SLOW_BUNDLE_BYTES = 48 * 1024 * 1024;

export interface WorkerCheck {
  timeoutMs: number;
  /** The answer to the bundle that held its worker too long. */
  refusal: { status: number; code: string; problem: string };
  /** Publishes sent at once right after it, how many of them were published, and the other answers. */
  following: { sent: number; published: number; others: string[] };
  healthy: boolean;
}

export async function checkWorkerFailure(
  catalogue: SeededCatalogue,
  logLevel: string,
): Promise<WorkerCheck> {
  const server = await startRegistryServer({
    dbPath: catalogue.dbPath,
    logLevel,
    env: { REGISTRY_BUNDLE_READ_TIMEOUT_MS: String(READ_TIMEOUT_MS) },
  });
  try {
    const refused = await send(server.url, slowUpload(catalogue));
    const answer = JSON.parse(refused.body) as { code?: string; problems?: string[] };
    const following = await Promise.all(
      smallUploads(catalogue).map((upload) => send(server.url, upload)),
    );
    const health = await fetch(`${server.url}/health`);
    return {
      timeoutMs: READ_TIMEOUT_MS,
      refusal: {
        status: refused.status,
        code: answer.code ?? "",
        problem: answer.problems?.[0] ?? "",
      },
      following: {
        sent: following.length,
        published: following.filter((answer) => answer.status === 201).length,
        others: following
          .filter((answer) => answer.status !== 201)
          .map((answer) => `${answer.status} ${answer.body.slice(0, 300)}`),
      },
      healthy: health.ok,
    };
  } finally {
    await server.stop();
  }
}

/**
 * A small new version of each publisher's package: read, checked and
 * documented well within the tenth of a second, however busy the machine.
 */
function smallUploads(catalogue: SeededCatalogue): Request[] {
  return catalogue.publishers.map((publisher) => {
    // The first version of a package of its own, apart from every other run's.
    const version = "1.0.0";
    const name = `${publisher.name}-small-${randomUUID().slice(0, 8)}`;
    const outline = uploadOutline(name, version);
    const modules = outline["exposed-modules"] as string[];
    const sources = Object.fromEntries(
      modules.map((module) => [
        module,
        `module ${module} exposing (size)\n\n{-| Sizes.\n\n@docs size\n-}\n\n\n{-| A size. -}\nsize : Int\nsize =\n    1\n`,
      ]),
    );
    return {
      method: "PUT",
      path: `/packages/${name}/${version}`,
      headers: { authorization: `Bearer ${publisher.token}`, "content-type": "application/gzip" },
      body: gzipSync(JSON.stringify({ outline, sources })),
    };
  });
}

/** A valid bundle of the first publisher's package whose sources take long to read. */
function slowUpload(catalogue: SeededCatalogue): Request {
  const publisher = catalogue.publishers[0]!;
  const version = "1.0.0";
  const name = `${publisher.name}-slow-${randomUUID().slice(0, 8)}`;
  const outline = uploadOutline(name, version);
  const filler = `-- ${"generated ".repeat(10)}\n`;
  const modules = outline["exposed-modules"] as string[];
  const sources = Object.fromEntries(
    modules.map((module, index) => [
      module,
      `module ${module} exposing (..)\n${index === 0 ? filler.repeat(Math.ceil(SLOW_BUNDLE_BYTES / filler.length)) : ""}`,
    ]),
  );
  return {
    method: "PUT",
    path: `/packages/${name}/${version}`,
    headers: { authorization: `Bearer ${publisher.token}`, "content-type": "application/gzip" },
    body: gzipSync(JSON.stringify({ outline, sources })),
  };
}

async function send(url: string, request: Request): Promise<{ status: number; body: string }> {
  const response = await fetch(url + request.path, {
    method: request.method,
    headers: request.headers ?? {},
    body: (request.body ?? null) as BodyInit | null,
  });
  return { status: response.status, body: await response.text() };
}

export function formatWorkerCheck(check: WorkerCheck): string {
  const { refusal, following } = check;
  return [
    `Bundle readers given ${check.timeoutMs} ms a bundle were sent one that takes longer to read: answered ${refusal.status} \`${refusal.code}\` ("${refusal.problem}").`,
    `Then ${following.sent} publishes at once: ${following.published} of ${following.sent} published; /health ${check.healthy ? "answered 200" : "did not answer 200"}.`,
    ...following.others.map((answer) => `- Not published: ${answer}`),
  ].join("\n");
}
