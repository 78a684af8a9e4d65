import { html } from "htm/preact";
import type { VNode } from "preact";
import { FormTokenField } from "./formToken.ts";

/**
 * What every form of the site carries besides its own fields: the guard
 * against forged requests, the browser's form token, put in each form by the
 * pages and checked on every POST of the site's pages (formGuard.ts).
 */
export type FormGuard = VNode | null;

/** The hidden field holding the browser's form token. */
export const FORM_GUARD: FormGuard = html`<${FormTokenField} />`;
