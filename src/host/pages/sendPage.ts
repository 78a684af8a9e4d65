import type { FastifyReply } from "fastify";
import { formTokenOf } from "./formGuard.ts";
import { PAGE_SECURITY_POLICY, type Page, REFERRER_POLICY, renderPage } from "./layout.ts";

/**
 * Answers with a page: never cached by others, no script allowed to run in
 * it, and its address (which may hold a login link's token) never told to
 * another site it links to.
 */
export function sendPage(reply: FastifyReply, content: Page, status = 200): FastifyReply {
  return reply
    .code(status)
    .type("text/html; charset=utf-8")
    .header("cache-control", "private, no-cache")
    .header("content-security-policy", PAGE_SECURITY_POLICY)
    .header("x-content-type-options", "nosniff")
    .header("referrer-policy", REFERRER_POLICY)
    .send(renderPage(content, formTokenOf(reply.request)));
}
