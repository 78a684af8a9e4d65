import {
  formatPackageName,
  type PackageName,
  parseIdentityName,
  parseProjectName,
} from "../gren/names.ts";
import { formatVersion, parseVersion, type Version } from "../gren/semver.ts";
import { err, ok, type Result } from "../result.ts";

// What a request is about, read once, at the edge: a route turns the text of
// its address into these values before it asks the core anything, so every
// rule below works with names and versions that are known to be well formed.

/** One version of one package. */
export interface VersionAddress {
  name: PackageName;
  version: Version;
}

export type AddressError =
  | { kind: "invalid_package_name"; name: string }
  | { kind: "invalid_version"; version: string };

/** The package an `author` and `project` name. */
export function packageAddress(text: {
  author: string;
  project: string;
}): Result<PackageName, AddressError> {
  const author = parseIdentityName(text.author);
  const project = parseProjectName(text.project);
  if (!author || !project) {
    return err({ kind: "invalid_package_name", name: `${text.author}/${text.project}` });
  }
  return ok({ author, project });
}

/** A version as an address, or a query such as `?gren=`, writes it. */
export function versionFrom(text: string): Result<Version, AddressError> {
  const version = parseVersion(text);
  return version ? ok(version) : err({ kind: "invalid_version", version: text });
}

/** The version an `author`, `project` and `version` name. */
export function versionAddress(text: {
  author: string;
  project: string;
  version: string;
}): Result<VersionAddress, AddressError> {
  const name = packageAddress(text);
  if (!name.ok) return name;
  const version = versionFrom(text.version);
  return version.ok ? ok({ name: name.value, version: version.value }) : version;
}

/** How people write a version of a package: `gren-lang/core 7.0.0`. */
export const formatAddress = (address: VersionAddress): string =>
  `${formatPackageName(address.name)} ${formatVersion(address.version)}`;
