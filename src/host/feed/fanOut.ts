import type { Notifier } from "../../ports/notifier.ts";

/**
 * Tells followers (live feed clients, the webhook worker) of newly committed
 * events once the current turn of the event loop is over, so the answer to
 * the change that recorded them goes out first, and a burst of changes wakes
 * each follower once.
 */
export class FanOut implements Notifier {
  readonly #followers: (() => void)[] = [];
  #scheduled = false;
  #stopped = false;

  follow(follower: () => void): void {
    this.#followers.push(follower);
  }

  eventsRecorded(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#stopped) return;
      for (const follower of this.#followers) follower();
    });
  }

  /** No follower is told anything after this: the database they read is closing. */
  stop(): void {
    this.#stopped = true;
  }
}
