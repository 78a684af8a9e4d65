import type { FastifyBaseLogger } from "fastify";
import {
  deliverDue,
  enqueueDeliveries,
  nextDeliveryAt,
  type WebhookPolicy,
} from "../../core/webhooks.ts";
import type { Ports } from "../../ports/index.ts";
import { QueueWorker } from "../queueWorker.ts";

/**
 * Works the webhook queue kept in the database: woken when events are
 * recorded, and by a timer when the next retry falls due.
 */
export class WebhookWorker extends QueueWorker {
  readonly #ports: Ports;
  readonly #policy: WebhookPolicy;
  readonly #log: FastifyBaseLogger;

  constructor(ports: Ports, policy: WebhookPolicy, log: FastifyBaseLogger) {
    super(ports.clock);
    this.#ports = ports;
    this.#policy = policy;
    this.#log = log;
  }

  protected async work(): Promise<void> {
    try {
      enqueueDeliveries(this.#ports.db, this.#policy.urls, this.#ports.clock.now());
      while (!this.stopped && (await deliverDue(this.#ports, this.#policy)) > 0) {
        // Deliveries that failed were moved into the future; go on with any others that are due.
      }
    } catch (error) {
      this.#log.error({ err: error }, "webhook delivery failed");
    }
  }

  protected nextDue() {
    return { at: nextDeliveryAt(this.#ports.db), waitAtLeastMs: 0 };
  }
}
