import type { AccessError } from "../../core/access.ts";
import type { CreateTokenError, RevokeTokenError, TokenAuthError } from "../../core/apiTokens.ts";
import type { ChangesError, CheckError } from "../../core/changes.ts";
import type { ClaimError } from "../../core/ciProviders.ts";
import type { DocsError } from "../../core/documentation.ts";
import type { FeedError } from "../../core/feed.ts";
import type { GrantError } from "../../core/grants.ts";
import type {
  CreateIdentityError,
  IdentityLookupError,
  MembershipError,
} from "../../core/identities.ts";
import type { ListingError, PackageLookupError } from "../../core/packages.ts";
import type { PublishError } from "../../core/publish.ts";
import type { ReadmeError } from "../../core/readme.ts";
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
import type { LogProofError } from "../../core/transparencyLog.ts";
import type { ExchangeError, TrustedPublisherError } from "../../core/trustedPublishing.ts";
import type { DownloadError, VersionQueryError } from "../../core/versions.ts";
import { packageNameProblem } from "../../gren/names.ts";
import { quote } from "../../gren/wording.ts";
import { type Result, unreachable } from "../../result.ts";
import { TOKEN_LIMITS } from "../../wire/limits.ts";
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
  | CreateTokenError
  | RevokeTokenError
  | TokenAuthError
  | GrantError
  | TrustedPublisherError
  | ExchangeError
  | ClaimError
  | LogProofError
  | DocsError
  | ReadmeError
  | ChangesError
  | CheckError;

/** What each action is, to finish "… needs the X role". */
const DOING: Record<Action, string> = {
  see_members: "Seeing its members",
  read_audit_log: "Reading its audit log",
  leave: "Leaving it",
  publish_version: "Publishing",
  publish_history: "Publishing history (?history=true), numbers unchecked,",
  revoke_version: "Revoking a version",
  revoke_package: "Revoking a whole package",
  manage_members: "Managing its members",
  manage_trusted_publishers: "Managing its trusted publishers",
  read_operations: "Seeing the registry's webhook deliveries",
};

/** What a hidden thing is, to finish "Only members of X can see …". */
const HIDDEN: Record<Action, string> = {
  ...DOING,
  see_members: "its members",
  read_audit_log: "its audit log",
  leave: "its members",
  manage_members: "its members",
  manage_trusted_publishers: "its trusted publishers",
};

const list = (items: readonly string[]): string => items.join(", ");

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
    case "invalid_package_name": {
      const why = packageNameProblem(error.name);
      return new ErrorAnswer(
        "invalid_request",
        `${quote(error.name)} is not a package name: ${why?.problem ?? "it is author/project"}${why?.meant ? `; did you mean ${why.meant}?` : "."}`,
      );
    }
    case "no_such_package":
      return new ErrorAnswer(
        "not_found",
        error.suggestions?.length
          ? `There is no package ${error.name}; did you mean ${alternatives(error.suggestions)}?`
          : `There is no package ${error.name}.`,
        error.suggestions ? { suggestions: error.suggestions } : {},
      );
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
      return new ErrorAnswer("not_found", `${error.name} has no version that fits: ${error.why}.`);
    case "revoked":
      return new ErrorAnswer(
        "gone",
        `${error.name} ${error.version} was revoked on ${error.revoked.at}: ${error.revoked.reason}`,
        { revoked: error.revoked },
      );
    case "no_readme":
      return new ErrorAnswer(
        "not_found",
        `${error.name} ${error.version} was published without a README.`,
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
    case "api_unknown":
      return new ErrorAnswer("not_found", error.reason);
    case "comparison_refused":
      return new ErrorAnswer("unavailable", error.reason);
    case "history_by_workflow":
      return new ErrorAnswer(
        "forbidden",
        `A trusted publisher publishes new versions only; history (?history=true) is brought in by an admin of ${quote(error.identity)}.`,
      );
    case "install_name_taken":
      return new ErrorAnswer(
        "conflict",
        `${error.name} would be installed as ${error.file}, the same file as ${error.existing} (the compiler turns "/", "-" and "." into "_"), so no project could use both; choose another name.`,
      );
    case "already_revoked":
      return new ErrorAnswer(
        "conflict",
        `${error.name} ${error.version} was revoked already, on ${error.revoked.at}, with the reason ${quote(error.revoked.reason)}; a revocation is final, and keeps its reason.`,
        { revoked: error.revoked },
      );
    case "nothing_to_revoke":
      return new ErrorAnswer(
        "conflict",
        `Every version of ${error.name} is revoked already; each keeps the reason it was revoked with.`,
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
    case "search_too_costly":
      return new ErrorAnswer(
        "invalid_request",
        `That search would take longer than the ${error.limitMs / 1000} s the registry gives one; search for something more particular.`,
      );
    case "searches_busy":
      return new ErrorAnswer(
        "rate_limited",
        "Too many searches are waiting already; ask again in a few seconds.",
        {},
        { "retry-after": "5" },
      );
    case "resolutions_busy":
      return new ErrorAnswer(
        "rate_limited",
        "Too many resolutions are waiting already; ask again in a few seconds.",
        {},
        { "retry-after": "5" },
      );
    case "invalid_token_name":
      return new ErrorAnswer(
        "invalid_request",
        `A token needs a name of 1 to ${TOKEN_LIMITS.nameLength} characters, saying what it is for, such as "release workflow".`,
      );
    case "invalid_token_action":
      return new ErrorAnswer(
        "invalid_request",
        `${quote(error.action)} is not something a token may do; use publish or revoke.`,
      );
    case "no_token_actions":
      return new ErrorAnswer(
        "invalid_request",
        'A token must be allowed at least one action: "publish", "revoke", or both.',
      );
    case "invalid_package_pattern":
      return new ErrorAnswer(
        "invalid_request",
        `${quote(error.pattern)} is not a package pattern: use author/project for one package, or author/* for all of an identity's.`,
      );
    case "no_package_patterns":
      return new ErrorAnswer(
        "invalid_request",
        "Name at least one package pattern, such as acme/widgets or acme/*.",
      );
    case "too_many_package_patterns":
      return new ErrorAnswer(
        "invalid_request",
        `At most ${error.max} package patterns may be given; use author/* to cover a whole identity.`,
      );
    case "invalid_token_lifetime":
      return new ErrorAnswer(
        "invalid_request",
        `expiresInDays must be a whole number from 1 to ${TOKEN_LIMITS.maxDays}, not ${error.days}.`,
      );
    case "invalid_address_range":
      return new ErrorAnswer(
        "invalid_request",
        `${quote(error.cidr)} is not an address range: write an IPv4 or IPv6 address with its prefix length, such as 203.0.113.0/24 or 2001:db8::/32.`,
      );
    case "too_many_address_ranges":
      return new ErrorAnswer(
        "invalid_request",
        `At most ${error.max} address ranges may be given.`,
      );
    case "pattern_outside_memberships":
      return new ErrorAnswer(
        "forbidden",
        `You cannot publish to the identity of ${quote(error.pattern)} (it needs the publish role there), so a token of yours could do nothing with it.`,
      );
    case "no_such_token":
      return new ErrorAnswer("not_found", `You have no API token ${quote(error.id)}.`);
    case "mistyped_token":
      return new ErrorAnswer(
        "unauthenticated",
        "That API token is mistyped: its checksum does not match, so part of it is missing or wrong. Copy it again, whole.",
      );
    case "unknown_token":
      return new ErrorAnswer(
        "unauthenticated",
        "That API token is not valid: it may have been revoked, or have expired. Make a new one.",
      );
    case "expired_token":
      return new ErrorAnswer(
        "unauthenticated",
        `That API token expired at ${error.at}; make a new one.`,
      );
    case "token_address":
      return new ErrorAnswer(
        "forbidden",
        `That API token may be used only from ${list(error.ranges)}, and this request came from ${error.address}.`,
      );
    case "token_action":
      return new ErrorAnswer(
        "forbidden",
        `This API token may only ${error.allowed.join(" and ")}; it is not allowed to ${error.action}.`,
      );
    case "token_package":
      return new ErrorAnswer(
        "forbidden",
        `This API token may act only on ${error.patterns}, and ${error.name} is not among them.`,
      );
    case "untrusted_provider":
      return new ErrorAnswer(
        "invalid_request",
        `${quote(error.provider)} is not a CI provider this registry trusts; use ${error.trusted.length > 0 ? list(error.trusted) : "none: its operators have configured no issuer"}.`,
      );
    case "invalid_repository":
      return new ErrorAnswer(
        "invalid_request",
        `${quote(error.repository)} is not a ${error.provider} repository: write it as owner/name (or the project's full path on GitLab).`,
      );
    case "invalid_workflow":
      return new ErrorAnswer(
        "invalid_request",
        `${quote(error.workflow)} is not a ${error.provider} workflow file: give its .yml file, such as release.yml from .github/workflows/ (or the CI configuration's path on GitLab).`,
      );
    case "invalid_environment":
      return new ErrorAnswer(
        "invalid_request",
        `${quote(error.environment)} is not an environment name: at most 255 characters, without control characters.`,
      );
    case "pattern_outside_identity":
      return new ErrorAnswer(
        "invalid_request",
        `${quote(error.pattern)} is not a package of ${quote(error.identity)}: a trusted publisher may publish only the identity's own packages.`,
      );
    case "trusted_publisher_exists":
      return new ErrorAnswer(
        "conflict",
        `${quote(error.identity)} already trusts that workflow, in that environment; remove it first to change its packages.`,
      );
    case "no_such_trusted_publisher":
      return new ErrorAnswer(
        "not_found",
        `${quote(error.identity)} has no trusted publisher ${quote(error.id)}.`,
      );
    case "id_token_malformed":
      return new ErrorAnswer(
        "unauthenticated",
        "That is not an ID token: it must be a signed JWT, as the CI service gives a job.",
      );
    case "id_token_unsigned":
      return new ErrorAnswer(
        "unauthenticated",
        'The ID token is not signed ("alg": "none"), so nothing in it can be believed.',
      );
    case "id_token_algorithm":
      return new ErrorAnswer(
        "unauthenticated",
        `The ID token is signed with ${quote(error.algorithm)}, but its issuer signs with ${list(error.allowed)}.`,
      );
    case "id_token_issuer":
      return new ErrorAnswer(
        "unauthenticated",
        `The ID token's issuer ${error.issuer === undefined ? "is missing" : quote(error.issuer)}${error.issuer === undefined ? "" : " is not one this registry trusts"}; it trusts ${error.trusted.length > 0 ? list(error.trusted) : "none"}.`,
      );
    case "id_token_unknown_key":
      return new ErrorAnswer(
        "unauthenticated",
        `The ID token is signed with a key ${error.keyId === undefined ? "without an id" : quote(error.keyId)} that ${error.issuer} does not list among its keys (it may have been retired).`,
      );
    case "id_token_signature":
      return new ErrorAnswer(
        "unauthenticated",
        `The ID token's signature does not match the key ${error.issuer} lists for it.`,
      );
    case "id_token_audience":
      return new ErrorAnswer(
        "unauthenticated",
        `The ID token is meant for ${error.given.length > 0 ? list(error.given) : "no audience"}, not this registry: ask the CI service for a token with the audience ${error.expected}.`,
      );
    case "id_token_expired":
      return new ErrorAnswer(
        "unauthenticated",
        `The ID token expired at ${error.at}; ask the CI service for a new one.`,
      );
    case "id_token_not_yet_valid":
      return new ErrorAnswer(
        "unauthenticated",
        `The ID token is not valid before ${error.from}; check the clocks.`,
      );
    case "id_token_claim_missing":
      return new ErrorAnswer(
        "unauthenticated",
        `The ID token has no ${quote(error.claim)} claim, which trusted publishing needs.`,
      );
    case "id_token_issuer_unavailable":
      return new ErrorAnswer(
        "unavailable",
        `The keys of ${error.issuer} could not be fetched (${error.reason}); try again in a moment.`,
      );
    case "id_token_provider":
      return new ErrorAnswer(
        "unauthenticated",
        `The issuer ${error.issuer} is configured as ${quote(error.provider)}, which is no CI provider the registry knows.`,
      );
    case "no_trusted_publisher":
      return new ErrorAnswer(
        "unauthenticated",
        `No publishing identity trusts the ${error.provider} repository ${error.repository}; an admin of the identity must add it as a trusted publisher first.`,
      );
    case "workflow_not_trusted":
      return new ErrorAnswer(
        "unauthenticated",
        `The ID token is from the workflow ${error.workflow} of ${error.repository}, but only ${list(error.trusted)} is trusted to publish from it.`,
      );
    case "environment_not_trusted":
      return new ErrorAnswer(
        "unauthenticated",
        `The ID token is from ${error.environment === undefined ? "a job with no environment" : `the environment ${quote(error.environment)}`} of ${error.repository}, but publishing is trusted only in ${list(error.trusted)}.`,
      );
    case "repository_replaced":
      return new ErrorAnswer(
        "unauthenticated",
        `${error.repository} is not the repository that was trusted: it was deleted and made again, or changed owners. An admin must remove and add the trusted publisher again.`,
      );
    case "id_token_replayed":
      return new ErrorAnswer(
        "unauthenticated",
        "That ID token was already exchanged (its jti was seen before); each is accepted once. Ask the CI service for a new one.",
      );
    case "beyond_log":
      return new ErrorAnswer(
        "invalid_request",
        `${error.what} ${error.value} is beyond the log, which holds ${error.size} entr${error.size === 1 ? "y" : "ies"}.`,
      );
    case "invalid_log_range":
      return new ErrorAnswer("invalid_request", error.message);
    default:
      return unreachable(error);
  }
}

/** `a`, `a or b`, `a, b or c`. */
function alternatives(names: readonly string[]): string {
  return names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`;
}

/** The value of a success, or the error answer of a failure, thrown for the error handler. */
export function orAnswer<T>(result: Result<T, CoreError>): T {
  if (!result.ok) throw answerFor(result.error);
  return result.value;
}
