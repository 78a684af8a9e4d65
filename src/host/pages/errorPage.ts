import { html } from "htm/preact";
import { unreachable } from "../../result.ts";
import type { ErrorCode } from "../../wire/errors.ts";
import type { ErrorAnswer } from "../http/errorAnswer.ts";
import { type Page, searchForm, type Viewer } from "./layout.ts";

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

/** The page of an error answer: the same status and meaning as the API's `{code, message}`. */
export function errorPage(answer: ErrorAnswer, viewer: Viewer | undefined): Page {
  const heading = headingOf(answer.code);
  return {
    title: heading,
    viewer,
    main: html`<h1>${heading}</h1>
      <p>${answer.message}</p>
      <p>Try a search, or go to the <a href="/">home page</a>.</p>
      ${searchForm("", "main")}`,
  };
}
