// What changed in a package's API between two versions, and what a publish of
// a bundle would be told about its number, nothing stored. Both compare two
// stored APIs in a bundle reader: their cost is the size of two docs.json.

import type { ComparedApis } from "../gren/apiComparison.ts";
import { formatPackageName, identityKey, type PackageName, packageKey } from "../gren/names.ts";
import type { Outline } from "../gren/outline.ts";
import { formatVersion, type Version, versionKey } from "../gren/semver.ts";
import {
  bumpVersion,
  checkMagnitude,
  type Decision,
  decideMagnitude,
  describeRefusal,
  placeVersion,
} from "../gren/versionBump.ts";
import type { Ports } from "../ports/index.ts";
import { err, ok, type Result } from "../result.ts";
import type { ApiChangesView, CheckedBundle } from "../wire/apiChanges.ts";
import type { AccessError } from "./access.ts";
import { summedUp } from "./bundle.ts";
import { uninstallableDependencies } from "./dependencies.ts";
import { dependencyApiLookup } from "./dependencyApis.ts";
import { authorizeGranted, type Grant, type GrantError } from "./grants.ts";
import type { PackageLookupError } from "./packages.ts";
import { type PublishLimits, visibilityProblems } from "./publish.ts";
import type { Identity } from "./stores/identities.ts";
import { findPackage } from "./stores/packages.ts";
import type { User } from "./stores/users.ts";
import { findVersionChanges } from "./stores/versionChanges.ts";
import { type Baseline, baselineOf, existingVersions } from "./versionApis.ts";
import { findVisibleVersion, type VersionLookupError } from "./versions.ts";

export type ChangesError =
  | VersionLookupError
  /** One of the two versions' API is still being made from its bundle. */
  | { kind: "docs_pending"; name: string; version: string }
  /** One of the two versions' API can never be known. */
  | { kind: "api_unknown"; reason: string }
  /** Comparing the two broke the readers' time or memory. */
  | { kind: "comparison_refused"; reason: string };

/**
 * The API changes from `from` to `to`, and the magnitude they call for. For
 * a version and the one it bumps, what was decided when it was published;
 * for any other two, compared now, in a reader.
 */
export async function changesBetween(
  ports: Ports,
  input: { name: PackageName; from: Version; to: Version },
  viewer: User | undefined,
): Promise<Result<{ changes: ApiChangesView; private: boolean }, ChangesError>> {
  const { db } = ports;
  const older = findVisibleVersion(db, { name: input.name, version: input.from }, viewer);
  if (!older.ok) return older;
  const newer = findVisibleVersion(db, { name: input.name, version: input.to }, viewer);
  if (!newer.ok) return newer;
  const stored = findVersionChanges(db, newer.value.version.id)?.comparison;
  const isPrivate = newer.value.pkg.private;
  if (stored?.kind === "compared" && stored.sinceKey === versionKey(input.from)) {
    return ok({
      private: isPrivate,
      changes: {
        from: formatVersion(input.from),
        to: formatVersion(input.to),
        magnitude: stored.magnitude,
        decidedBy: stored.decidedBy,
        modules: stored.changes,
      },
    });
  }
  const apis = [baselineOf(db, input.name, input.from), baselineOf(db, input.name, input.to)];
  const [a, b] = apis;
  for (const [index, baseline] of apis.entries()) {
    if (baseline.kind === "pending") {
      return err({
        kind: "docs_pending",
        name: formatPackageName(input.name),
        version: formatVersion(index === 0 ? input.from : input.to),
      });
    }
    if (baseline.kind === "unknown") return err({ kind: "api_unknown", reason: baseline.reason });
  }
  if (a?.kind !== "known" || b?.kind !== "known") throw new Error("both APIs are known here");
  const compared = await ports.bundles.compare(a.docsJson, b.docsJson);
  if (!compared.ok) return err({ kind: "comparison_refused", reason: compared.error });
  const decision = decideMagnitude(compared.value.magnitude, {
    from: a.grenVersion,
    to: b.grenVersion,
  });
  return ok({
    private: isPrivate,
    changes: {
      from: formatVersion(input.from),
      to: formatVersion(input.to),
      magnitude: decision.magnitude,
      decidedBy: decision.decidedBy,
      modules: compared.value.modules,
    },
  });
}

/** A bundle admitted for checking: who asks, about which package. */
export interface CheckTicket {
  publisher: User;
  name: PackageName;
  identity: Identity;
}

export type CheckError =
  | PackageLookupError
  | AccessError
  | GrantError
  | VersionLookupError
  | { kind: "invalid_bundle"; problems: string[] }
  | { kind: "unpacked_too_large"; limit: number }
  | { kind: "comparison_refused"; reason: string };

/**
 * Admits a bundle for checking: those who may publish to the package may ask
 * what a publish would be told. Only they: the answer costs a reader's time,
 * and tells a private package's API.
 */
export function admitCheck(
  ports: Ports,
  publisher: User,
  name: PackageName,
  grant?: Grant,
): Result<CheckTicket, CheckError> {
  const access = authorizeGranted(ports.db, name, publisher, "publish_version", grant);
  if (!access.ok) return access;
  return ok({ publisher, name, identity: access.value.identity });
}

/**
 * What a publish of the bundle would be told, storing nothing. The bundle is
 * compared with `since` when given; otherwise, with its own version when that
 * is published (as `gren package bump` compares), or with the version its
 * number bumps. A number that a publish would refuse gets the same problems.
 */
export async function checkBundle(
  ports: Ports,
  ticket: CheckTicket,
  input: { bytes: Uint8Array; limits: PublishLimits; since: Version | undefined },
): Promise<Result<CheckedBundle, CheckError>> {
  const { db } = ports;
  const { name, publisher } = ticket;
  if (input.since !== undefined) {
    const found = findVisibleVersion(db, { name, version: input.since }, publisher);
    if (!found.ok) return found;
  }
  const dependencies = dependencyApiLookup(db);
  const read = await ports.bundles.read(
    input.bytes,
    {
      name,
      version: undefined,
      maxUnpackedBytes: input.limits.maxUnpackedBytes,
      kernelAllowed: input.limits.kernelIdentities.some(
        (allowed) => identityKey(allowed) === identityKey(name.author),
      ),
    },
    dependencies.lookUp,
  );
  if (!read.ok) {
    if (read.error.kind === "too_large_unpacked") {
      return err({ kind: "unpacked_too_large", limit: read.error.limit });
    }
    const { outline } = read.error;
    const registry = outline ? registryProblems(ports, ticket, outline) : [];
    return err({
      kind: "invalid_bundle",
      problems: summedUp([...read.error.problems, ...registry]),
    });
  }
  const { outline, docs } = read.value;
  const version = outline.version;
  const problems = registryProblems(ports, ticket, outline);
  if (dependencies.awaited()) {
    problems.push(
      "The API of one of its dependencies is still being made from its bundle, and this version's API cannot be compared without it; try again in a minute.",
    );
  }
  const existing = existingVersions(db, name);
  const published = existing.some((known) => versionKey(known) === versionKey(version));
  const base = { name: formatPackageName(name), version: formatVersion(version) };

  // A new number is placed as a publish places it; the same refusal if it cannot come next.
  let since = input.since ?? (published ? version : undefined);
  const placed = since === undefined ? placeVersion(existing, version) : undefined;
  if (placed && !placed.ok) problems.push(...describeRefusal(placed.error));
  if (placed?.ok && placed.value.kind === "bump") since = placed.value.from;
  if (problems.length > 0) return err({ kind: "invalid_bundle", problems: summedUp(problems) });
  if (since === undefined) {
    const nothing = { since: null, magnitude: null, decidedBy: null, modules: null, unknown: null };
    return ok({ ...base, ...nothing, calledFor: formatVersion(version) });
  }

  const baseline = baselineOf(db, name, since);
  const compared = await compareWithBaseline(ports, baseline, docs.docsJson);
  if (!compared.ok) {
    if (compared.error.kind === "comparison_refused") {
      return err({ kind: "comparison_refused", reason: compared.error.reason });
    }
    // With nothing to compare with, a publish is held to the number rules alone.
    if (compared.error.kind === "unknown" && placed?.ok) {
      return ok({
        ...base,
        since: formatVersion(since),
        magnitude: null,
        decidedBy: null,
        modules: null,
        unknown: compared.error.reason,
        calledFor: formatVersion(version),
      });
    }
    return err({ kind: "invalid_bundle", problems: [compared.error.reason] });
  }
  const { apis, grenVersion } = compared.value;
  const ranges = { from: grenVersion, to: outline.grenVersion };
  const decision: Decision = decideMagnitude(apis.magnitude, ranges);
  const answer = {
    ...base,
    since: formatVersion(since),
    magnitude: decision.magnitude,
    decidedBy: decision.decidedBy,
    modules: apis.modules,
    unknown: null,
  };
  if (placed?.ok && placed.value.kind === "bump") {
    const checked = checkMagnitude(placed.value, apis, ranges);
    if (!checked.ok) {
      return err({ kind: "invalid_bundle", problems: summedUp(describeRefusal(checked.error)) });
    }
    return ok({ ...answer, calledFor: formatVersion(version) });
  }
  const calledFor = bumpVersion(since, decision.magnitude);
  // As `gren package bump`: only a version that some number may bump can be bumped.
  const next = placeVersion(existing, calledFor);
  if (!next.ok || next.value.kind !== "bump" || versionKey(next.value.from) !== versionKey(since)) {
    const refusal = next.ok
      ? [`${formatVersion(calledFor)} would not bump ${formatVersion(since)}.`]
      : describeRefusal(next.error);
    return err({
      kind: "invalid_bundle",
      problems: [
        `Its API calls for a ${decision.magnitude} change from ${formatVersion(since)}, but ${refusal[0]}`,
        ...refusal.slice(1),
      ],
    });
  }
  return ok({ ...answer, calledFor: formatVersion(calledFor) });
}

type Compared = Result<
  { apis: ComparedApis; grenVersion: Outline["grenVersion"] },
  { kind: "pending" | "unknown"; reason: string } | { kind: "comparison_refused"; reason: string }
>;

async function compareWithBaseline(
  ports: Ports,
  baseline: Baseline,
  docsJson: string,
): Promise<Compared> {
  if (baseline.kind !== "known") return err(baseline);
  const apis = await ports.bundles.compare(baseline.docsJson, docsJson);
  if (!apis.ok) return err({ kind: "comparison_refused", reason: apis.error });
  return ok({ apis: apis.value, grenVersion: baseline.grenVersion });
}

/** The registry's own problems with the bundle, as a publish adds them. */
function registryProblems(ports: Ports, ticket: CheckTicket, outline: Outline): string[] {
  const { db } = ports;
  const existing = findPackage(db, packageKey(ticket.name));
  return [
    ...visibilityProblems(ticket.name, existing, outline),
    ...uninstallableDependencies(
      db,
      { name: ticket.name, identityId: ticket.identity.id, outline },
      ticket.publisher,
    ),
  ];
}
