import type { AccessError } from "../../core/access.ts";
import type { CreateIdentityError, LookupError, MembershipError } from "../../core/identities.ts";
import type { PackageLookupError } from "../../core/packages.ts";
import type { PublishError } from "../../core/publish.ts";
import type { RevokeError } from "../../core/revoke.ts";
import type { CodeExchangeError, LoginRequestError } from "../../core/sessions.ts";
import type { BundleError, VersionLookupError, VersionQueryError } from "../../core/versions.ts";
import { unreachable } from "../../result.ts";
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

export function packageLookupProblem(error: PackageLookupError): Problem {
  switch (error.kind) {
    case "invalid_package_name":
      return new Problem(
        "invalid_request",
        `"${error.name}" is not a package name: it is author/project, the project in lower case.`,
      );
    case "no_such_package":
      return new Problem("not_found", `There is no package ${error.name}.`);
    default:
      return unreachable(error);
  }
}

const invalidVersion = (version: string) =>
  new Problem(
    "invalid_request",
    `"${version}" is not a version: use MAJOR.MINOR.PATCH, like 1.0.0.`,
  );

export function versionLookupProblem(error: VersionLookupError): Problem {
  switch (error.kind) {
    case "invalid_version":
      return invalidVersion(error.version);
    case "no_such_version":
      return new Problem("not_found", `${error.name} has no version ${error.version}.`);
    default:
      return packageLookupProblem(error);
  }
}

export function bundleProblem(error: BundleError): Problem {
  if (error.kind !== "revoked") return versionLookupProblem(error);
  return new Problem(
    "gone",
    `${error.name} ${error.version} was revoked on ${error.revoked.at}: ${error.revoked.reason}`,
    { revoked: error.revoked },
  );
}

export function versionQueryProblem(error: VersionQueryError): Problem {
  switch (error.kind) {
    case "invalid_version":
      return invalidVersion(error.version);
    case "no_version_found":
      return new Problem("not_found", `${error.name} has no version that fits.`);
    default:
      return packageLookupProblem(error);
  }
}

export function publishProblem(error: PublishError): Problem {
  switch (error.kind) {
    case "invalid_package_name":
    case "no_such_package":
      return packageLookupProblem(error);
    case "invalid_version":
      return invalidVersion(error.version);
    case "access":
      return publishAccessProblem(error.error);
    case "author_spelling":
      return new Problem(
        "invalid_request",
        `The identity is spelled "${error.registered}"; publish under that name, not "${error.given}".`,
      );
    case "version_exists":
      return new Problem(
        "conflict",
        `${error.name} ${error.version} is already published, and a version can never be published twice (even after it is revoked); bump the version.`,
      );
    case "invalid_bundle":
      return new Problem(
        "invalid_bundle",
        `The bundle was refused: ${error.problems.length === 1 ? "1 problem" : `${error.problems.length} problems`} to fix.`,
        { problems: error.problems },
      );
    case "unpacked_too_large":
      return new Problem(
        "payload_too_large",
        `The bundle unpacks to more than ${error.limit} bytes, the most this registry accepts.`,
      );
    default:
      return unreachable(error);
  }
}

export function revokeProblem(error: RevokeError): Problem {
  switch (error.kind) {
    case "reason_required":
      return new Problem(
        "invalid_request",
        'Revoking needs a reason, as {"reason": "..."}: users will see it when their dependency disappears.',
      );
    case "access":
      return error.error.kind === "not_a_member"
        ? new Problem(
            "forbidden",
            `Revoking needs a role in "${error.error.identity}", and you are not a member; ask one of its admins.`,
          )
        : accessProblem(error.error);
    default:
      return versionLookupProblem(error);
  }
}

function publishAccessProblem(error: AccessError): Problem {
  switch (error.kind) {
    case "invalid_name":
    case "no_such_identity":
      return lookupProblem(error);
    case "not_a_member":
      return new Problem(
        "forbidden",
        `Publishing under "${error.identity}" needs the publish role in it, and you are not a member; ask one of its admins.`,
      );
    case "forbidden":
      return accessProblem(error);
    default:
      return unreachable(error);
  }
}
