import type { FastifyBaseLogger } from "fastify";
import {
  deliverDue,
  enqueueDeliveries,
  nextDeliveryAt,
  type WebhookPolicy,
} from "../../core/webhooks.ts";
import type { Ports } from "../../ports/index.ts";

/** The longest the worker sleeps, so a clock change or a missed wake is never costly. */
const MAX_SLEEP_MS = 60_000;

/**
 * Works the webhook queue kept in the database: woken when events are
 * recorded, and by a timer when the next retry falls due.
 */
export class WebhookWorker {
  readonly #ports: Ports;
  readonly #policy: WebhookPolicy;
  readonly #log: FastifyBaseLogger;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(ports: Ports, policy: WebhookPolicy, log: FastifyBaseLogger) {
    this.#ports = ports;
    this.#policy = policy;
    this.#log = log;
  }

  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
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

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  async #work(): Promise<void> {
    try {
      enqueueDeliveries(this.#ports.db, this.#policy.urls, this.#ports.clock.now());
      while (!this.#stopped && (await deliverDue(this.#ports, this.#policy)) > 0) {
        // Deliveries that failed were moved into the future; go on with any others that are due.
      }
    } catch (error) {
      this.#log.error({ err: error }, "webhook delivery failed");
    }
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    if (this.#stopped) return;
    const due = nextDeliveryAt(this.#ports.db);
    if (due === undefined) return;
    const wait = Math.min(MAX_SLEEP_MS, Math.max(0, due - this.#ports.clock.now()));
    this.#timer = setTimeout(() => this.wake(), wait);
    this.#timer.unref();
  }
}
