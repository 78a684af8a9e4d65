import type { VNode } from "preact";

/**
 * What every form of the site carries besides its own fields: the place for
 * a guard against forged requests (a CSRF token), put in each form by the
 * pages and checked by each form's POST handler. Empty for now: the session
 * cookie is SameSite=Lax and the pages allow forms to post only to the site.
 */
export type FormGuard = VNode | null;

export const NO_FORM_GUARD: FormGuard = null;
