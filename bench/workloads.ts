// What the clients ask: each workload is an endless source of requests made
// from the seeded catalogue.

import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { type Outline, SharedSourceBundles } from "./bundles.ts";
import {
  LARGE_BUNDLE_BYTES,
  LONG_HISTORY,
  type Publisher,
  REAL_CORE_BUNDLE,
  type SeededCatalogue,
  uploadOutline,
} from "./catalogue.ts";
import type { Request } from "./load.ts";
import { SeededRandom } from "./seeded-random.ts";

/** At most this many distinct `latest` questions are prepared. */
const MAX_LATEST_QUESTIONS = 50_000;

/** Cycles through requests prepared in a shuffled order. */
function cycle(requests: Request[]): () => Request {
  let next = 0;
  return () => requests[next++ % requests.length]!;
}

function shuffled<T>(items: T[], random: SeededRandom): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.below(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

const publicPackages = (catalogue: SeededCatalogue) =>
  catalogue.packages.filter((pkg) => !pkg.private);

/**
 * `GET /packages/{author}/{project}/latest?gren=X.Y.Z` for every public package
 * and every compiler that one of its versions works with, in random order.
 */
export function latestQuestions(catalogue: SeededCatalogue): () => Request {
  const random = new SeededRandom(1);
  const questions = publicPackages(catalogue).flatMap((pkg) =>
    pkg.compilers.map(
      (compiler): Request => ({
        method: "GET",
        path: `/packages/${pkg.name}/latest?gren=${compiler}`,
      }),
    ),
  );
  return cycle(shuffled(questions, random).slice(0, MAX_LATEST_QUESTIONS));
}

/** `GET /packages/{author}/{project}`: every public package's version list, in random order. */
export function versionLists(catalogue: SeededCatalogue): () => Request {
  const lists = publicPackages(catalogue).map(
    (pkg): Request => ({ method: "GET", path: `/packages/${pkg.name}` }),
  );
  return cycle(shuffled(lists, new SeededRandom(2)));
}

/** At most this many distinct inclusion proofs are prepared. */
const MAX_PROOF_QUESTIONS = 50_000;

/**
 * `GET /log/proof/inclusion?package=&version=&treeSize=`, as the CLI asks it
 * for every bundle it installs: every public version, in random order, in the
 * tree the seeded catalogue ended with.
 */
export function inclusionProofs(catalogue: SeededCatalogue): () => Request {
  const proofs = publicPackages(catalogue).flatMap((pkg) =>
    pkg.releases.map(
      (version): Request => ({
        method: "GET",
        path: `/log/proof/inclusion?${new URLSearchParams({ package: pkg.name, version, treeSize: String(catalogue.logSize) })}`,
      }),
    ),
  );
  return cycle(shuffled(proofs, new SeededRandom(5)).slice(0, MAX_PROOF_QUESTIONS));
}

/** The bundle of the version published with a 100 KB bundle. */
export function bundleDownloads(catalogue: SeededCatalogue): () => Request {
  return cycle([{ method: "GET", path: catalogue.largeBundle.path }]);
}

/** What the CLI's fetch sends: it accepts compressed answers, and unpacks them itself. */
const AS_THE_CLI_ASKS = { "accept-encoding": "gzip, deflate" };

/** `GET /packages/{author}/{project}/index` of the package with 200 versions, as the CLI asks it. */
export function longHistoryIndex(): () => Request {
  const path = `/packages/${LONG_HISTORY.name}/index`;
  return cycle([{ method: "GET", path, headers: AS_THE_CLI_ASKS }]);
}

/** `GET /packages/{author}/{project}`: the same package's version list, asked the same way. */
export function longHistoryVersions(): () => Request {
  const path = `/packages/${LONG_HISTORY.name}`;
  return cycle([{ method: "GET", path, headers: AS_THE_CLI_ASKS }]);
}

/** `POST /resolve` for an application whose dependencies make a graph of 20 packages. */
export function graphResolutions(catalogue: SeededCatalogue): () => Request {
  const body = Buffer.from(JSON.stringify(catalogue.graph.request));
  return cycle([
    { method: "POST", path: "/resolve", headers: { "content-type": "application/json" }, body },
  ]);
}

/** A browser's `GET /packages/{author}/{project}`: every public package's page, in random order. */
export function packagePages(catalogue: SeededCatalogue): () => Request {
  const pages = publicPackages(catalogue).map(
    (pkg): Request => ({
      method: "GET",
      path: `/packages/${pkg.name}`,
      headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8" },
    }),
  );
  return cycle(shuffled(pages, new SeededRandom(4)));
}

/** What the upload workloads release: generated 100 KB bundles, or the real gren-lang/core. */
export type UploadKind = "generated" | "core";

/**
 * Uploads of new versions, each a version never published before. Publishers
 * take turns, each releasing its own package, so with several connections
 * several publishers are at work at once.
 */
export class Uploads {
  readonly #bundles: SharedSourceBundles;
  readonly #publishers: readonly Publisher[];
  readonly #kind: UploadKind;
  /** The outline of a new version: the real core's own with another name, or a generated one. */
  readonly #outline: (name: string, version: string) => Outline;
  /** The next patch number of each package's 1.0 line. */
  readonly #next = new Map<string, number>();
  readonly #firstPatch: (name: string) => number;

  /**
   * Each package's versions count up from 1.0.`firstPatch(name)`, one patch
   * at a time: the same API again, so each is the patch the registry asks for.
   */
  constructor(catalogue: SeededCatalogue, kind: UploadKind, firstPatch = (_name: string) => 0) {
    this.#firstPatch = firstPatch;
    this.#publishers = catalogue.publishers;
    this.#kind = kind;
    if (kind === "core") {
      const core = readFileSync(REAL_CORE_BUNDLE);
      const { outline } = JSON.parse(gunzipSync(core).toString("utf8")) as { outline: Outline };
      this.#bundles = SharedSourceBundles.of(core);
      this.#outline = (name, version) => ({ ...outline, name, version });
    } else {
      const random = new SeededRandom(3);
      const first = uploadOutline(catalogue.publishers[0]!.name, "1.0.0");
      this.#bundles = SharedSourceBundles.generated(random, first, LARGE_BUNDLE_BYTES);
      this.#outline = uploadOutline;
    }
  }

  /** Uploads by the first publisher alone, for the sequential workload. */
  bySinglePublisher(): () => Request {
    return () => this.#upload(this.#publishers[0]!);
  }

  /** Uploads by every publisher in turn. */
  /** Uploads by each publisher, one source each: a publisher waits for each answer before the next. */
  byEachPublisher(): (() => Request)[] {
    return this.#publishers.map((publisher) => () => this.#upload(publisher));
  }

  #upload(publisher: Publisher): Request {
    const name = this.#kind === "core" ? publisher.coreName : publisher.name;
    const patch = this.#next.get(name) ?? this.#firstPatch(name);
    this.#next.set(name, patch + 1);
    const version = `1.0.${patch}`;
    return {
      method: "PUT",
      path: `/packages/${name}/${version}`,
      headers: {
        authorization: `Bearer ${publisher.token}`,
        "content-type": "application/gzip",
      },
      body: this.#bundles.bundleFor(this.#outline(name, version)),
    };
  }
}
