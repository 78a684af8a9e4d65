// The licences the Gren compiler accepts in a package's "license": its own list
// of OSI-approved SPDX identifiers (compiler-common's `Compiler.License`),
// spelled exactly so. It is not the whole SPDX list: newer spellings such as
// "GPL-3.0-only", and licences that are not OSI-approved such as "CC0-1.0", are
// refused when the compiler loads the package.

export const LICENSES: readonly string[] = [
  "0BSD",
  "AAL",
  "AFL-1.1",
  "AFL-1.2",
  "AFL-2.0",
  "AFL-2.1",
  "AFL-3.0",
  "AGPL-3.0",
  "APL-1.0",
  "APSL-1.0",
  "APSL-1.1",
  "APSL-1.2",
  "APSL-2.0",
  "Apache-1.1",
  "Apache-2.0",
  "Artistic-1.0",
  "Artistic-1.0-Perl",
  "Artistic-1.0-cl8",
  "Artistic-2.0",
  "BSD-2-Clause",
  "BSD-3-Clause",
  "BSL-1.0",
  "CATOSL-1.1",
  "CDDL-1.0",
  "CECILL-2.1",
  "CNRI-Python",
  "CPAL-1.0",
  "CPL-1.0",
  "CUA-OPL-1.0",
  "ECL-1.0",
  "ECL-2.0",
  "EFL-1.0",
  "EFL-2.0",
  "EPL-1.0",
  "EUDatagrid",
  "EUPL-1.1",
  "Entessa",
  "Fair",
  "Frameworx-1.0",
  "GPL-2.0",
  "GPL-3.0",
  "HPND",
  "IPA",
  "IPL-1.0",
  "ISC",
  "Intel",
  "LGPL-2.0",
  "LGPL-2.1",
  "LGPL-3.0",
  "LPL-1.0",
  "LPL-1.02",
  "LPPL-1.3c",
  "LiLiQ-P-1.1",
  "LiLiQ-R-1.1",
  "LiLiQ-Rplus-1.1",
  "MIT",
  "MPL-1.0",
  "MPL-1.1",
  "MPL-2.0",
  "MPL-2.0-no-copyleft-exception",
  "MS-PL",
  "MS-RL",
  "MirOS",
  "Motosoto",
  "Multics",
  "NASA-1.3",
  "NCSA",
  "NGPL",
  "NPOSL-3.0",
  "NTP",
  "Naumen",
  "Nokia",
  "OCLC-2.0",
  "OFL-1.1",
  "OGTSL",
  "OSET-PL-2.1",
  "OSL-1.0",
  "OSL-2.0",
  "OSL-2.1",
  "OSL-3.0",
  "PHP-3.0",
  "PostgreSQL",
  "Python-2.0",
  "QPL-1.0",
  "RPL-1.1",
  "RPL-1.5",
  "RPSL-1.0",
  "RSCPL",
  "SISSL",
  "SPL-1.0",
  "SimPL-2.0",
  "Sleepycat",
  "UPL-1.0",
  "VSL-1.0",
  "W3C",
  "Watcom-1.0",
  "Xnet",
  "ZPL-2.0",
  "Zlib",
];

const KNOWN: ReadonlySet<string> = new Set(LICENSES);

export const isLicense = (text: string): boolean => KNOWN.has(text);

/**
 * The compiler's identifier a mistaken one most likely meant: the same in
 * another case, SPDX's newer spelling of an old identifier ("GPL-3.0-only" is
 * the compiler's "GPL-3.0"), or one a few typing mistakes away.
 */
export function closestLicense(given: string): string | undefined {
  const lower = given.toLowerCase();
  const byCase = LICENSES.find((id) => id.toLowerCase() === lower);
  if (byCase) return byCase;
  const older = lower.replace(/-(only|or-later)$|\+$/, "");
  const renamed = LICENSES.find((id) => id.toLowerCase() === older);
  if (renamed) return renamed;
  let best: { id: string; distance: number } | undefined;
  for (const id of LICENSES) {
    const distance = editDistance(lower, id.toLowerCase());
    if (!best || distance < best.distance) best = { id, distance };
  }
  return best && best.distance <= Math.max(1, Math.floor(given.length / 4)) ? best.id : undefined;
}

/** How many characters must be inserted, deleted or replaced to turn one text into the other. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const replace = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(replace, previous[j]! + 1, current[j - 1]! + 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
