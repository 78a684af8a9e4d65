import type { FastifyBaseLogger } from "fastify";
import { documentStoredVersion, nextToDocument } from "../core/docsBackfill.ts";
import type { Ports } from "../ports/index.ts";

/** Versions chosen at a time: each is read by one reader, the others staying free for publishes. */
const BATCH = 8;

/**
 * Documents, in the background, the versions published before the registry
 * kept docs: one at a time in a bundle reader, so that the thread answering
 * requests only reads a bundle from the database and writes its docs. Started
 * once the server is ready; what it leaves undone is taken up at the next start.
 */
export class DocsBackfill {
  readonly #ports: Pick<Ports, "db" | "bundles" | "clock" | "notifier" | "mirror">;
  readonly #limits: { maxUnpackedBytes: number };
  readonly #log: FastifyBaseLogger;
  /** Versions whose reading failed unexpectedly: not tried again until the next start. */
  readonly #failed = new Set<number>();
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(
    ports: Pick<Ports, "db" | "bundles" | "clock" | "notifier" | "mirror">,
    limits: { maxUnpackedBytes: number },
    log: FastifyBaseLogger,
  ) {
    this.#ports = ports;
    this.#limits = limits;
    this.#log = log;
  }

  start(): void {
    this.#running ??= this.#run().catch((error) => {
      this.#log.error({ err: error }, "documenting stored versions failed");
    });
  }

  /** Lets the version being documented finish, and starts no other. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#running;
  }

  async #run(): Promise<void> {
    let done = 0;
    for (;;) {
      const batch = nextToDocument(this.#ports.db, BATCH + this.#failed.size).filter(
        (record) => !this.#failed.has(record.versionId),
      );
      if (batch.length === 0 || this.#stopped) break;
      for (const record of batch.slice(0, BATCH)) {
        if (this.#stopped) return;
        try {
          await documentStoredVersion(this.#ports, record, this.#limits);
          done++;
        } catch (error) {
          if (this.#stopped) return;
          this.#failed.add(record.versionId);
          this.#log.error(
            { err: error, package: `${record.author}/${record.project}` },
            "documenting a stored version failed",
          );
        }
      }
    }
    if (done > 0)
      this.#log.info({ versions: done }, "documented the versions published before docs were kept");
  }
}
