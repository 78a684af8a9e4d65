import { html } from "htm/preact";
import { TOKEN_LIMITS } from "../../wire/limits.ts";
import type { SessionView, UserView } from "../../wire/session.ts";
import type { TokenCreated, TokenView } from "../../wire/tokens.ts";
import type { FormGuard } from "./forms.ts";
import { day, type Page } from "./layout.ts";
import { identityPath } from "./paths.ts";

// A signed-in user's own page: their identities, their sessions (ending the
// others), and their API tokens (making and revoking them).

export interface AccountContent {
  user: UserView;
  sessions: SessionView[];
  tokens: TokenView[];
  guard: FormGuard;
  /** A token just made: its text, shown this once. */
  created?: TokenCreated;
  /** Why the last form was refused. */
  problem?: string;
}

const when = (iso: string | null) => (iso === null ? "never" : day(iso));

export function accountPage(content: AccountContent): Page {
  const { user, sessions, tokens, guard, created, problem } = content;
  return {
    title: "Your account",
    viewer: { email: user.email },
    main: html`<h1>Your account</h1>
      <p>Logged in as <strong>${user.email}</strong>.</p>
      ${problem ? html`<p class="problem" role="alert">${problem}</p>` : null}
      ${created ? createdToken(created) : null}
      <section aria-labelledby="identities-heading">
        <h2 id="identities-heading">Publishing identities</h2>
        ${
          user.identities.length === 0
            ? html`<p>You are a member of no publishing identity.</p>`
            : html`<table>
                <thead>
                  <tr><th scope="col">Identity</th><th scope="col">Your role</th></tr>
                </thead>
                <tbody>
                  ${user.identities.map(
                    (identity) => html`<tr>
                      <td><a href=${identityPath(identity.name)}>${identity.name}</a></td>
                      <td>${identity.role}</td>
                    </tr>`,
                  )}
                </tbody>
              </table>`
        }
      </section>
      <section aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">Sessions</h2>
        <p class="meta">Each browser or command line you logged in with. End any you do not recognise.</p>
        <table>
          <thead>
            <tr>
              <th scope="col">Began</th>
              <th scope="col">Last used</th>
              <th scope="col">Ends</th>
              <th scope="col"><span class="visually-hidden">Action</span></th>
            </tr>
          </thead>
          <tbody>
            ${sessions.map(
              (session) => html`<tr>
                <td>${day(session.createdAt)}</td>
                <td>${day(session.lastUsedAt)}</td>
                <td>${day(session.expiresAt)}</td>
                <td>
                  ${
                    session.current
                      ? html`<span class="meta">This one</span>`
                      : html`<form class="inline-form" method="post" action="/account/sessions/end">
                          ${guard}
                          <input type="hidden" name="id" value=${session.id} />
                          <button type="submit" class="button-quiet" aria-label=${`End the session that began ${session.createdAt.slice(0, 10)}`}>
                            End
                          </button>
                        </form>`
                  }
                </td>
              </tr>`,
            )}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="tokens-heading">
        <h2 id="tokens-heading">API tokens</h2>
        <p class="meta">
          Tokens let a machine publish or revoke some packages for you, for a while, without your
          session. A token never does more than you may do yourself.
        </p>
        ${
          tokens.length === 0
            ? html`<p>You have no API tokens.</p>`
            : html`<table>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">May</th>
                    <th scope="col">Packages</th>
                    <th scope="col">Made</th>
                    <th scope="col">Last used</th>
                    <th scope="col">Expires</th>
                    <th scope="col"><span class="visually-hidden">Action</span></th>
                  </tr>
                </thead>
                <tbody>
                  ${tokens.map(
                    (token) => html`<tr>
                      <td>${token.name}</td>
                      <td>${token.actions.join(", ")}</td>
                      <td>
                        ${token.packages.join(", ")}
                        ${token.cidrs.length > 0 ? html`<br /><span class="meta">from ${token.cidrs.join(", ")}</span>` : null}
                      </td>
                      <td>${day(token.createdAt)}</td>
                      <td>${when(token.lastUsedAt)}</td>
                      <td>${day(token.expiresAt)}</td>
                      <td>
                        <form class="inline-form" method="post" action="/account/tokens/revoke">
                          ${guard}
                          <input type="hidden" name="id" value=${token.id} />
                          <button type="submit" class="button-quiet" aria-label=${`Revoke the token ${token.name}`}>
                            Revoke
                          </button>
                        </form>
                      </td>
                    </tr>`,
                  )}
                </tbody>
              </table>`
        }
        <h3>Make a token</h3>
        <form class="stacked-form" method="post" action="/account/tokens">
          ${guard}
          <label for="token-name">Name</label>
          <input id="token-name" name="name" required maxlength=${TOKEN_LIMITS.nameLength} placeholder="release workflow" />
          <fieldset>
            <legend>It may</legend>
            <label><input type="checkbox" name="actions" value="publish" checked /> publish</label>
            <label><input type="checkbox" name="actions" value="revoke" /> revoke</label>
          </fieldset>
          <label for="token-packages">Packages (author/project or author/*, separated by spaces)</label>
          <input id="token-packages" name="packages" required placeholder="acme/widgets acme/*" />
          <label for="token-days">Expires after (days, 1 to ${TOKEN_LIMITS.maxDays})</label>
          <input id="token-days" name="expiresInDays" type="number" min="1" max=${TOKEN_LIMITS.maxDays} value=${TOKEN_LIMITS.defaultDays} />
          <label for="token-cidrs">Only from these address ranges (optional)</label>
          <input id="token-cidrs" name="cidrs" placeholder="203.0.113.0/24" />
          <button type="submit">Make the token</button>
        </form>
      </section>`,
  };
}

function createdToken(token: TokenCreated) {
  return html`<section class="problem" aria-labelledby="created-heading" role="status">
    <h2 id="created-heading">Your new token, ${token.name}</h2>
    <p>Copy it now: it is shown this once, and the registry keeps only a hash of it.</p>
    <p><code class="token" id="new-token">${token.token}</code></p>
  </section>`;
}
