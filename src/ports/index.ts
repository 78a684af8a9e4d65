import type { BundleReader } from "./bundles.ts";
import type { Clock } from "./clock.ts";
import type { Database } from "./database.ts";
import type { Digest } from "./digest.ts";
import type { HttpOut } from "./http.ts";
import type { Mailer } from "./mailer.ts";
import type { Mirror } from "./mirror.ts";
import type { Notifier } from "./notifier.ts";
import type { Random } from "./random.ts";
import type { DependencyResolver } from "./resolver.ts";
import type { PackageSearch } from "./search.ts";

/** Everything the core may touch outside itself. */
export interface Ports {
  db: Database;
  mailer: Mailer;
  clock: Clock;
  random: Random;
  digest: Digest;
  /** Reads uploaded bundles, perhaps on other threads. */
  bundles: BundleReader;
  /** Resolves dependencies, perhaps on other threads. */
  resolver: DependencyResolver;
  /** Searches the catalogue, perhaps on other threads. */
  search: PackageSearch;
  http: HttpOut;
  notifier: Notifier;
  /** The static mirror of the public packages, when the registry keeps one. */
  mirror?: Mirror | undefined;
}

export type {
  BundleReader,
  Clock,
  Database,
  DependencyResolver,
  Digest,
  HttpOut,
  Mailer,
  Mirror,
  Notifier,
  PackageSearch,
  Random,
};
