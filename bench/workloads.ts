// What the clients ask: each workload is an endless source of requests made
// from the seeded catalogue.

import { randomUUID } from "node:crypto";
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
import type { NextRequest, Request } from "./load.ts";
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

const AS_A_BROWSER_ASKS = { accept: "text/html,application/xhtml+xml,*/*;q=0.8" };

/** The real gren-lang/core 7.0.0 as the catalogue published it, with its README. */
const CORE_VERSION = "/packages/gren-lang/core/7.0.0";

/** A browser's page of the real gren-lang/core: its README, install lines, modules, users. */
export function corePackagePage(): () => Request {
  return cycle([{ method: "GET", path: CORE_VERSION, headers: AS_A_BROWSER_ASKS }]);
}

/**
 * A browser's page of each module of the real gren-lang/core in turn: the
 * module's index, its docs with every type linked, and the package's modules.
 */
export function coreModulePages(): () => Request {
  const core = JSON.parse(gunzipSync(readFileSync(REAL_CORE_BUNDLE)).toString("utf8")) as {
    outline: { "exposed-modules": Record<string, string[]> | string[] };
  };
  const exposed = core.outline["exposed-modules"];
  const modules = Array.isArray(exposed) ? exposed : Object.values(exposed).flat();
  return cycle(
    modules.map(
      (module): Request => ({
        method: "GET",
        path: `${CORE_VERSION}/modules/${module}`,
        headers: AS_A_BROWSER_ASKS,
      }),
    ),
  );
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
  /** The registry the uploads go to, once known. */
  #url: string | undefined;

  /**
   * Each package's versions count up from 1.0.0, one patch at a time, from
   * where the registry has them (`caughtUp`): the same API again, so each is
   * the patch the registry asks for. A number is used up only when the
   * registry takes it: the load tool may build a request it never sends
   * (when it reconnects, or stops at its duration), and the registry takes
   * no number that skips one.
   */
  constructor(catalogue: SeededCatalogue, kind: UploadKind) {
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

  /**
   * Picks each package's numbers up where the registry has them. A load that
   * stops at its duration may have made a request it never sent, and the
   * registry takes no number that skips one: so each workload starts here.
   */
  async caughtUp(url: string): Promise<this> {
    this.#url = url;
    for (const publisher of this.#publishers) await this.#catchUp(url, this.#nameOf(publisher));
    return this;
  }

  async #catchUp(url: string, name: string): Promise<void> {
    const response = await fetch(`${url}/packages/${name}`);
    if (response.status === 404) {
      await response.body?.cancel();
      this.#next.set(name, 0);
      return;
    }
    const pkg = (await response.json()) as { versions: { version: string }[] };
    const patches = pkg.versions.map((version) => Number(version.version.split(".")[2]));
    this.#next.set(name, Math.max(-1, ...patches) + 1);
  }

  #nameOf(publisher: Publisher): string {
    return this.#kind === "core" ? publisher.coreName : publisher.name;
  }

  /** Uploads by the first publisher alone, for the sequential workload. */
  bySinglePublisher(): NextRequest {
    return this.#settling(this.#publishers[0]!);
  }

  /** Uploads by each publisher, one source each: a publisher waits for each answer before the next. */
  byEachPublisher(): NextRequest[] {
    return this.#publishers.map((publisher) => this.#settling(publisher));
  }

  /**
   * The publisher's uploads: a number is used up when the registry takes it;
   * after a refusal the publisher asks the registry where its package is, and
   * after each run the numbers start again from the registry's (see `settled`).
   */
  #settling(publisher: Publisher): NextRequest {
    const name = this.#nameOf(publisher);
    return Object.assign(() => this.#upload(publisher), {
      answered: (status: number) => {
        if (status === 201) this.#next.set(name, (this.#next.get(name) ?? 0) + 1);
        // A catch-up that fails leaves the number as it was: the next refusal tries again.
        else if (this.#url !== undefined) this.#catchUp(this.#url, name).catch(() => {});
      },
      settle: async () => {
        if (this.#url !== undefined) await this.settled(this.#url);
      },
    });
  }

  /**
   * Waits out the publishes a run left on their way (a run stops at its
   * duration, not when its answers are in), then picks the numbers up from
   * the registry's. A publish of a package of its own, sent after them, is
   * answered once the readers have done the ones queued before it.
   */
  async settled(url: string): Promise<this> {
    const publisher = this.#publishers[0]!;
    // Named apart from every other run's, which may have drained into the same identity.
    const name = `${this.#nameOf(publisher)}-drain-${randomUUID().slice(0, 8)}`;
    const body = this.#bundles.bundleFor(this.#outline(name, "1.0.0")) as unknown as BodyInit;
    let response: Response;
    // The publisher's own uploads may still hold its places: wait for one to free.
    for (;;) {
      response = await fetch(`${url}/packages/${name}/1.0.0`, {
        method: "PUT",
        headers: { authorization: `Bearer ${publisher.token}`, "content-type": "application/gzip" },
        body,
      });
      if (response.status !== 429) break;
      await response.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (response.status !== 201) {
      throw new Error(`PUT ${name} 1.0.0 answered ${response.status}: ${await response.text()}`);
    }
    return this.caughtUp(url);
  }

  #upload(publisher: Publisher): Request {
    const name = this.#nameOf(publisher);
    const patch = this.#next.get(name) ?? 0;
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
