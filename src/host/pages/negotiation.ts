import type { FastifyInstance, FastifyReply } from "fastify";
import vary from "vary";

// One address, two representations: the package site's pages and the API's
// JSON live at the same URLs, and the router picks between them by the
// request's Accept header. Page routes are separate routes registered with
// the constraint below; API routes carry no constraint and are untouched, so
// they stay the fallback for every request that does not prefer HTML, and for
// browsers at addresses that have no page.

/** The route constraint of a page: `{ constraints: PAGE }`. */
export const PAGE = { representation: "html" } as const;

// Whether the client prefers HTML to JSON: it names `text/html` itself (a
// wildcard is not enough, so `*/*` and no header at all mean JSON) with a
// quality above the one it gives JSON. A browser sends
// `text/html,application/xhtml+xml,...,*/*;q=0.8`; a tie goes to JSON, so an
// API client asking for both gets what it got before pages existed. This is
// the registry's own rule, so it is written here: Negotiator would give a tie
// to whichever the client names first, and match `text/html; charset=utf-8`
// to no page at all.
export function prefersHtml(accept: string | undefined): boolean {
  if (accept === undefined || !/html/i.test(accept)) return false;
  let html = 0;
  let json = 0;
  let jsonSpecificity = 0;
  for (const range of accept.split(",")) {
    const [type = "", ...parameters] = range.split(";");
    const mediaType = type.trim().toLowerCase();
    const specificity =
      mediaType === "application/json"
        ? 3
        : mediaType === "application/*"
          ? 2
          : mediaType === "*/*"
            ? 1
            : 0;
    if (mediaType !== "text/html" && specificity === 0) continue;
    const quality = qualityOf(parameters);
    if (mediaType === "text/html") html = Math.max(html, quality);
    else if (specificity > jsonSpecificity) {
      // The most specific range that matches JSON decides its quality (RFC 9110, 12.5.1).
      json = quality;
      jsonSpecificity = specificity;
    }
  }
  return html > json;
}

function qualityOf(parameters: string[]): number {
  for (const parameter of parameters) {
    const [key = "", value = ""] = parameter.split("=");
    if (key.trim().toLowerCase() !== "q") continue;
    const quality = Number(value.trim());
    return Number.isFinite(quality) ? Math.min(Math.max(quality, 0), 1) : 0;
  }
  return 1;
}

type ConstraintStrategy = Parameters<FastifyInstance["addConstraintStrategy"]>[0];

const representation: ConstraintStrategy = {
  name: "representation",
  // Undefined for anything but a page, so that unconstrained (API) routes match it.
  deriveConstraint: (request: { headers: Record<string, string | string[] | undefined> }) => {
    const accept = request.headers.accept;
    return prefersHtml(typeof accept === "string" ? accept : undefined) ? "html" : undefined;
  },
  mustMatchWhenDerived: false,
  storage() {
    const handlers = new Map<string, unknown>();
    return {
      get: (value: string) => handlers.get(value) ?? null,
      set: (value: string, handler: unknown) => {
        handlers.set(value, handler);
      },
    };
  },
} as ConstraintStrategy;

/** Every answer may differ by Accept, so caches must key on it: API answers as much as pages. */
function varyOnAccept(reply: FastifyReply): void {
  reply.header("vary", vary.append(String(reply.getHeader("vary") ?? ""), "Accept"));
}

/** Lets routes ask for `PAGE`, and marks every answer of the server as varying by Accept. */
export function negotiateByAccept(app: FastifyInstance): void {
  app.addConstraintStrategy(representation);
  app.addHook("onSend", (_request, reply, payload, done) => {
    varyOnAccept(reply);
    done(null, payload);
  });
}
