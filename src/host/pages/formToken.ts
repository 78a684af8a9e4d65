import { html } from "htm/preact";
import { createContext, type VNode } from "preact";
import { useContext } from "preact/hooks";

// Every form on the site that posts carries the browser's form token, which
// another site can neither read nor set; see formGuard.ts. The token is asked
// for only when a page has such a form, so a page without one sets no cookie
// and stays the same for everyone.

/** The name of the hidden field. */
export const FORM_TOKEN_FIELD = "form_token";

/** Gives the token of the browser a page is rendered for; set by `renderPage`. */
export const FormTokenSource = createContext<() => string>(() => {
  throw new Error("A form that posts was rendered outside a page");
});

/** The hidden field every form that posts carries. */
export function FormTokenField(): VNode {
  const token = useContext(FormTokenSource)();
  return html`<input type="hidden" name=${FORM_TOKEN_FIELD} value=${token} />`;
}
