import type { Command } from "commander";
import WebSocket from "ws";
import type { FeedEvent, FeedPage } from "../../wire/feed.ts";
import { FEED_LIMIT } from "../../wire/limits.ts";
import { API } from "../../wire/routes.ts";
import { usageError } from "../cliError.ts";
import type { RegistryClient } from "../client.ts";
import type { Context } from "../context.ts";
import { JSON_OPTION, tell } from "../output.ts";

const line = (event: FeedEvent) =>
  `${String(event.seq).padStart(6)}  ${event.at}  ${event.type.padEnd(9)}  ${event.name} ${event.version}`;

/** Reconnecting waits this long at first, twice as long each time after, up to the most. */
const BACKOFF = { firstMs: 500, mostMs: 30_000 } as const;

export function feedCommands(program: Command, context: () => Context): void {
  program
    .command("feed")
    .description("print the registry's changes (publications and revocations of public packages)")
    .option("--since <seq>", "start after this event number", "0")
    .option("-f, --follow", "keep running and print each new change as it happens")
    .option(...JSON_OPTION)
    .addHelpText(
      "after",
      `
With --json, the changes are one JSON document {"events", "next"}; with --follow
as well, each change is a JSON document on a line of its own, as it happens.
--follow reconnects by itself when the connection drops, from the last change it
printed, and runs until it is interrupted.`,
    )
    .action(async (options: { since: string; follow?: boolean; json?: boolean }) => {
      if (!/^\d+$/.test(options.since))
        throw usageError(`--since takes an event number, not "${options.since}"`);
      const { client } = context();
      const events = await readAll(client, Number(options.since));
      const next = events.at(-1)?.seq ?? Number(options.since);
      if (options.json && !options.follow) {
        const page: FeedPage = { events, next };
        process.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
        return;
      }
      const print = (event: FeedEvent) =>
        console.log(options.json ? JSON.stringify(event) : line(event));
      for (const event of events) print(event);
      if (options.follow) await follow(client, next, print);
    });
}

async function readAll(client: RegistryClient, since: number): Promise<FeedEvent[]> {
  const events: FeedEvent[] = [];
  for (;;) {
    const page = await client.call(API.feed, {
      query: { since: String(since), limit: String(FEED_LIMIT.max) },
    });
    events.push(...page.events);
    if (page.events.length === 0) return events;
    since = page.next;
  }
}

/**
 * Prints each new change as it happens. When the connection drops, it is made
 * again from the last change printed, after a wait that grows while the
 * registry stays away; it ends only when the user interrupts it.
 */
async function follow(
  client: RegistryClient,
  since: number,
  print: (event: FeedEvent) => void,
): Promise<void> {
  let last = since;
  let wait: number = BACKOFF.firstMs;
  let stopped = false;
  let socket: WebSocket | undefined;
  const stop = () => {
    stopped = true;
    socket?.close();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  while (!stopped) {
    const url = client
      .urlOf(API.liveFeed, { query: { since: String(last) } })
      .replace(/^http/, "ws");
    const connected = await new Promise<boolean>((resolve) => {
      let opened = false;
      socket = new WebSocket(url);
      socket.on("open", () => {
        opened = true;
        wait = BACKOFF.firstMs;
      });
      socket.on("message", (data) => {
        const event = JSON.parse(String(data)) as FeedEvent;
        if (event.seq <= last) return;
        last = event.seq;
        print(event);
      });
      socket.on("error", () => {});
      socket.on("close", () => resolve(opened));
    });
    if (stopped) return;
    tell(
      `${connected ? "The live feed's connection dropped" : "Cannot reach the live feed"}; trying again in ${wait / 1000} s, from change ${last}.`,
    );
    await new Promise((resolve) => setTimeout(resolve, wait));
    wait = Math.min(wait * 2, BACKOFF.mostMs);
  }
}
