import { html } from "htm/preact";
import { unreachable } from "../../result.ts";
import type { ErrorCode } from "../../wire/errors.ts";
import type { ErrorAnswer } from "../http/errorAnswer.ts";
import { type Page, searchForm, type Viewer } from "./layout.ts";
import { packagePath } from "./paths.ts";

/** The heading of each error, in words; the answer's own message says the rest. */
function headingOf(code: ErrorCode): string {
  switch (code) {
    case "not_found":
      return "Not found";
    case "gone":
      return "Revoked";
    case "invalid_request":
    case "invalid_bundle":
      return "That address is not quite right";
    case "unauthenticated":
      return "Please log in";
    case "forbidden":
      return "Not allowed";
    case "conflict":
      return "Conflict";
    case "payload_too_large":
      return "Too large";
    case "rate_limited":
      return "Too many requests";
    case "internal":
    case "mail_failed":
    case "unavailable":
      return "Something went wrong";
    default:
      return unreachable(code);
  }
}

/**
 * The page of an error answer: the same status and meaning as the API's
 * `{code, message}`. A package that is not there is searched for by what
 * was asked, with the names close to it offered first.
 */
export function errorPage(answer: ErrorAnswer, viewer: Viewer | undefined, asked?: string): Page {
  const heading = headingOf(answer.code);
  const suggestions = answer.extra.suggestions;
  const close = Array.isArray(suggestions)
    ? suggestions.filter((name): name is string => typeof name === "string")
    : [];
  return {
    title: heading,
    viewer,
    main: html`<h1>${heading}</h1>
      <p>${answer.message}</p>
      ${
        close.length > 0
          ? html`<section aria-labelledby="suggestions-heading">
              <h2 id="suggestions-heading">Did you mean</h2>
              <ul class="package-list">
                ${close.map((name) => html`<li><a class="name" href=${packagePath(name)}>${name}</a></li>`)}
              </ul>
            </section>`
          : null
      }
      <p>Try a search, or go to the <a href="/">home page</a>.</p>
      ${searchForm(asked ?? "", "main")}`,
  };
}
