import type { Command } from "commander";
import WebSocket from "ws";
import type { FeedEvent, FeedPage } from "../../wire/feed.ts";
import type { RegistryClient } from "../client.ts";
import type { Context } from "../context.ts";
import { CliFailure } from "../failure.ts";

const line = (event: FeedEvent) =>
  `${String(event.seq).padStart(6)}  ${event.at}  ${event.type.padEnd(9)}  ${event.name} ${event.version}`;

export function feedCommands(program: Command, context: () => Context): void {
  program
    .command("feed")
    .description("print the registry's changes (publications and revocations of public packages)")
    .option("--since <seq>", "start after this event number", "0")
    .option("-f, --follow", "keep running and print each new change as it happens")
    .action(async (options: { since: string; follow?: boolean }) => {
      if (!/^\d+$/.test(options.since))
        throw new CliFailure(`--since takes an event number, not "${options.since}"`);
      const { client } = context();
      const next = await printPages(client, Number(options.since));
      if (options.follow) await follow(client, next);
    });
}

async function printPages(client: RegistryClient, since: number): Promise<number> {
  for (;;) {
    const page = await client.json<FeedPage>("GET", `/feed?since=${since}&limit=1000`);
    for (const event of page.events) console.log(line(event));
    if (page.events.length === 0) return page.next;
    since = page.next;
  }
}

function follow(client: RegistryClient, since: number): Promise<void> {
  const url = `${client.url.replace(/^http/, "ws")}/feed/live?since=${since}`;
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.on("message", (data) => console.log(line(JSON.parse(String(data)) as FeedEvent)));
    socket.on("error", (error) => reject(new CliFailure(`the live feed failed: ${error.message}`)));
    socket.on("close", () => resolve());
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => socket.close());
  });
}
