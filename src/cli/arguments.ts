// The arguments people type, checked by the registry's own rules before
// anything is sent: a malformed one is a usage error (exit 2), saying what is
// wrong with it.

import {
  identityNameProblem,
  type PackageName,
  packageNameProblem,
  parsePackageName,
} from "../gren/names.ts";
import { parseVersion, type Version } from "../gren/semver.ts";
import { type Email, parseEmail } from "../wire/email.ts";
import { usageError } from "./cliError.ts";

export function packageArgument(text: string): PackageName {
  const name = parsePackageName(text);
  if (name) return name;
  const why = packageNameProblem(text);
  throw usageError(
    `${JSON.stringify(text)} is not a package name: ${why?.problem ?? "it is author/project"}${why?.meant ? `; did you mean ${why.meant}?` : ""}`,
  );
}

export function versionArgument(text: string): Version {
  const version = parseVersion(text);
  if (!version) throw usageError(`"${text}" is not a version: use MAJOR.MINOR.PATCH, like 1.0.0`);
  return version;
}

/** A publishing identity's name, as the registry takes them. */
export function identityArgument(text: string): string {
  const problem = identityNameProblem(text);
  if (problem) throw usageError(`${JSON.stringify(text)} is not an identity name: ${problem}`);
  return text;
}

/** An email address, as the registry takes them: one mail can be sent to. */
export function emailArgument(text: string): Email {
  const email = parseEmail(text);
  if (!email) {
    throw usageError(
      `${JSON.stringify(text)} is not an email address that mail can be sent to, like me@example.com`,
    );
  }
  return email;
}
