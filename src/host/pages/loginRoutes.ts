import formbody from "@fastify/formbody";
import { type FastifyPluginAsyncTypebox, Type } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import {
  collectConfirmedLogin,
  confirmLogin,
  exchangeCode,
  fetchTokenHash,
  loginToConfirm,
  logout,
  requestLogin,
} from "../../core/sessions.ts";
import { FETCH_TOKEN_MINUTES } from "../../wire/limits.ts";
import { answerFor, orAnswer } from "../http/coreErrors.ts";
import type { RouteContext } from "../http/routeContext.ts";
import { siteCookies } from "./cookies.ts";
import {
  confirmedPage,
  confirmPage,
  LOGIN_COOKIE,
  loggedInPage,
  loginPage,
  SESSION_COOKIE,
  waitingPage,
} from "./loginPages.ts";
import { PAGE } from "./negotiation.ts";
import { sendPage } from "./sendPage.ts";
import { pageViewer } from "./viewer.ts";

// Logging in on the site, by the emailed link or its code. The browser keeps
// the fetch token in a cookie while it waits, and then its session token in
// another; both are HttpOnly and SameSite=Lax, and Secure over HTTPS. Opening
// the mailed link shows what it would confirm; only pressing its button does,
// since mail scanners open links too. Every form here is guarded against
// other sites (formGuard.ts), by the plugin that registers these routes.

const hidden = { hide: true };
const EmailForm = Type.Object({ email: Type.String({ maxLength: 320 }) });
const CodeForm = Type.Object({ code: Type.String({ maxLength: 200 }) });
const LinkForm = Type.Object({ token: Type.String({ maxLength: 200 }) });

export const loginRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (
  app,
  { ports, config, logins, auth },
) => {
  // Forms arrive URL-encoded; only these routes read them.
  await app.register(formbody);

  const cookieOptions = siteCookies(config.publicUrl);

  /** The browser is logged in: its session cookie is set, the waiting one cleared. */
  const signIn = (request: FastifyRequest, reply: FastifyReply, sessionToken: string) =>
    reply
      .clearCookie(LOGIN_COOKIE, cookieOptions(request))
      .setCookie(
        SESSION_COOKIE,
        sessionToken,
        cookieOptions(request, Math.floor(config.sessions.lifetimeMs / 1000)),
      )
      .redirect("/", 303);

  app.get("/login", { constraints: PAGE, schema: hidden }, async (request, reply) => {
    const viewer = pageViewer(auth, request);
    return sendPage(reply, viewer ? loggedInPage(viewer) : loginPage());
  });

  app.post("/login", { schema: { ...hidden, body: EmailForm } }, async (request, reply) => {
    const started = await requestLogin(ports, {
      email: request.body.email,
      client: request.ip,
      confirmationPage: `${config.publicUrl}/login/confirm`,
    });
    if (!started.ok) return sendPage(reply, loginPage(answerFor(started.error).message), 400);
    return reply
      .setCookie(
        LOGIN_COOKIE,
        started.value.fetchSessionToken,
        cookieOptions(request, FETCH_TOKEN_MINUTES * 60),
      )
      .redirect("/login/wait", 303);
  });

  app.get("/login/wait", { constraints: PAGE, schema: hidden }, async (request, reply) => {
    const pending = request.cookies[LOGIN_COOKIE];
    // Confirmed in another tab of this browser, which logged the browser in there and then.
    if (!pending) return reply.redirect(pageViewer(auth, request) ? "/" : "/login", 303);
    const collected = collectConfirmedLogin(ports, pending);
    if (collected.ok) return signIn(request, reply, collected.value.sessionToken);
    return collected.error.kind === "not_confirmed"
      ? sendPage(reply, waitingPage())
      : sendPage(reply, loginPage("That login has ended; start again."), 400);
  });

  // What the waiting page's script asks every few seconds: has the link been confirmed?
  app.get("/login/state", { schema: hidden }, async (request, reply) => {
    void reply.header("cache-control", "no-store");
    const pending = request.cookies[LOGIN_COOKIE];
    if (!pending) return { state: pageViewer(auth, request) ? "signed_in" : "ended" };
    const collected = collectConfirmedLogin(ports, pending);
    if (collected.ok) {
      void reply
        .clearCookie(LOGIN_COOKIE, cookieOptions(request))
        .setCookie(
          SESSION_COOKIE,
          collected.value.sessionToken,
          cookieOptions(request, Math.floor(config.sessions.lifetimeMs / 1000)),
        );
      return { state: "signed_in" };
    }
    return { state: collected.error.kind === "not_confirmed" ? "waiting" : "ended" };
  });

  app.post("/login/code", { schema: { ...hidden, body: CodeForm } }, async (request, reply) => {
    const pending = request.cookies[LOGIN_COOKIE];
    if (!pending) return reply.redirect("/login", 303);
    const exchanged = exchangeCode(ports, { fetchSessionToken: pending, code: request.body.code });
    if (exchanged.ok) return signIn(request, reply, exchanged.value.sessionToken);
    return sendPage(reply, waitingPage(answerFor(exchanged.error).message), 400);
  });

  app.get(
    "/login/confirm",
    { schema: { ...hidden, querystring: LinkForm } },
    async (request, reply) =>
      sendPage(
        reply,
        confirmPage(request.query.token, orAnswer(loginToConfirm(ports, request.query.token))),
      ),
  );

  app.post("/login/confirm", { schema: { ...hidden, body: LinkForm } }, async (request, reply) => {
    const confirmed = orAnswer(confirmLogin(ports, request.body.token));
    logins.wake(confirmed.fetchTokenHash);
    // Confirmed in the very browser that asked: it is logged in at once.
    const pending = request.cookies[LOGIN_COOKIE];
    if (pending && fetchTokenHash(ports, pending) === confirmed.fetchTokenHash) {
      const collected = collectConfirmedLogin(ports, pending);
      if (collected.ok) return signIn(request, reply, collected.value.sessionToken);
    }
    return sendPage(reply, confirmedPage(confirmed.email));
  });

  app.post("/logout", { schema: hidden }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) logout(ports, token);
    return reply.clearCookie(SESSION_COOKIE, cookieOptions(request)).redirect("/", 303);
  });
};
