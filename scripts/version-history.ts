import { describeChange } from "../src/gren/apiChangeSentences.ts";
import { changeMagnitude, listChanges, withEmptyComments } from "../src/gren/apiChanges.ts";
import type { ApiChangesView, Misnumbered, VersionChanges } from "../src/wire/apiChanges.ts";
import type { PackageView } from "../src/wire/packages.ts";

// `npm run version-history -- [--registry URL] PACKAGE...`: how well each
// package's history keeps the promise of its version numbers, as a registry
// judged it when the versions came in (published, or brought in with
// `gren-registry import`): for each version and the one it bumps, whether its
// number is the one its API called for, and, where it is not, what changed.
// Reads the registry's public API only.

const USAGE = `usage: npm run version-history -- [--registry URL] PACKAGE...

For each package (author/project), each version is compared with the one it
bumps as the registry recorded it, and the report says how many follow one
another as their APIs call for and, for each that does not, the number its API
called for and the changes that decide it. --registry defaults to
$GREN_REGISTRY_URL, or http://localhost:3000.`;

interface VersionAnswer {
  version: string;
  outline: { "gren-version"?: string };
  changes: VersionChanges | null;
  misnumbered: Misnumbered | null;
}

const args = process.argv.slice(2);
if (args.length === 0 || args.includes("--help") || args.includes("-h")) {
  console.log(USAGE);
  process.exit(args.length === 0 ? 2 : 0);
}
let registry = process.env.GREN_REGISTRY_URL ?? "http://localhost:3000";
const packages: string[] = [];
for (let index = 0; index < args.length; index++) {
  if (args[index] === "--registry") registry = args[++index] ?? registry;
  else packages.push(args[index]!);
}

async function get<T>(path: string): Promise<T> {
  const response = await fetch(`${registry.replace(/\/+$/, "")}${path}`, {
    headers: { accept: "application/json" },
  });
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** The changes that make the magnitude what it is, in words. */
function deciding(changes: ApiChangesView): string[] {
  const all = listChanges(withEmptyComments(changes.magnitude, changes.modules));
  return all.filter((change) => changeMagnitude(change) === changes.magnitude).map(describeChange);
}

let misnumbered = 0;
for (const name of packages) {
  const pkg = await get<PackageView>(`/packages/${name}`);
  const versions: VersionAnswer[] = [];
  for (const { version } of pkg.versions) {
    versions.push(await get<VersionAnswer>(`/packages/${name}/${version}`));
  }
  const compared = versions.filter((version) => version.changes?.magnitude);
  const wrong = compared.filter((version) => version.misnumbered !== null);
  const unknown = versions.filter((version) => version.changes?.unknown);
  console.log(
    `${name}: ${versions.length} versions; ${compared.length} compared with the version each bumps, ${compared.length - wrong.length} numbered as their API calls for, ${wrong.length} not${unknown.length > 0 ? `; ${unknown.length} could not be compared` : ""}.`,
  );
  for (const version of wrong) {
    misnumbered++;
    const mark = version.misnumbered!;
    const changes = await get<ApiChangesView>(
      `/packages/${name}/changes/${mark.since}/${version.version}`,
    );
    const from = versions.find((other) => other.version === mark.since);
    const ranges = `gren-version ${from?.outline["gren-version"]} -> ${version.outline["gren-version"]}`;
    console.log(
      `  ${mark.since} -> ${version.version}: its API called for ${mark.calledFor}, a ${mark.magnitude} change (${ranges})`,
    );
    if (changes.decidedBy === "compiler_ranges") {
      console.log(
        "    - no compiler builds both versions, so the compiler asks for a major version",
      );
    }
    const sentences = deciding(changes);
    if (sentences.length === 0 && changes.decidedBy === "api") {
      console.log("    - the API is the same");
    }
    for (const sentence of sentences.slice(0, 12)) console.log(`    - ${sentence}`);
    if (sentences.length > 12) console.log(`    - and ${sentences.length - 12} more`);
  }
  for (const version of unknown) {
    console.log(`  ${version.version}: not compared: ${version.changes!.unknown}`);
  }
}
process.exitCode = misnumbered > 0 ? 1 : 0;
