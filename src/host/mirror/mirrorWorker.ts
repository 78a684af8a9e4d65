import type { FastifyBaseLogger } from "fastify";
import { type MirrorPolicy, nextMirrorDue, updateMirror } from "../../core/mirror.ts";
import type { Clock, Database } from "../../ports/index.ts";
import type { Mirror } from "../../ports/mirror.ts";
import { QueueWorker } from "../queueWorker.ts";

/**
 * Writes the static mirror from the jobs kept in the database: woken when a
 * change commits and when the server starts (jobs left from before a restart
 * are taken up then), and by a timer when a failed file is due again.
 */
export class MirrorWorker extends QueueWorker {
  readonly #ports: { db: Database; clock: Clock };
  readonly #mirror: Mirror;
  readonly #policy: MirrorPolicy;
  readonly #log: FastifyBaseLogger;
  #broken = false;

  constructor(
    ports: { db: Database; clock: Clock },
    mirror: Mirror,
    policy: MirrorPolicy,
    log: FastifyBaseLogger,
  ) {
    super(ports.clock);
    this.#ports = ports;
    this.#mirror = mirror;
    this.#policy = policy;
    this.#log = log;
  }

  protected async work(): Promise<void> {
    try {
      for (;;) {
        if (this.stopped) return;
        const pass = await updateMirror(this.#ports, this.#mirror, this.#policy);
        if (pass.failed > 0) {
          this.#log.warn(
            {
              mirror: this.#mirror.location,
              written: pass.written,
              failed: pass.failed,
              lastFailure: pass.lastFailure,
            },
            "some files could not be written to the mirror; they will be tried again",
          );
        }
        // Files that failed were put off; those that waited for the ones written may go now.
        if (pass.written + pass.failed === 0) return;
      }
    } catch (error) {
      this.#log.error({ err: error }, "writing the mirror failed");
      this.#broken = true;
    }
  }

  protected nextDue() {
    // After a failure of the worker itself, not of a file, it pauses rather than spin.
    const waitAtLeastMs = this.#broken ? this.#policy.firstRetryMs : 0;
    this.#broken = false;
    return { at: nextMirrorDue(this.#ports.db), waitAtLeastMs };
  }
}
