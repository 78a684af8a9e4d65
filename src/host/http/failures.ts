import { unreachable } from "../../core/result.ts";
import type { CodeExchangeError, LoginRequestError } from "../../core/sessions.ts";
import { Problem } from "./problem.ts";

// The one place where the core's errors become HTTP answers.

export function loginRequestProblem(error: LoginRequestError): Problem {
  switch (error.kind) {
    case "invalid_email":
      return new Problem(
        "invalid_request",
        "That is not an email address a login code can be sent to; check it and try again.",
      );
    case "rate_limited": {
      const minutes = Math.ceil(error.retryAfterSeconds / 60);
      return new Problem(
        "rate_limited",
        `Too many login codes were asked for; try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
        {},
        { "retry-after": String(error.retryAfterSeconds) },
      );
    }
    case "mail_failed":
      return new Problem(
        "mail_failed",
        "The mail with your login code could not be sent; try again in a few minutes.",
      );
    default:
      return unreachable(error);
  }
}

export function codeExchangeProblem(error: CodeExchangeError): Problem {
  switch (error.kind) {
    case "invalid_code":
      return new Problem(
        "invalid_request",
        "That code does not log you in: it may be mistyped, used, expired or locked after too many tries; ask for a new code.",
      );
    default:
      return unreachable(error.kind);
  }
}
