import { html } from "htm/preact";
import type { LoginToConfirm } from "../../core/sessions.ts";
import { FormTokenField } from "./formToken.ts";
import type { Page, Viewer } from "./layout.ts";

// The pages of logging in on the site: the address form, the page that waits
// for the mailed link or code, and the page the mailed link opens.

/** Where a browser that started a login keeps its fetch token meanwhile. */
export const LOGIN_COOKIE = "gren_login";
/** The browser's session token. */
export const SESSION_COOKIE = "gren_session";

export function loginPage(problem?: string): Page {
  return {
    title: "Log in",
    viewer: undefined,
    main: html`<h1>Log in</h1>
      <p>
        There are no passwords: the registry mails you a link and a code. Open the link, or type
        the code on the next page.
      </p>
      ${problem ? html`<p class="problem" role="alert">${problem}</p>` : null}
      <form class="stacked-form" method="post" action="/login">
        <${FormTokenField} />
        <label for="login-email">Email address</label>
        <input id="login-email" type="email" name="email" autocomplete="email" required />
        <button type="submit">Mail me a link</button>
      </form>`,
  };
}

/** Someone already logged in asks to log in: they are told so, and how to be someone else. */
export function loggedInPage(viewer: Viewer): Page {
  return {
    title: "Logged in",
    viewer,
    main: html`<h1>You are logged in</h1>
      <p>This browser is logged in as <strong>${viewer.email}</strong>.</p>
      <p>
        See <a href="/account">your account</a>, its identities and sessions. To log in as someone
        else, log out first.
      </p>
      <form class="stacked-form" method="post" action="/logout">
        <button type="submit">Log out</button>
      </form>`,
  };
}

/**
 * Waiting for the mailed link or code. Confirmed in another tab of this
 * browser, the link logs the browser in: the site's script notices within a
 * few seconds and carries on here. Without it, or confirmed in another
 * browser, the Continue link does.
 */
export function waitingPage(problem?: string): Page {
  return {
    title: problem ? "That code did not work" : "Check your mail",
    viewer: undefined,
    main: html`<h1>Check your mail</h1>
      <div data-login-state="/login/state" data-then="/">
        <p>
          A mail is on its way with a link and a code. Open the link and confirm: in this browser,
          this page carries on by itself; in another browser or on another device, come back and
          continue. Or type the code here.
        </p>
        <p class="login-status meta" role="status" aria-live="polite"></p>
      </div>
      <form class="stacked-form" method="post" action="/login/code">
        <${FormTokenField} />
        <label for="login-code">Code from the mail</label>
        ${problem ? html`<p class="problem" id="code-problem" role="alert">${problem}</p>` : null}
        <input
          id="login-code"
          name="code"
          autocomplete="one-time-code"
          inputmode="text"
          required
          maxlength="20"
          aria-invalid=${problem ? "true" : undefined}
          aria-describedby=${problem ? "code-problem" : undefined}
        />
        <button type="submit">Log in with the code</button>
      </form>
      <p>
        <a href="/login/wait">I confirmed by the link: continue</a> ·
        <a href="/login">Start again</a>
      </p>`,
  };
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** An ISO time as a sentence reads it: "6 December 2026 at 10:42 UTC". */
export function spokenTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const hours = String(date.getUTCHours()).padStart(2, "0");
  const minutes = String(date.getUTCMinutes()).padStart(2, "0");
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} at ${hours}:${minutes} UTC`;
}

/** The page the mailed link opens: it confirms only when the button is pressed. */
export function confirmPage(linkToken: string, login: LoginToConfirm): Page {
  return {
    title: "Confirm your login",
    viewer: undefined,
    main: html`<h1>Confirm your login</h1>
      <p>
        Someone asked to log in to the Gren package registry as <strong>${login.email}</strong>, from
        the address ${login.client || "unknown"}, on
        ${" "}<time datetime=${login.requestedAt}>${spokenTime(login.requestedAt)}</time>.
        If that was you, confirm it; if not, close this page and nobody logs in.
      </p>
      <form class="stacked-form" method="post" action="/login/confirm">
        <${FormTokenField} />
        <input type="hidden" name="token" value=${linkToken} />
        <button type="submit">Yes, log me in</button>
      </form>`,
  };
}

export function confirmedPage(email: string): Page {
  return {
    title: "Login confirmed",
    viewer: undefined,
    main: html`<h1>Login confirmed</h1>
      <p>
        You are logging in as <strong>${email}</strong>. Go back to where you started, your
        terminal or the other browser: it carries on by itself.
      </p>`,
  };
}
