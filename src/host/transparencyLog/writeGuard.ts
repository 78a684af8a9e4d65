import type { FastifyInstance } from "fastify";
import { ErrorAnswer } from "../http/errorAnswer.ts";
import type { Checkpoints } from "./checkpoints.ts";

/** Publishing and revoking: every request that would append to the log. */
const isLogWrite = (method: string, url: string): boolean =>
  (method === "PUT" || method === "DELETE") && url.startsWith("/packages/");

/**
 * While the database is behind the checkpoints already signed, nothing may be
 * appended to its log: each entry would make a tree that contradicts one the
 * world has seen. Reads go on.
 */
export function refuseWritesWhileDiverged(app: FastifyInstance, checkpoints: Checkpoints): void {
  const { divergence } = checkpoints;
  if (!divergence) return;
  app.addHook("onRequest", (request, _reply, done) => {
    if (!isLogWrite(request.method, request.url)) {
      done();
      return;
    }
    done(new ErrorAnswer("unavailable", divergence.message, {}, { connection: "close" }));
  });
}
