// Versions and ranges as the Gren compiler reads them in gren.json.

export interface Version {
  major: number;
  minor: number;
  patch: number;
}

/** The versions from `lower` (included) up to `upper` (excluded); `lower` is below `upper`. */
export interface Range {
  lower: Version;
  upper: Version;
}

/** The compiler stores each component in a 16-bit word, so nothing above this is a version. */
export const MAX_VERSION_COMPONENT = 65535;

// `\d` without the `u` flag is ASCII only, so no other script's digits slip in.
const VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;
// Spaces may sit between the parts of a range, never inside a version.
const RANGE = /^ *([\d.]+) *<= *v *< *([\d.]+) *$/;

/** `MAJOR.MINOR.PATCH`: whole numbers up to 65535 without leading zeros, nothing else. */
export function parseVersion(text: string): Version | undefined {
  const match = VERSION.exec(text);
  if (!match) return undefined;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  const patch = Number(match[3]);
  if (Math.max(major, minor, patch) > MAX_VERSION_COMPONENT) return undefined;
  return { major, minor, patch };
}

export const formatVersion = (version: Version): string =>
  `${version.major}.${version.minor}.${version.patch}`;

/** Negative when `a` is below `b`, zero when equal, positive when above; numeric, so 0.9.0 < 0.10.0. */
export function compareVersions(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

const WORD = 2 ** 16;

/**
 * One integer that orders exactly like the version, so that SQL can index and
 * sort versions: 16 bits per component, 48 in all, well within a safe integer.
 */
export const versionKey = (version: Version): number =>
  (version.major * WORD + version.minor) * WORD + version.patch;

/** The version a `versionKey` was made from; any other number is a bug, so it throws. */
export function versionFromKey(key: number): Version {
  if (!Number.isSafeInteger(key) || key < 0 || key >= WORD ** 3) {
    throw new RangeError(`${key} is not a version key`);
  }
  return {
    major: Math.floor(key / WORD ** 2),
    minor: Math.floor(key / WORD) % WORD,
    patch: key % WORD,
  };
}

/** `"<lower> <= v < <upper>"`, spaces optional between the parts, `lower` below `upper`. */
export function parseRange(text: string): Range | undefined {
  const bounds = parseRangeBounds(text);
  return bounds && compareVersions(bounds.lower, bounds.upper) < 0 ? bounds : undefined;
}

/**
 * The two versions of something written like a range, whether or not the lower
 * is below the upper: lets a message tell a misordered range from a misspelt one.
 */
export function parseRangeBounds(text: string): Range | undefined {
  const match = RANGE.exec(text);
  const lower = match && parseVersion(match[1]!);
  const upper = match && parseVersion(match[2]!);
  return lower && upper ? { lower, upper } : undefined;
}

/** The canonical form the compiler writes, for example `"0.6.0 <= v < 0.7.0"`. */
export const formatRange = (range: Range): string =>
  `${formatVersion(range.lower)} <= v < ${formatVersion(range.upper)}`;

export const rangeContains = (range: Range, version: Version): boolean =>
  compareVersions(range.lower, version) <= 0 && compareVersions(version, range.upper) < 0;

/** Whether two ranges have a version in common. */
export const rangesOverlap = (a: Range, b: Range): boolean =>
  compareVersions(a.lower, b.upper) < 0 && compareVersions(b.lower, a.upper) < 0;
