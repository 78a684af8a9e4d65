// A realistic catalogue, seeded through the registry's own core functions and
// ports (no SQL), so the database has exactly the shape the server makes.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type VersionAddress, versionAddress } from "../src/core/address.ts";
import { createIdentity, setMember } from "../src/core/identities.ts";
import { admitUpload, publishVersion } from "../src/core/publish.ts";
import { revokeVersion } from "../src/core/revoke.ts";
import type { User } from "../src/core/sessions.ts";
import { exchangeCode, requestLogin } from "../src/core/sessions.ts";
import { findOrCreateUser } from "../src/core/stores/users.ts";
import { openRegistry } from "../src/host/compositionRoot.ts";
import { loadConfig } from "../src/host/config.ts";
import type { Clock, Ports } from "../src/ports/index.ts";
import { type Email, parseEmail } from "../src/wire/email.ts";
import { moduleSources, type Outline, packBundle, SharedSourceBundles } from "./bundles.ts";
import { SeededRandom } from "./seeded-random.ts";

export interface CatalogueSize {
  packages: number;
  versions: number;
  privatePackages: number;
}

export const CATALOGUES = {
  tiny: { packages: 20, versions: 400, privatePackages: 3 },
  small: { packages: 200, versions: 4_000, privatePackages: 30 },
  full: { packages: 2_000, versions: 40_000, privatePackages: 300 },
  large: { packages: 20_000, versions: 400_000, privatePackages: 3_000 },
} as const satisfies Record<string, CatalogueSize>;

export type CatalogueName = keyof typeof CATALOGUES;

/** Gren compilers that have been released, which clients ask `latest` about. */
export const COMPILERS = [
  "0.1.0",
  "0.2.0",
  "0.2.1",
  "0.3.0",
  "0.4.0",
  "0.4.1",
  "0.4.2",
  "0.4.3",
  "0.4.4",
  "0.4.5",
  "0.5.0",
  "0.5.1",
  "0.5.2",
  "0.5.3",
  "0.5.4",
  "0.6.0",
  "0.6.1",
  "0.6.2",
  "0.6.3",
];
/** Each package's versions work with one or two minor series of the compiler. */
const COMPILER_SERIES = [1, 2, 3, 4, 5, 6];

const WORDS = [
  "array",
  "audio",
  "canvas",
  "chart",
  "color",
  "console",
  "crypto",
  "css",
  "date",
  "decoder",
  "dict",
  "effects",
  "encoder",
  "fetch",
  "file",
  "form",
  "geometry",
  "graph",
  "http",
  "image",
  "input",
  "json",
  "keyboard",
  "layout",
  "locale",
  "markdown",
  "math",
  "matrix",
  "money",
  "parser",
  "path",
  "queue",
  "random",
  "regex",
  "router",
  "server",
  "set",
  "signal",
  "sort",
  "stream",
  "svg",
  "table",
  "test",
  "theme",
  "time",
  "tree",
  "ui",
  "url",
  "uuid",
  "vector",
  "websocket",
  "worker",
];
const LICENSES = ["BSD-3-Clause", "MIT", "Apache-2.0", "MPL-2.0"];
const PLATFORMS = ["common", "common", "browser", "node"];

/** The identity whose packages the publishing workloads release new versions of. */
export const UPLOADS_IDENTITY = "bench-uploads";
/** Publishers of the concurrent publishing workload, each with its own session. */
export const PUBLISHERS = 8;
/** The size of the bundles that are uploaded and downloaded. */
export const LARGE_BUNDLE_BYTES = 100 * 1024;

export interface CataloguePackage {
  name: string;
  private: boolean;
  versions: number;
  /** Every version published, revoked ones included. */
  releases: string[];
  /** Compilers for which some version, not revoked, fits: `latest?gren=` finds one. */
  compilers: string[];
}

export interface Publisher {
  token: string;
  /** The package this publisher releases new versions of generated bundles to. */
  name: string;
  /** The gren-lang package this publisher releases the real core bundle to, renamed. */
  coreName: string;
}

/** A package of long standing, whose index the compiler's path reads. */
export const LONG_HISTORY = { name: "bench-uploads/long-history", versions: 200 } as const;

export interface SeededCatalogue {
  dbPath: string;
  seconds: number;
  counts: {
    identities: number;
    users: number;
    packages: number;
    private: number;
    versions: number;
    revoked: number;
  };
  packages: CataloguePackage[];
  /** The transparency log's entries once seeded: a tree size every seeded version is in. */
  logSize: number;
  /** The bundle download path of a version whose bundle is about 100 KB. */
  largeBundle: { path: string; bytes: number };
  publishers: Publisher[];
  /** What an application asks `/resolve` that needs every package of the seeded graph. */
  graph: DependencyGraph;
}

/**
 * Time moves a few minutes per reading, so publication dates spread over
 * months, never past the real time; the publishers log in at the real time,
 * so their sessions are live when the server (on the real clock) starts.
 */
class SeedingClock implements Clock {
  #now = Date.now() - 3 * 365 * 24 * 60 * 60 * 1000;
  now(): number {
    this.#now = Math.min(this.#now + 7 * 60 * 1000, Date.now());
    return this.#now;
  }

  /** From here on the clock reads the real time. */
  catchUp(): void {
    this.#now = Date.now();
  }
}

interface PlannedPackage extends Omit<CataloguePackage, "releases"> {
  author: string;
  project: string;
  summary: string;
  license: string;
  platform: string;
  modules: string[];
  releases: { version: string; gren: string }[];
  /** Versions taken back after their release, which stay listed but are never `latest`. */
  revoked: string[];
}

/**
 * Seeds `size` into a new database at `dbPath`: identities with members,
 * public and private packages with skewed version counts and varied
 * `gren-version` ranges, a package with a 100 KB bundle, and logged-in
 * publishers for the upload workloads.
 */
export async function seedCatalogue(dbPath: string, size: CatalogueSize): Promise<SeededCatalogue> {
  const started = performance.now();
  const config = loadConfig({ REGISTRY_DB_PATH: dbPath, REGISTRY_LOG_LEVEL: "silent" });
  if (!config.ok) throw new Error(config.error.join("\n"));
  const mail: string[] = [];
  const clock = new SeedingClock();
  const { app, ports } = openRegistry({
    config: config.value,
    clock,
    logger: false,
    print: (text) => mail.push(text),
  });
  const limits = {
    maxUnpackedBytes: config.value.maxUnpackedBytes,
    kernelIdentities: config.value.kernelIdentities,
  };
  try {
    const random = new SeededRandom(size.packages * 31 + size.versions);
    const coreOwner = await seedCore(ports, limits);
    const identities = createIdentities(ports, random, Math.ceil(size.packages / 5));
    const planned = planPackages(random, size, identities);
    const owners = new Map(identities.map((identity) => [identity.name, identity.owner]));

    // A few packages at a time, so one's bundle is unpacked while another's is stored.
    let next = 0;
    const publishAll = async () => {
      for (let index = next++; index < planned.length; index = next++) {
        const pkg = planned[index]!;
        const publisher = owners.get(pkg.author)!;
        // Each package has its own generator, so its sources do not depend on the interleaving.
        // Releases of a package share their sources: only the outline changes.
        const sources = moduleSources(new SeededRandom(index), pkg.modules);
        for (const release of pkg.releases) {
          const bytes = packBundle(outlineOf(pkg, release), sources);
          await publish(ports, publisher, pkg, release.version, bytes, limits);
        }
        for (const version of pkg.revoked) {
          const reason = "A bug that loses data; upgrade to the next version.";
          must(
            revokeVersion(ports, publisher, { address: addressOf(pkg, version), reason }),
            `revoking ${pkg.name} ${version}`,
          );
        }
      }
    };
    await Promise.all(Array.from({ length: 4 }, publishAll));

    clock.catchUp();
    const uploads = await createUploads(ports, random, mail, limits, coreOwner);
    const graph = await seedGraph(ports, limits);
    const users = Number(ports.db.get("SELECT count(*) AS n FROM users")?.n);
    const logSize = Number(ports.db.get("SELECT count(*) AS n FROM log_entries")?.n);
    return {
      dbPath,
      seconds: (performance.now() - started) / 1000,
      counts: {
        identities: identities.length + 2,
        users,
        packages: planned.length,
        private: planned.filter((pkg) => pkg.private).length,
        versions: planned.reduce((sum, pkg) => sum + pkg.versions, 0),
        revoked: planned.reduce((sum, pkg) => sum + pkg.revoked.length, 0),
      },
      packages: planned.map(({ name, private: hidden, versions, compilers, releases }) => ({
        name,
        private: hidden,
        versions,
        releases: releases.map((release) => release.version),
        compilers,
      })),
      logSize,
      ...uploads,
      graph,
    };
  } finally {
    await app.close();
  }
}

interface SeededIdentity {
  name: string;
  owner: User;
}

/** Identities, each with an admin who publishes, and often a second or third member. */
function createIdentities(ports: Ports, random: SeededRandom, count: number): SeededIdentity[] {
  return Array.from({ length: count }, (_, index) => {
    const name = `${random.pick(WORDS)}-${random.pick(["labs", "dev", "team", "org", "io"])}-${index}`;
    const owner = findOrCreateUser(
      ports.db,
      email(`owner-${index}@example.com`),
      ports.clock.now(),
    );
    must(createIdentity(ports, owner, name, NAMING), `creating ${name}`);
    if (random.chance(0.5)) {
      must(
        setMember(ports, owner, {
          identity: name,
          email: `maintainer-${index}@example.com`,
          role: "publish",
        }),
        `adding a maintainer to ${name}`,
      );
    }
    if (random.chance(0.2)) {
      must(
        setMember(ports, owner, {
          identity: name,
          email: `reader-${index}@example.com`,
          role: "download",
        }),
        `adding a reader to ${name}`,
      );
    }
    return { name, owner };
  });
}

/** Version counts are skewed like a real registry's: most packages have a few, some a hundred. */
function versionCounts(random: SeededRandom, packages: number, versions: number): number[] {
  const mean = versions / packages;
  const weights = Array.from({ length: packages }, () => {
    // Log-normal, capped so that no package dominates.
    const normal =
      Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
    return Math.min(Math.exp(normal), 8);
  });
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const spare = versions - packages;
  const counts = weights.map((weight) => 1 + Math.floor((spare * weight) / total));
  // What rounding left over goes one each to packages picked at random.
  for (let left = versions - counts.reduce((sum, n) => sum + n, 0); left > 0; left--) {
    counts[random.below(packages)]! += 1;
  }
  if (mean < 1) throw new Error("a catalogue needs at least one version per package");
  return counts;
}

function planPackages(
  random: SeededRandom,
  size: CatalogueSize,
  identities: SeededIdentity[],
): PlannedPackage[] {
  const counts = versionCounts(random, size.packages, size.versions);
  const taken = new Set<string>();
  return counts.map((versions, index) => {
    const author = identities[index % identities.length]!.name;
    let project = `${random.pick(WORDS)}-${random.pick(WORDS)}`;
    while (taken.has(`${author}/${project}`)) project = `${project}-x`;
    taken.add(`${author}/${project}`);
    const name = `${author}/${project}`;
    const releases = releaseHistory(random, versions);
    const topic = project.split("-")[0]!;
    const root = topic.charAt(0).toUpperCase() + topic.slice(1);
    const modules = [
      root,
      ...["Decode", "Encode", "Extra", "Internal"].slice(0, random.below(4)),
    ].map((part, i) => (i === 0 ? part : `${root}.${part}`));
    // About one package in ten has taken back one of its later versions.
    const revoked =
      releases.length > 2 && random.chance(0.1)
        ? [releases[1 + random.below(releases.length - 1)]!.version]
        : [];
    const live = releases.filter((release) => !revoked.includes(release.version));
    return {
      name,
      author,
      project,
      // Private packages are spread evenly through the catalogue.
      private:
        Math.floor(((index + 1) * size.privatePackages) / size.packages) >
        Math.floor((index * size.privatePackages) / size.packages),
      versions,
      compilers: COMPILERS.filter((compiler) =>
        live.some((release) => rangeHolds(release.gren, compiler)),
      ),
      summary: `A ${topic} library for Gren`,
      license: random.pick(LICENSES),
      platform: random.pick(PLATFORMS),
      modules,
      releases,
      revoked,
    };
  });
}

/**
 * Versions in order, mostly patches, some minors and majors; each works with
 * one or two minor series of the compiler, moving to newer series over time.
 */
function releaseHistory(random: SeededRandom, count: number): { version: string; gren: string }[] {
  let [major, minor, patch] = [1, 0, 0];
  let series = COMPILER_SERIES[Math.min(random.below(8), COMPILER_SERIES.length - 1)]!;
  let width = 1;
  const releases: { version: string; gren: string }[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0) {
      const roll = random.next();
      if (roll < 0.08) {
        [major, minor, patch] = [major + 1, 0, 0];
        if (series < COMPILER_SERIES.at(-1)! && random.chance(0.6)) series++;
        width = random.chance(0.2) ? 2 : 1;
      } else if (roll < 0.3) [minor, patch] = [minor + 1, 0];
      else patch++;
    }
    const upper = Math.min(series + width, COMPILER_SERIES.at(-1)! + 1);
    releases.push({
      version: `${major}.${minor}.${patch}`,
      gren: `0.${series}.0 <= v < 0.${upper}.0`,
    });
  }
  return releases;
}

function rangeHolds(range: string, compiler: string): boolean {
  const [lower, upper] = range.split(" <= v < ") as [string, string];
  const key = (version: string) =>
    version.split(".").reduce((sum, part) => sum * 65536 + Number(part), 0);
  return key(lower) <= key(compiler) && key(compiler) < key(upper);
}

function outlineOf(pkg: PlannedPackage, release: { version: string; gren: string }): Outline {
  return {
    type: "package",
    platform: pkg.platform,
    name: pkg.name,
    summary: pkg.summary,
    license: pkg.license,
    version: release.version,
    "exposed-modules": pkg.modules,
    "gren-version": release.gren,
    dependencies: { [CORE]: CORE_RANGE },
    ...(pkg.private ? { private: true } : {}),
  };
}

async function publish(
  ports: Ports,
  publisher: User,
  pkg: { author: string; project: string },
  version: string,
  bytes: Uint8Array,
  limits: Parameters<typeof publishVersion>[2]["limits"],
  readme?: string,
): Promise<void> {
  const what = `publishing ${pkg.author}/${pkg.project} ${version}`;
  // The catalogue is the registry's past, brought in as history by each identity's owner:
  // its releases share their sources, so their numbers do not follow their APIs.
  const address = addressOf(pkg, version);
  const ticket = must(admitUpload(ports, publisher, address, undefined, { history: true }), what);
  must(
    await publishVersion(ports, ticket, {
      bytes,
      limits,
      readme: readme === undefined ? undefined : new TextEncoder().encode(readme),
    }),
    what,
  );
}

/** The version of a package the catalogue names, as the core takes it. */
function addressOf(pkg: { author: string; project: string }, version: string): VersionAddress {
  return must(
    versionAddress({ ...pkg, version }),
    `the address ${pkg.author}/${pkg.project} ${version}`,
  );
}

/** The outline of a release of one of the upload workloads' packages. */
export function uploadOutline(name: string, version: string): Outline {
  return {
    type: "package",
    platform: "common",
    name,
    summary: "Large generated bindings, released often",
    license: "BSD-3-Clause",
    version,
    "exposed-modules": ["Bindings", "Bindings.Generated", "Bindings.Tables"],
    "gren-version": "0.6.0 <= v < 0.7.0",
    dependencies: { [CORE]: CORE_RANGE },
  };
}

const CORE = "gren-lang/core";
/** The seeding owner of gren-lang is the operator who may create it. */
const NAMING = { reserved: ["gren-lang"], operators: ["core@example.com"] };
/** Every package depends on core, whichever of its versions fits the package's compilers. */
const CORE_RANGE = "1.0.0 <= v < 8.0.0";
export const REAL_CORE_BUNDLE = join(
  import.meta.dirname,
  "../test/fixtures/real-bundles/gren_lang_core__7_0_0.pkg.gz",
);

/** A README of a usual length for the real core, whose bundle holds none. */
const CORE_README = `# gren-lang/core

The core modules of the [Gren](https://gren-lang.org) programming language:
numbers, strings, arrays, dictionaries, JSON, tasks and the rest.

## Installing

\`\`\`
gren package install gren-lang/core
\`\`\`

## Using it

\`\`\`gren
import Dict exposing (Dict)

greetings : Dict String String
greetings =
    Dict.singleton "en" "Hello"
\`\`\`

${"Every module is documented on its own page, each type in a signature a link to where it is defined. ".repeat(20)}
`;

/**
 * gren-lang/core, which every package depends on: a small version for each
 * older compiler series, and the real 7.0.0 the compiler made for 0.6.
 */
async function seedCore(
  ports: Ports,
  limits: Parameters<typeof publishVersion>[2]["limits"],
): Promise<User> {
  const owner = findOrCreateUser(ports.db, email("core@example.com"), ports.clock.now());
  must(createIdentity(ports, owner, "gren-lang", NAMING), "creating gren-lang");
  const target = { author: "gren-lang", project: "core" };
  for (const series of COMPILER_SERIES.slice(0, -1)) {
    const outline = {
      ...uploadOutline(CORE, `${series}.0.0`),
      summary: "Gren's core modules",
      "exposed-modules": ["Basics"],
      "gren-version": `0.${series}.0 <= v < 0.${series + 1}.0`,
      dependencies: {},
    };
    const bytes = packBundle(outline, { Basics: "module Basics exposing (..)\n" });
    await publish(ports, owner, target, `${series}.0.0`, bytes, limits);
  }
  await publish(
    ports,
    owner,
    target,
    "7.0.0",
    new Uint8Array(readFileSync(REAL_CORE_BUNDLE)),
    limits,
    CORE_README,
  );
  return owner;
}

/**
 * The identity the upload workloads publish to, with one member per publisher,
 * each logged in through the core's emailed-code login and a member of
 * gren-lang too, for the real core bundle with its kernel code; a released
 * version with a 100 KB bundle for the download workload; and a package with
 * a long history.
 */
async function createUploads(
  ports: Ports,
  random: SeededRandom,
  mail: string[],
  limits: Parameters<typeof publishVersion>[2]["limits"],
  coreOwner: User,
) {
  const owner = findOrCreateUser(ports.db, email("uploads@example.com"), ports.clock.now());
  must(createIdentity(ports, owner, UPLOADS_IDENTITY, NAMING), "creating the uploads identity");
  const publishers: Publisher[] = [];
  for (let index = 1; index <= PUBLISHERS; index++) {
    const email = `publisher-${index}@example.com`;
    must(
      setMember(ports, owner, { identity: UPLOADS_IDENTITY, email, role: "publish" }),
      `adding ${email}`,
    );
    must(
      setMember(ports, coreOwner, { identity: "gren-lang", email, role: "publish" }),
      `adding ${email} to gren-lang`,
    );
    publishers.push({
      token: await logIn(ports, mail, email),
      name: `${UPLOADS_IDENTITY}/upload-${index}`,
      coreName: `gren-lang/core-upload-${index}`,
    });
  }
  await seedLongHistory(ports, owner, limits);
  const name = `${UPLOADS_IDENTITY}/large-bundle`;
  const outline = uploadOutline(name, "1.0.0");
  const bytes = SharedSourceBundles.generated(random, outline, LARGE_BUNDLE_BYTES).bundleFor(
    outline,
  );
  await publish(
    ports,
    owner,
    { author: UPLOADS_IDENTITY, project: "large-bundle" },
    "1.0.0",
    bytes,
    limits,
  );
  return {
    largeBundle: { path: `/packages/${name}/1.0.0/bundle`, bytes: bytes.byteLength },
    publishers,
  };
}

/** Logs in as a person would: ask for a code, read it from the mail, trade it for a session. */
async function logIn(ports: Ports, mail: string[], email: string): Promise<string> {
  const started = await requestLogin(ports, {
    email,
    client: "127.0.0.1",
    confirmationPage: "http://localhost/login/confirm",
  });
  const { fetchSessionToken } = must(started, `asking for a login code for ${email}`);
  const code = /Your confirmation code is: (\S+)/.exec(mail.at(-1) ?? "")?.[1];
  if (!code) throw new Error(`no login code was mailed to ${email}`);
  return must(exchangeCode(ports, { fetchSessionToken, code }), `logging in ${email}`).sessionToken;
}

function email(address: string): Email {
  const parsed = parseEmail(address);
  if (!parsed) throw new Error(`${address} is not an email address`);
  return parsed;
}

function must<T>(result: { ok: true; value: T } | { ok: false; error: unknown }, doing: string): T {
  if (!result.ok) throw new Error(`Seeding failed ${doing}: ${JSON.stringify(result.error)}`);
  return result.value;
}

/** A package released every week or so for years: 200 versions, a few majors. */
async function seedLongHistory(
  ports: Ports,
  owner: User,
  limits: Parameters<typeof publishVersion>[2]["limits"],
): Promise<void> {
  const [author, project] = LONG_HISTORY.name.split("/") as [string, string];
  const sources = moduleSources(new SeededRandom(7), ["History"]);
  for (let n = 0; n < LONG_HISTORY.versions; n++) {
    const version = `${1 + Math.floor(n / 50)}.${Math.floor((n % 50) / 10)}.${n % 10}`;
    const outline = {
      ...uploadOutline(LONG_HISTORY.name, version),
      summary: "Released often, for years",
      "exposed-modules": ["History"],
    };
    await publish(ports, owner, { author, project }, version, packBundle(outline, sources), limits);
  }
}

export interface DependencyGraph {
  request: {
    grenVersion: string;
    platform: string;
    dependencies: Record<string, string>;
  };
  /** How many packages the answer holds, gren-lang/core included. */
  packages: number;
}

const GRAPH_IDENTITY = "bench-graph";
const GRAPH_SIZE = 20;
const GRAPH_VERSIONS = ["1.0.0", "1.1.0", "1.2.0", "2.0.0", "2.0.1", "2.1.0", "3.0.0", "3.1.0"];

/**
 * Twenty packages that depend on each other, as an application's dependencies
 * do: each major of a package needs the same major of the one or two packages
 * below it. The application asks for the top package at any major but for the
 * fifth at major 2, so the newest versions upstream cannot all be had and the
 * search must step back; the newest version of the tenth is revoked.
 */
async function seedGraph(
  ports: Ports,
  limits: Parameters<typeof publishVersion>[2]["limits"],
): Promise<DependencyGraph> {
  const owner = findOrCreateUser(ports.db, email("graph@example.com"), ports.clock.now());
  must(createIdentity(ports, owner, GRAPH_IDENTITY, NAMING), "creating the graph identity");
  const project = (n: number) => `graph-${String(n).padStart(2, "0")}`;
  const name = (n: number) => `${GRAPH_IDENTITY}/${project(n)}`;
  for (let n = 1; n <= GRAPH_SIZE; n++) {
    const module = `Graph${n}`;
    const sources = {
      [module]: `module ${module} exposing (..)\n\nvalue : Int\nvalue =\n    ${n}\n`,
    };
    for (const version of GRAPH_VERSIONS) {
      const major = Number(version.split(".")[0]);
      const below = [n - 1, n - 3].filter((m) => m >= 1);
      const outline = {
        ...uploadOutline(name(n), version),
        summary: `Part ${n} of a graph of packages`,
        "exposed-modules": [module],
        dependencies: {
          [CORE]: "7.0.0 <= v < 8.0.0",
          ...Object.fromEntries(
            below.map((m) => [name(m), `${major}.0.0 <= v < ${major + 1}.0.0`]),
          ),
        },
      };
      const target = { author: GRAPH_IDENTITY, project: project(n) };
      await publish(ports, owner, target, version, packBundle(outline, sources), limits);
    }
  }
  const reason = "Broken on Windows; use 3.0.0.";
  const graphVersion = addressOf({ author: GRAPH_IDENTITY, project: project(10) }, "3.1.0");
  must(revokeVersion(ports, owner, { address: graphVersion, reason }), "revoking a graph version");
  return {
    request: {
      grenVersion: "0.6.3",
      platform: "node",
      dependencies: {
        [name(GRAPH_SIZE)]: "1.0.0 <= v < 4.0.0",
        [name(5)]: "2.0.0 <= v < 3.0.0",
      },
    },
    packages: GRAPH_SIZE + 1,
  };
}
