import type { FastifyRequest } from "fastify";
import {
  packageAddress,
  type VersionAddress,
  versionAddress,
  versionFrom,
} from "../../core/address.ts";
import { LATEST, type VersionChoice } from "../../core/documentation.ts";
import type { PackageName } from "../../gren/names.ts";
import type { Version } from "../../gren/semver.ts";
import { orAnswer } from "./coreErrors.ts";

// A request's address, read once: the first to ask parses the route's
// `author`, `project` and `version` into typed values, or answers why they
// are not a package and a version; whoever asks afterwards (the handler,
// the kept answers) is given the same values.

declare module "fastify" {
  interface FastifyRequest {
    /** The package the request's address names, once read. */
    packageName?: PackageName;
  }
}

/** The route's parameters, which its schema has checked are strings. */
const paramsOf = (request: FastifyRequest) =>
  request.params as { author: string; project: string; version: string };

/** The package of `/packages/:author/:project/...`. */
export function packageOf(request: FastifyRequest): PackageName {
  request.packageName ??= orAnswer(packageAddress(paramsOf(request)));
  return request.packageName;
}

/** The version of `/packages/:author/:project/:version/...`. */
export function versionAddressOf(request: FastifyRequest): VersionAddress {
  const address = orAnswer(versionAddress(paramsOf(request)));
  request.packageName ??= address.name;
  return address;
}

/** The version of a page's address: one version, or `latest`, whichever it is then. */
export function versionChoiceOf(request: FastifyRequest): {
  name: PackageName;
  version: VersionChoice;
} {
  const params = paramsOf(request);
  if (params.version === LATEST) return { name: packageOf(request), version: LATEST };
  return versionAddressOf(request);
}

/** A compiler version given in a query, such as `?gren=0.6.3`. */
export const compilerOf = (text: string | undefined): Version | undefined =>
  text === undefined ? undefined : orAnswer(versionFrom(text));
