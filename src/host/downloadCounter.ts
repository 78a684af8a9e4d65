import type { FastifyBaseLogger } from "fastify";
import type { VersionAddress } from "../core/address.ts";
import { changeOfPackage } from "../core/stores/downloads.ts";
import { type DownloadTally, dayOf, recordDownloads } from "../core/usage.ts";
import { packageKey } from "../gren/names.ts";
import { versionKey } from "../gren/semver.ts";
import type { Ports } from "../ports/index.ts";
import { ok } from "../result.ts";
import type { PublicAnswers } from "./http/publicAnswers.ts";

// Downloads are counted as they are served, in memory, and written every so
// often in one transaction: a download costs a map lookup, never a write. The
// pages and answers kept about the packages counted are forgotten then, so
// that they show the new counts. Nothing about who downloaded is kept.

export class DownloadCounter {
  readonly #ports: Pick<Ports, "db" | "clock">;
  readonly #answers: PublicAnswers;
  /** Where a failure to write the counts is told, once the server has a log. */
  log: FastifyBaseLogger | undefined;
  #counted = new Map<string, DownloadTally>();
  readonly #timer: NodeJS.Timeout;

  constructor(ports: Pick<Ports, "db" | "clock">, answers: PublicAnswers, everyMs: number) {
    this.#ports = ports;
    this.#answers = answers;
    this.#timer = setInterval(() => this.write(), everyMs);
    this.#timer.unref();
  }

  /** One download of the bundle at this address, which was just served. */
  count(address: VersionAddress): void {
    const tally: DownloadTally = {
      packageKey: packageKey(address.name),
      versionKey: versionKey(address.version),
      count: 1,
    };
    const key = `${tally.packageKey}@${tally.versionKey}`;
    const counted = this.#counted.get(key);
    if (counted) counted.count++;
    else this.#counted.set(key, tally);
  }

  /** Writes what was counted since last time. */
  write(): void {
    if (this.#counted.size === 0) return;
    const tallies = this.#counted;
    this.#counted = new Map();
    const { db, clock } = this.#ports;
    try {
      const written = db.transaction(() =>
        ok(recordDownloads(db, tallies.values(), dayOf(clock.now()))),
      );
      if (!written.ok) return;
      this.#answers.forget(
        [...written.value].flatMap((packageKey) => {
          const changeSeq = changeOfPackage(db, packageKey);
          return changeSeq === undefined ? [] : [{ packageKey, changeSeq }];
        }),
      );
    } catch (error) {
      // Counts are worth less than the server's health: these are lost, and counting goes on.
      this.log?.error({ err: error }, "writing download counts failed");
    }
  }

  /** Stops counting, and writes what was counted. */
  stop(): void {
    clearInterval(this.#timer);
    this.write();
  }
}
