// What the clients ask: each workload is an endless source of requests made
// from the seeded catalogue.

import { SharedSourceBundles } from "./bundles.ts";
import {
  LARGE_BUNDLE_BYTES,
  type Publisher,
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

/** The bundle of the version published with a 100 KB bundle. */
export function bundleDownloads(catalogue: SeededCatalogue): () => Request {
  return cycle([{ method: "GET", path: catalogue.largeBundle.path }]);
}

/**
 * Uploads of new versions with 100 KB bundles, each a version never published
 * before. Publishers take turns, each releasing its own package, so with
 * several connections several publishers are at work at once.
 */
export class Uploads {
  readonly #bundles: SharedSourceBundles;
  readonly #publishers: readonly Publisher[];
  #sent = 0;

  constructor(catalogue: SeededCatalogue) {
    this.#publishers = catalogue.publishers;
    const outline = uploadOutline(catalogue.publishers[0]!.name, "1.0.0");
    this.#bundles = new SharedSourceBundles(new SeededRandom(3), outline, LARGE_BUNDLE_BYTES);
  }

  /** The versions sent so far, across every workload that uploads. */
  get sent(): number {
    return this.#sent;
  }

  /** Uploads by the first publisher alone, for the sequential workload. */
  bySinglePublisher(): () => Request {
    return () => this.#upload(this.#publishers[0]!);
  }

  /** Uploads by every publisher in turn. */
  byEveryPublisher(): () => Request {
    let turn = 0;
    return () => this.#upload(this.#publishers[turn++ % this.#publishers.length]!);
  }

  #upload(publisher: Publisher): Request {
    // Versions count up from 1.0.0 in one sequence shared by every package, so none repeats.
    const n = this.#sent++;
    const version = `${1 + Math.floor(n / 65_536)}.0.${n % 65_536}`;
    return {
      method: "PUT",
      path: `/packages/${publisher.name}/${version}`,
      headers: {
        authorization: `Bearer ${publisher.token}`,
        "content-type": "application/gzip",
      },
      body: this.#bundles.bundleFor(uploadOutline(publisher.name, version)),
    };
  }
}

/** Reads, with every `writeEvery`-th request a write instead. */
export function mixed(
  reads: () => Request,
  writes: () => Request,
  writeEvery: number,
): () => Request {
  let n = 0;
  return () => (++n % writeEvery === 0 ? writes() : reads());
}
