import type { FastifyBaseLogger } from "fastify";
import { type MirrorPolicy, nextMirrorDue, updateMirror } from "../../core/mirror.ts";
import type { Clock, Database } from "../../ports/index.ts";
import type { Mirror } from "../../ports/mirror.ts";

/** The longest the worker sleeps, so a clock change or a missed wake is never costly. */
const MAX_SLEEP_MS = 60_000;

/**
 * Writes the static mirror from the jobs kept in the database: woken when a
 * change commits and when the server starts (jobs left from before a restart
 * are taken up then), and by a timer when a failed file is due again.
 */
export class MirrorWorker {
  readonly #ports: { db: Database; clock: Clock };
  readonly #mirror: Mirror;
  readonly #policy: MirrorPolicy;
  readonly #log: FastifyBaseLogger;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;
  #broken = false;

  constructor(
    ports: { db: Database; clock: Clock },
    mirror: Mirror,
    policy: MirrorPolicy,
    log: FastifyBaseLogger,
  ) {
    this.#ports = ports;
    this.#mirror = mirror;
    this.#policy = policy;
    this.#log = log;
  }

  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#running = this.#work().finally(() => {
      this.#running = undefined;
      if (this.#again) {
        this.#again = false;
        this.wake();
      } else {
        this.#schedule();
      }
    });
  }

  /** Lets the files being written finish; what is left waits in the database for the next start. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  async #work(): Promise<void> {
    try {
      for (;;) {
        if (this.#stopped) return;
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

  #schedule(): void {
    clearTimeout(this.#timer);
    if (this.#stopped) return;
    // After a failure of the worker itself, not of a file, it pauses rather than spin.
    const pause = this.#broken ? this.#policy.firstRetryMs : 0;
    this.#broken = false;
    const due = nextMirrorDue(this.#ports.db);
    if (due === undefined) return;
    const wait = Math.min(MAX_SLEEP_MS, Math.max(pause, due - this.#ports.clock.now()));
    this.#timer = setTimeout(() => this.wake(), wait);
    this.#timer.unref();
  }
}
