import { html } from "htm/preact";
import type { LoginToConfirm } from "../../core/sessions.ts";
import { FormTokenField } from "./formToken.ts";
import type { Page } from "./layout.ts";

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

export function waitingPage(problem?: string): Page {
  return {
    title: "Check your mail",
    viewer: undefined,
    main: html`<h1>Check your mail</h1>
      <p>
        A mail is on its way with a link and a code. Open the link and confirm, in this browser or
        any other, then continue here; or type the code.
      </p>
      ${problem ? html`<p class="problem" role="alert">${problem}</p>` : null}
      <form class="stacked-form" method="get" action="/login/wait">
        <button type="submit">I have confirmed by the link: continue</button>
      </form>
      <form class="stacked-form" method="post" action="/login/code">
        <${FormTokenField} />
        <label for="login-code">Code from the mail</label>
        <input
          id="login-code"
          name="code"
          autocomplete="one-time-code"
          inputmode="text"
          required
          maxlength="20"
        />
        <button type="submit">Log in with the code</button>
      </form>
      <p><a href="/login">Start again</a></p>`,
  };
}

/** The page the mailed link opens: it confirms only when the button is pressed. */
export function confirmPage(linkToken: string, login: LoginToConfirm): Page {
  return {
    title: "Confirm your login",
    viewer: undefined,
    main: html`<h1>Confirm your login</h1>
      <p>
        Someone asked to log in to the Gren package registry as <strong>${login.email}</strong>, from
        the address ${login.client || "unknown"} at
        <time datetime=${login.requestedAt}>${login.requestedAt.slice(0, 16).replace("T", " ")} UTC</time>.
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
