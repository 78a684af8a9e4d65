import type { WebSocket } from "ws";
import { eventsAfter, feedEnd } from "../../core/feed.ts";
import type { Database } from "../../ports/database.ts";

export interface LiveFeedOptions {
  /** How often each client is pinged; one that has not answered the last ping by then is dropped. */
  pingIntervalMs: number;
  /** A client whose unsent messages exceed this is too slow to follow and is dropped. */
  maxBufferedBytes: number;
}

interface Subscriber {
  socket: WebSocket;
  /** The last event this client was sent. */
  cursor: number;
  alive: boolean;
}

const PAGE = 500;

/**
 * Pushes feed events to WebSocket clients. A client first replays what it
 * missed, then joins the live set in the same tick as the read that found
 * nothing more, so no event falls between replay and live, and none is sent
 * twice: every send is of an event above the client's own cursor.
 */
export class LiveFeed {
  readonly #db: Database;
  readonly #options: LiveFeedOptions;
  readonly #subscribers = new Set<Subscriber>();
  readonly #pinger: NodeJS.Timeout;
  #seen: number;

  constructor(db: Database, options: LiveFeedOptions) {
    this.#db = db;
    this.#options = options;
    this.#seen = feedEnd(db);
    this.#pinger = setInterval(() => this.#ping(), options.pingIntervalMs);
    this.#pinger.unref();
  }

  get size(): number {
    return this.#subscribers.size;
  }

  /** The sequence number a client asking for only new events starts after. */
  now(): number {
    return feedEnd(this.#db);
  }

  async subscribe(socket: WebSocket, since: number): Promise<void> {
    const subscriber: Subscriber = { socket, cursor: since, alive: true };
    socket.on("pong", () => {
      subscriber.alive = true;
    });
    socket.on("close", () => this.#subscribers.delete(subscriber));
    for (;;) {
      if (socket.readyState !== socket.OPEN) return;
      const page = eventsAfter(this.#db, subscriber.cursor, PAGE);
      if (page.length === 0) {
        this.#subscribers.add(subscriber);
        return;
      }
      this.#send(subscriber, page);
      await this.#drained(socket);
    }
  }

  /** Reads what was committed since the last call and sends it to every live client. */
  wake(): void {
    let since = this.#seen;
    const end = feedEnd(this.#db);
    while (since < end) {
      const page = eventsAfter(this.#db, since, PAGE);
      for (const subscriber of this.#subscribers) this.#send(subscriber, page);
      if (page.length < PAGE) break;
      since = page.at(-1)!.seq;
    }
    this.#seen = end;
  }

  close(): void {
    clearInterval(this.#pinger);
    for (const { socket } of this.#subscribers) socket.close(1001, "The registry is shutting down");
    this.#subscribers.clear();
  }

  #send(subscriber: Subscriber, events: { seq: number }[]): void {
    for (const event of events) {
      if (event.seq <= subscriber.cursor) continue;
      subscriber.socket.send(JSON.stringify(event));
      subscriber.cursor = event.seq;
    }
    if (subscriber.socket.bufferedAmount > this.#options.maxBufferedBytes) this.#drop(subscriber);
  }

  #drop(subscriber: Subscriber): void {
    this.#subscribers.delete(subscriber);
    subscriber.socket.terminate();
  }

  #ping(): void {
    for (const subscriber of this.#subscribers) {
      if (!subscriber.alive) {
        this.#drop(subscriber);
        continue;
      }
      subscriber.alive = false;
      subscriber.socket.ping();
    }
  }

  /** Waits until a replaying client has taken most of what it was sent, or drops it. */
  async #drained(socket: WebSocket): Promise<void> {
    const deadline = Date.now() + 2 * this.#options.pingIntervalMs;
    while (
      socket.readyState === socket.OPEN &&
      socket.bufferedAmount > this.#options.maxBufferedBytes / 4
    ) {
      if (Date.now() > deadline) {
        socket.terminate();
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
