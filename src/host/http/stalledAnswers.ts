import type { FastifyInstance } from "fastify";
import { answerCut } from "./requestLog.ts";

// An answer waits in the server's memory until the client has taken it. A
// client that stops reading (or never starts) would hold it, and its
// connection, for as long as it likes; so once an answer is being sent, a
// connection on which nothing moves for the time allowed is closed. The clock
// restarts whenever the client takes some of it, so a slow reader is fine.

/** Closes the connection of any answer the client takes nothing of for `timeoutMs`. */
export function cutStalledAnswers(app: FastifyInstance, timeoutMs: number): void {
  const reason = `cut: the client took none of the answer for ${timeoutMs / 1000} seconds`;
  app.addHook("onSend", (request, reply, payload, done) => {
    // Node restarts the timer at each write the socket completes, and gives the
    // connection its idle timeout again once the answer is sent.
    reply.raw.setTimeout(timeoutMs, () => {
      answerCut(request, reply, reason);
      reply.raw.destroy();
    });
    done(null, payload);
  });
}
