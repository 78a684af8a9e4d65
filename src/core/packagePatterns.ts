import {
  type IdentityName,
  identityKey,
  type PackageName,
  type ProjectName,
  parseIdentityName,
  parseProjectName,
} from "../gren/names.ts";

/**
 * Which packages a token or a trusted publisher may act on: one package
 * (`acme/widgets`), or every package of an identity (`acme/*`).
 */
export interface PackagePattern {
  author: IdentityName;
  /** Undefined for every project of the identity. */
  project: ProjectName | undefined;
}

export function parsePackagePattern(text: string): PackagePattern | undefined {
  const parts = text.trim().split("/");
  if (parts.length !== 2) return undefined;
  const author = parseIdentityName(parts[0]!);
  if (!author) return undefined;
  if (parts[1] === "*") return { author, project: undefined };
  const project = parseProjectName(parts[1]!);
  return project ? { author, project } : undefined;
}

export const formatPackagePattern = (pattern: PackagePattern): string =>
  `${pattern.author}/${pattern.project ?? "*"}`;

/** Identity names match whatever their case; project names are lower case already. */
export const patternMatches = (pattern: PackagePattern, name: PackageName): boolean =>
  identityKey(pattern.author) === identityKey(name.author) &&
  (pattern.project === undefined || pattern.project === name.project);

export const anyPatternMatches = (
  patterns: readonly PackagePattern[],
  name: PackageName,
): boolean => patterns.some((pattern) => patternMatches(pattern, name));

/** The patterns as people write them, for messages. */
export const describePatterns = (patterns: readonly PackagePattern[]): string =>
  patterns.map(formatPackagePattern).join(", ");
