import { ErrorAnswer } from "./errorAnswer.ts";

/** Clients waiting at once for a login to be confirmed by its link, at most. */
const MOST_WAITING = 1000;

/**
 * Clients waiting for someone to confirm their login by the emailed link:
 * each waits a bounded time, and is woken as soon as the link is confirmed.
 */
export class LoginWaiters {
  readonly #waiting = new Map<string, Set<() => void>>();
  #count = 0;

  /** Resolves when the login is confirmed, or after `ms`, whichever comes first. */
  wait(fetchTokenHash: string, ms: number): Promise<void> {
    if (this.#count >= MOST_WAITING) {
      throw new ErrorAnswer(
        "rate_limited",
        "Too many logins are waiting for their link to be confirmed; ask again in a few seconds.",
        {},
        { "retry-after": "5" },
      );
    }
    return new Promise((resolve) => {
      const waiters = this.#waiting.get(fetchTokenHash) ?? new Set();
      this.#waiting.set(fetchTokenHash, waiters);
      this.#count++;
      const done = () => {
        clearTimeout(timer);
        if (waiters.delete(done)) this.#count--;
        if (waiters.size === 0) this.#waiting.delete(fetchTokenHash);
        resolve();
      };
      const timer = setTimeout(done, ms);
      waiters.add(done);
    });
  }

  wake(fetchTokenHash: string): void {
    for (const done of [...(this.#waiting.get(fetchTokenHash) ?? [])]) done();
  }
}
