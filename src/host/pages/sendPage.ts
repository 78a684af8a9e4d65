import type { FastifyReply } from "fastify";
import { PAGE_SECURITY_POLICY, type Page, renderPage } from "./layout.ts";

/** Answers with a page: never cached by others, no script allowed to run in it. */
export function sendPage(reply: FastifyReply, content: Page, status = 200): FastifyReply {
  return reply
    .code(status)
    .type("text/html; charset=utf-8")
    .header("cache-control", "private, no-cache")
    .header("content-security-policy", PAGE_SECURITY_POLICY)
    .header("x-content-type-options", "nosniff")
    .send(renderPage(content));
}
