import type { AccessError } from "../../core/access.ts";
import type { CreateIdentityError, LookupError, MembershipError } from "../../core/identities.ts";
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

const invalidIdentityName = (name: string) =>
  new Problem(
    "invalid_request",
    `"${name}" is not a valid identity name: use ASCII letters, digits and single dashes, not starting or ending with a dash.`,
  );

const noSuchIdentity = (name: string) =>
  new Problem("not_found", `There is no publishing identity named "${name}".`);

export function lookupProblem(error: LookupError): Problem {
  switch (error.kind) {
    case "invalid_name":
      return invalidIdentityName(error.name);
    case "no_such_identity":
      return noSuchIdentity(error.name);
    default:
      return unreachable(error);
  }
}

export function createIdentityProblem(error: CreateIdentityError): Problem {
  switch (error.kind) {
    case "invalid_name":
      return invalidIdentityName(error.name);
    case "name_taken":
      return new Problem(
        "conflict",
        `The identity name "${error.name}" is taken (names that differ only in case are the same); choose another.`,
      );
    default:
      return unreachable(error);
  }
}

/** Access to an identity's members: to outsiders the member list does not exist. */
export function accessProblem(error: AccessError): Problem {
  switch (error.kind) {
    case "invalid_name":
    case "no_such_identity":
      return lookupProblem(error);
    case "not_a_member":
      return new Problem(
        "not_found",
        `The members of "${error.identity}" are visible only to its members.`,
      );
    case "forbidden":
      return new Problem(
        "forbidden",
        `This needs the ${error.needed} role in "${error.identity}"; yours is ${error.role}. Ask one of its admins.`,
      );
    default:
      return unreachable(error);
  }
}

export function membershipProblem(error: MembershipError): Problem {
  switch (error.kind) {
    case "invalid_email":
      return new Problem("invalid_request", `"${error.email}" is not a valid email address.`);
    case "invalid_role":
      return new Problem(
        "invalid_request",
        `"${error.role}" is not a role; use download, publish or admin.`,
      );
    case "no_such_member":
      return new Problem("not_found", `${error.email} is not a member of "${error.identity}".`);
    case "last_admin":
      return new Problem(
        "conflict",
        `"${error.identity}" must keep at least one admin; make another member admin first.`,
      );
    default:
      return accessProblem(error);
  }
}
