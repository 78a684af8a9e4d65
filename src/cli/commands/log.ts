// `log`: the registry's transparency log, as anyone can audit it.

import type { Command } from "commander";
import { decodeEntry } from "../../log/entry.ts";
import { leafHash, MemoryTree, sameHash } from "../../log/merkle.ts";
import { LOG_ENTRIES_LIMIT } from "../../wire/limits.ts";
import { API } from "../../wire/routes.ts";
import type { Context } from "../context.ts";
import { JSON_OPTION, show } from "../output.ts";
import { unproven, witnessPath } from "../transparencyLog.ts";

interface Audit {
  registry: string;
  key: string;
  entries: number;
  publishes: number;
  revokes: number;
  /** Changes to private packages, of which the log holds only commitments. */
  private: number;
  root: string;
  /** The checkpoints this machine kept, each found to be a prefix of the log. */
  checkpointsChecked: number;
}

export function logCommands(program: Command, context: () => Context): void {
  const log = program
    .command("log")
    .description("audit the registry's transparency log of every publish and revoke");

  log
    .command("verify")
    .description(
      "fetch the whole log, recompute its tree, and check it against every checkpoint kept",
    )
    .option(...JSON_OPTION)
    .addHelpText(
      "after",
      `
The registry appends every publish and revoke to a Merkle tree (RFC 9162) and
signs its head as a checkpoint (c2sp.org/tlog-checkpoint) with a key that this
machine pins the first time it talks to the registry (or that --log-key or
$GREN_REGISTRY_LOG_KEY gives). install and download check each bundle against
it, and keep the checkpoints they see in ${witnessPath()}.

This command fetches every entry, checks each is written canonically,
recomputes the tree, and checks that its root is the newest checkpoint's and
that every checkpoint kept on this machine is a prefix of it. A registry that
rewrote, forked or rolled back its history, or served an entry other than the
one it signed, fails it with exit code 8.`,
    )
    .action(async (options: { json?: boolean }) => {
      const { client, witness } = context();
      const verifier = await witness.verifier();
      const checkpoint = await witness.checkpoint();
      const tree = new MemoryTree();
      const counts = { publish: 0, revoke: 0, private: 0 };
      while (tree.size < checkpoint.size) {
        const start = tree.size;
        const end = Math.min(checkpoint.size, start + LOG_ENTRIES_LIMIT.max);
        const page = await client.call(API.logEntries, {
          query: { start: String(start), end: String(end) },
        });
        if (page.length === 0) {
          throw unproven(
            `${client.url}'s log ends at ${start} entries, but its checkpoint says ${checkpoint.size}`,
          );
        }
        for (const { index, entry } of page) {
          if (index !== tree.size) {
            throw unproven(
              `${client.url} answered entry ${index} where entry ${tree.size} belongs`,
            );
          }
          const bytes = new Uint8Array(Buffer.from(entry, "base64"));
          const decoded = decodeEntry(bytes);
          if (!decoded.ok)
            throw unproven(`entry ${index} of ${client.url}'s log is malformed: ${decoded.error}`);
          counts[decoded.value.kind]++;
          tree.append(leafHash(bytes));
          if (tree.size === checkpoint.size) break;
        }
      }
      if (!sameHash(tree.root(), checkpoint.root)) {
        throw unproven(
          `the ${checkpoint.size} entries ${client.url} serves do not make the tree its checkpoint signed: the entries were altered`,
        );
      }
      const kept = await witness.keptCheckpoints();
      for (const seen of kept) {
        if (seen.size > tree.size || !sameHash(tree.root(seen.size), seen.root)) {
          throw unproven(
            `the checkpoint of ${seen.size} entries this machine kept is not a prefix of ${client.url}'s log: the registry forked or rewrote its history`,
          );
        }
      }
      const audit: Audit = {
        registry: client.url,
        key: verifier.text,
        entries: tree.size,
        publishes: counts.publish,
        revokes: counts.revoke,
        private: counts.private,
        root: Buffer.from(tree.root()).toString("base64"),
        checkpointsChecked: kept.length,
      };
      show(options.json, audit, () => {
        console.log(
          `${client.url}'s transparency log checks out: ${audit.entries} entries (${audit.publishes} publishes, ${audit.revokes} revokes, ${audit.private} changes to private packages).`,
        );
        console.log(`  key:         ${audit.key}`);
        console.log(`  root:        ${audit.root}`);
        console.log(
          `  checkpoints: ${audit.checkpointsChecked} kept on this machine, each a prefix of it`,
        );
      });
    });
}
