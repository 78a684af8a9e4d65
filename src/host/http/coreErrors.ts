import type { AccessError } from "../../core/access.ts";
import type { DocsError } from "../../core/documentation.ts";
import type { FeedError } from "../../core/feed.ts";
import type {
  CreateIdentityError,
  IdentityLookupError,
  MembershipError,
} from "../../core/identities.ts";
import type { ListingError, PackageLookupError } from "../../core/packages.ts";
import type { PublishError } from "../../core/publish.ts";
import type { ResolutionError } from "../../core/resolution.ts";
import type { RevokeError } from "../../core/revoke.ts";
import type { Action } from "../../core/roles.ts";
import type {
  CodeExchangeError,
  EndSessionError,
  LinkedLoginError,
  LoginLinkError,
  LoginRequestError,
} from "../../core/sessions.ts";
import type { DownloadError, VersionQueryError } from "../../core/versions.ts";
import { quote } from "../../gren/wording.ts";
import { type Result, unreachable } from "../../result.ts";
import { ErrorAnswer } from "./errorAnswer.ts";

// The one place where the core's errors become HTTP answers. Each kind of
// error has exactly one code, whichever route it comes from: the core has
// already decided what an outsider may learn (a hidden thing is not found).

export type CoreError =
  | LoginRequestError
  | CodeExchangeError
  | EndSessionError
  | LinkedLoginError
  | LoginLinkError
  | AccessError
  | CreateIdentityError
  | IdentityLookupError
  | MembershipError
  | PackageLookupError
  | ListingError
  | DownloadError
  | VersionQueryError
  | PublishError
  | RevokeError
  | ResolutionError
  | FeedError
  | DocsError;

/** What each action is, to finish "… needs the X role". */
const DOING: Record<Action, string> = {
  see_members: "Seeing its members",
  read_audit_log: "Reading its audit log",
  leave: "Leaving it",
  publish_version: "Publishing",
  revoke_version: "Revoking a version",
  revoke_package: "Revoking a whole package",
  manage_members: "Managing its members",
  read_operations: "Seeing the registry's webhook deliveries",
};

/** What a hidden thing is, to finish "Only members of X can see …". */
const HIDDEN: Record<Action, string> = {
  ...DOING,
  see_members: "its members",
  read_audit_log: "its audit log",
  leave: "its members",
  manage_members: "its members",
};

export function answerFor(error: CoreError): ErrorAnswer {
  switch (error.kind) {
    case "invalid_email":
      return new ErrorAnswer(
        "invalid_request",
        `${quote(error.email)} is not an email address that mail can be sent to; check it and try again.`,
      );
    case "rate_limited": {
      const minutes = Math.ceil(error.retryAfterSeconds / 60);
      return new ErrorAnswer(
        "rate_limited",
        `Too many login codes were asked for; try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
        {},
        { "retry-after": String(error.retryAfterSeconds) },
      );
    }
    case "mail_failed":
      return new ErrorAnswer(
        "mail_failed",
        "The mail with your login code could not be sent; try again in a few minutes.",
      );
    case "invalid_code":
      return new ErrorAnswer(
        "invalid_request",
        "That code does not log you in: it may be mistyped, used, expired or locked after too many tries; ask for a new code.",
      );
    case "not_confirmed":
      return new ErrorAnswer(
        "invalid_request",
        "The login has not been confirmed yet: open the link in the mail and press its button, or give the code.",
      );
    case "invalid_link":
      return new ErrorAnswer(
        "not_found",
        "That login link does not work: it may have been used, or be more than 15 minutes old. Start logging in again.",
      );
    case "no_such_session":
      return new ErrorAnswer("not_found", `You have no session ${quote(error.id)}.`);
    case "invalid_identity_name":
      return new ErrorAnswer(
        "invalid_request",
        `${quote(error.name)} is not a valid identity name: use ASCII letters, digits and single dashes, not starting or ending with a dash.`,
      );
    case "no_such_identity":
      return new ErrorAnswer(
        "not_found",
        `There is no publishing identity named ${quote(error.name)}.`,
      );
    case "identity_taken":
      return new ErrorAnswer(
        "conflict",
        `The identity name ${quote(error.name)} is taken (names that differ only in case are the same); choose another.`,
      );
    case "identity_look_alike":
      return new ErrorAnswer(
        "conflict",
        `${quote(error.name)} looks too much like the identity ${quote(error.existing)} (letters people confuse, such as I, l and 1, or 0 and o, count as one); choose a name that stands apart.`,
      );
    case "identity_reserved":
      return new ErrorAnswer(
        "forbidden",
        error.name === error.reserved
          ? `${quote(error.name)} is reserved: only the registry's operators may create it.`
          : `${quote(error.name)} looks like ${quote(error.reserved)}, which is reserved: only the registry's operators may create it.`,
      );
    case "hidden":
      return new ErrorAnswer(
        "not_found",
        `Only members of ${quote(error.identity)} can see ${HIDDEN[error.action]}.`,
      );
    case "forbidden":
      return new ErrorAnswer(
        "forbidden",
        `${DOING[error.action]} needs the ${error.needed} role in ${quote(error.identity)}, and ${error.role ? `yours is ${error.role}` : "you are not a member"}; ask one of its admins.`,
      );
    case "invalid_role":
      return new ErrorAnswer(
        "invalid_request",
        `${quote(error.role)} is not a role; use download, publish or admin.`,
      );
    case "no_such_member":
      return new ErrorAnswer(
        "not_found",
        `${quote(error.email)} is not a member of ${quote(error.identity)}.`,
      );
    case "last_admin":
      return new ErrorAnswer(
        "conflict",
        `${quote(error.identity)} must keep at least one admin; make another member admin first.`,
      );
    case "invalid_package_name":
      return new ErrorAnswer(
        "invalid_request",
        `${quote(error.name)} is not a package name: it is author/project, the project in lower case.`,
      );
    case "no_such_package":
      return new ErrorAnswer("not_found", `There is no package ${error.name}.`);
    case "invalid_limit":
      return new ErrorAnswer("invalid_request", `limit must be from 1 to ${error.max}.`);
    case "invalid_version":
      return new ErrorAnswer(
        "invalid_request",
        `${quote(error.version)} is not a version: use MAJOR.MINOR.PATCH, like 1.0.0.`,
      );
    case "no_such_version":
      return new ErrorAnswer("not_found", `${error.name} has no version ${error.version}.`);
    case "no_version_found":
      return new ErrorAnswer("not_found", `${error.name} has no version that fits.`);
    case "revoked":
      return new ErrorAnswer(
        "gone",
        `${error.name} ${error.version} was revoked on ${error.revoked.at}: ${error.revoked.reason}`,
        { revoked: error.revoked },
      );
    case "docs_pending":
      return new ErrorAnswer(
        "unavailable",
        `The documentation of ${error.name} ${error.version} is still being made from its bundle; ask again in a minute.`,
        {},
        { "retry-after": "30" },
      );
    case "docs_refused":
      return new ErrorAnswer(
        "not_found",
        `${error.name} ${error.version} has no documentation: ${error.reasons.join(" ")}`,
      );
    case "no_such_module":
      return new ErrorAnswer(
        "not_found",
        `${error.name} ${error.version} has no module named ${error.module}.`,
      );
    case "author_spelling":
      return new ErrorAnswer(
        "invalid_request",
        `The identity is spelled ${quote(error.registered)}; publish under that name, not ${quote(error.given)}.`,
      );
    case "version_exists":
      return new ErrorAnswer(
        "conflict",
        `${error.name} ${error.version} is already published, and a version can never be published twice (even after it is revoked); bump the version.`,
      );
    case "invalid_bundle":
      return new ErrorAnswer(
        "invalid_bundle",
        `The bundle was refused: ${error.problems.length === 1 ? "1 problem" : `${error.problems.length} problems`} to fix.`,
        { problems: error.problems },
      );
    case "unpacked_too_large":
      return new ErrorAnswer(
        "payload_too_large",
        `The bundle unpacks to more than ${error.limit} bytes, the most this registry accepts.`,
      );
    case "install_name_taken":
      return new ErrorAnswer(
        "conflict",
        `${error.name} would be installed as ${error.file}, the same file as ${error.existing} (the compiler turns "/", "-" and "." into "_"), so no project could use both; choose another name.`,
      );
    case "reason_required":
      return new ErrorAnswer(
        "invalid_request",
        'Revoking needs a reason, as {"reason": "..."}: users will see it when their dependency disappears.',
      );
    case "invalid_platform":
      return new ErrorAnswer(
        "invalid_request",
        `${quote(error.platform)} is not a platform: use common, browser or node.`,
      );
    case "invalid_requirement":
      return new ErrorAnswer(
        "invalid_request",
        `${quote(error.requirement)}, asked of ${error.name}, is neither a version (like 1.2.3) nor a range (like "1.0.0 <= v < 2.0.0", the lower below the upper).`,
      );
    case "too_many_dependencies":
      return new ErrorAnswer(
        "invalid_request",
        `${error.count} dependencies are more than one resolution takes (at most ${error.max}).`,
      );
    case "unresolvable":
      return new ErrorAnswer("conflict", error.message, { problems: error.problems });
    default:
      return unreachable(error);
  }
}

/** The value of a success, or the error answer of a failure, thrown for the error handler. */
export function orAnswer<T>(result: Result<T, CoreError>): T {
  if (!result.ok) throw answerFor(result.error);
  return result.value;
}
