import type { Clock } from "../ports/index.ts";

/** The longest a worker sleeps, so a clock change or a missed wake is never costly. */
const MAX_SLEEP_MS = 60_000;

/**
 * Works a queue kept in the database: woken when a change commits, and by a
 * timer when its next item falls due. One pass runs at a time; a wake during
 * a pass runs another right after it, so that nothing committed meanwhile
 * waits for the timer.
 */
export abstract class QueueWorker {
  readonly #clock: Clock;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** One pass over what is due now; it ends early once `stopped`. */
  protected abstract work(): Promise<void>;

  /** When the next item falls due, if any, and the least the worker waits before it. */
  protected abstract nextDue(): { at: number | undefined; waitAtLeastMs: number };

  protected get stopped(): boolean {
    return this.#stopped;
  }

  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#running = this.work().finally(() => {
      this.#running = undefined;
      if (this.#again) {
        this.#again = false;
        this.wake();
      } else {
        this.#schedule();
      }
    });
  }

  /** Lets the pass under way finish; what is left waits in the database for the next start. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    if (this.#stopped) return;
    const due = this.nextDue();
    if (due.at === undefined) return;
    const wait = Math.min(MAX_SLEEP_MS, Math.max(due.waitAtLeastMs, due.at - this.#clock.now()));
    this.#timer = setTimeout(() => this.wake(), wait);
    this.#timer.unref();
  }
}
