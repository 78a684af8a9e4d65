import { createGzip, gzipSync } from "node:zlib";

/** A gren.json outline, as a package author would write it. */
export type OutlineJson = Record<string, unknown>;

/**
 * A valid package outline for `acme/widgets` 1.0.0. An override replaces a
 * field; an override of `undefined` leaves the field out.
 */
export function packageOutline(overrides: OutlineJson = {}): OutlineJson {
  return {
    type: "package",
    platform: "common",
    name: "acme/widgets",
    summary: "Widgets for every occasion",
    license: "BSD-3-Clause",
    version: "1.0.0",
    "exposed-modules": ["Widgets", "Widgets.Extra"],
    "gren-version": "0.6.0 <= v < 0.7.0",
    dependencies: {},
    ...overrides,
  };
}

/** The bytes the Gren compiler saves for a package: gzip of one compact JSON object. */
export function makeBundle(contents: { outline: unknown; sources: unknown }): Uint8Array {
  return new Uint8Array(
    gzipSync(JSON.stringify({ outline: contents.outline, sources: contents.sources })),
  );
}

/** A small Gren module that compiles on its own. */
export const moduleSource = (name: string): string =>
  `module ${name} exposing (..)\n\nwidget : Int\nwidget = 1\n`;

/** The module names an outline exposes, whether listed plainly or in groups. */
export function exposedModules(outline: OutlineJson): string[] {
  const exposed = outline["exposed-modules"];
  if (Array.isArray(exposed)) return exposed.map(String);
  if (typeof exposed === "object" && exposed !== null) {
    return Object.values(exposed).flatMap((group) => (Array.isArray(group) ? group : []));
  }
  return [];
}

/**
 * Declarations whose API moves as a version number says: a value for its
 * major line (the next major removes it), one more for each minor version,
 * nothing for a patch. A test package's versions so follow one another by
 * the registry's rules, whatever numbers a test gives them.
 */
export function declarationsFor(version: string): string {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  const names = [
    `line${major}`,
    ...Array.from({ length: minor }, (_, index) => `line${major}minor${index + 1}`),
  ];
  return names.map((name) => `\n${name} : Int\n${name} = ${major}\n`).join("");
}

/**
 * A source for every module the outline exposes; the first one's API moves
 * with the outline's version (`declarationsFor`).
 */
export const sourcesFor = (outline: OutlineJson): Record<string, string> =>
  Object.fromEntries(
    exposedModules(outline).map((name, index) => [
      name,
      index === 0 && typeof outline.version === "string"
        ? moduleSource(name) + declarationsFor(outline.version)
        : moduleSource(name),
    ]),
  );

/** A complete, valid bundle: `packageOutline(overrides)` with a source per exposed module. */
export function packageBundle(overrides: OutlineJson = {}): Uint8Array {
  const outline = packageOutline(overrides);
  return makeBundle({ outline, sources: sourcesFor(outline) });
}

/**
 * Gzip of `unpackedBytes` zeros, about a thousand times smaller than what it
 * unpacks to. Compressed a megabyte at a time, so making one does not itself
 * take the memory a bomb is meant to cost its victim.
 */
export async function gzipBomb(unpackedBytes: number): Promise<Uint8Array> {
  const zeros = new Uint8Array(1024 * 1024);
  const gzip = createGzip({ level: 9 });
  const chunks: Buffer[] = [];
  gzip.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    gzip.on("end", resolve);
    gzip.on("error", reject);
  });
  for (let left = unpackedBytes; left > 0; left -= zeros.length) {
    const chunk = zeros.subarray(0, Math.min(left, zeros.length));
    if (!gzip.write(chunk)) await new Promise((resolve) => gzip.once("drain", resolve));
  }
  gzip.end();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}
