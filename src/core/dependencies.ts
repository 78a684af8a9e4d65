import { formatPackageName, type PackageName, packageKey } from "../gren/names.ts";
import { isCompatiblePlatform, type Outline } from "../gren/outline.ts";
import {
  formatRange,
  formatVersion,
  type Range,
  rangeContains,
  rangesOverlap,
  versionFromKey,
  versionKey,
} from "../gren/semver.ts";
import type { Database } from "../ports/database.ts";
import { isMember } from "./access.ts";
import {
  type CandidateRecord,
  findPackage,
  findVersion,
  liveCandidatesOf,
} from "./stores/packages.ts";
import type { User } from "./stores/users.ts";
import { versionText } from "./views.ts";

const rangeOf = (candidate: CandidateRecord): Range => ({
  lower: versionFromKey(candidate.grenLower),
  upper: versionFromKey(candidate.grenUpper),
});

/** A few versions, and how many more there are. */
function someVersions(candidates: readonly CandidateRecord[], shown = 5): string {
  const listed = candidates.slice(-shown).map((c) => versionText(c.versionKey));
  const more = candidates.length - listed.length;
  return more > 0 ? `${listed.join(", ")} and ${more} older` : listed.join(", ");
}

/** The oldest few versions, and how many newer ones there are: the nearest to a lower bound. */
function nearestVersions(candidates: readonly CandidateRecord[], shown = 3): string {
  const listed = candidates.slice(0, shown).map((c) => versionText(c.versionKey));
  const more = candidates.length - listed.length;
  return more > 0 ? `${listed.join(", ")} and ${more} newer` : listed.join(", ");
}

/**
 * Why each dependency of a version being published could not be installed by
 * everyone who can see the package, one sentence each; empty when all can.
 * A dependency must be a package the registry holds, visible to all who see
 * the new package, with a version in range that is not revoked, of a
 * compatible platform, working with a compiler the new package works with.
 * Its lower bound must be published and not revoked: Gren 0.6 builds a package
 * with exactly that version, so otherwise not even its author could build it.
 */
export function uninstallableDependencies(
  db: Database,
  pkg: { name: PackageName; identityId: number | undefined; outline: Outline },
  publisher: User,
): string[] {
  const problems: string[] = [];
  const self = formatPackageName(pkg.name);
  for (const dependency of pkg.outline.dependencies) {
    const name = formatPackageName(dependency.name);
    const wanted = `${name} ${formatRange(dependency.range)}`;
    if (packageKey(dependency.name) === packageKey(pkg.name)) {
      problems.push(`${self} depends on itself (${wanted}); a package cannot.`);
      continue;
    }
    const found = findPackage(db, packageKey(dependency.name));
    // The identity's own private packages are known to whoever publishes for it.
    const hidden =
      found?.private &&
      found.identityId !== pkg.identityId &&
      !isMember(db, found.identityId, publisher);
    if (!found || hidden) {
      problems.push(
        `${self} depends on ${wanted}, but the registry has no package ${name}: publish it first.`,
      );
      continue;
    }
    if (found.private && (!pkg.outline.private || found.identityId !== pkg.identityId)) {
      problems.push(
        pkg.outline.private
          ? `${self} depends on ${name}, which is private to ${found.name.author}: members of ${pkg.name.author} who are not in ${found.name.author} could not install it.`
          : `${self} is public but depends on ${name}, which is private: everyone could see ${self} but not install it.`,
      );
      continue;
    }
    const live = liveCandidatesOf(db, found.id);
    const inRange = live.filter((c) =>
      rangeContains(dependency.range, versionFromKey(c.versionKey)),
    );
    if (inRange.length === 0) {
      problems.push(
        live.length === 0
          ? `${self} depends on ${wanted}, but every version of ${name} is revoked.`
          : `${self} depends on ${wanted}, but ${name} has no version in that range that is not revoked (it has ${someVersions(live)}).`,
      );
      continue;
    }
    const platform = pkg.outline.platform;
    const compatible = inRange.filter((c) => isCompatiblePlatform(platform, c.platform));
    if (compatible.length === 0) {
      const theirs = [...new Set(inRange.map((c) => c.platform))].join(" and ");
      problems.push(
        `${self} is a ${platform} package, but the versions of ${wanted} are for ${theirs}: a ${platform} package may depend only on ${platform === "common" ? "common" : `${platform} or common`} packages.`,
      );
      continue;
    }
    const usable = compatible.filter((c) => rangesOverlap(rangeOf(c), pkg.outline.grenVersion));
    if (usable.length === 0) {
      const ours = formatRange(pkg.outline.grenVersion);
      problems.push(
        `${self} works with compilers ${ours}, but no version of ${wanted} does (${[...new Set(compatible.map((c) => formatRange(rangeOf(c))))].join("; ")}).`,
      );
      continue;
    }
    const lower = findVersion(db, found.id, versionKey(dependency.range.lower));
    if (!lower || lower.revoked) {
      const bound = `${name} ${formatVersion(dependency.range.lower)}, the lower bound of the range "${formatRange(dependency.range)}",`;
      const why = "Gren 0.6 builds a package with the lowest version each range allows";
      problems.push(
        lower
          ? `${bound} was revoked: ${why}, so raise the lower bound to a version that is not revoked (the nearest in that range is ${versionText(usable[0]!.versionKey)}).`
          : `${bound} is not published: ${why}, so raise the lower bound to a published version (${name} has ${nearestVersions(usable)} in that range).`,
      );
    }
  }
  return problems;
}
