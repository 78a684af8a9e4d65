// The benchmark's flags: how long, how hard, and on how big a catalogue.

import { tmpdir } from "node:os";
import { parseArgs } from "node:util";
import { CATALOGUES, type CatalogueName } from "./catalogue.ts";

export interface BenchOptions {
  /** Seconds of measured load per workload. */
  duration: number;
  /** Seconds of unmeasured load before each workload. */
  warmup: number;
  /** Times each workload is measured; the median is kept. */
  rounds: number;
  /** Connections for the read and mixed workloads. */
  connections: number;
  /** Publishers of the concurrent publishing workloads, one connection each. */
  publishers: number;
  catalogue: CatalogueName;
  /** Catalogues on which `latest` and the version list are compared, smallest first. */
  scaling: CatalogueName[];
  logLevel: string;
  profileDir: string | undefined;
  dbDir: string;
  record: boolean;
  /** WebSocket followers of the live feed and the burst of events they receive, if measured. */
  live: { clients: number; events: number } | undefined;
}

export const USAGE = `Usage: npm run bench -- [options]

  --duration SECONDS     measured load per workload and round (default 5)
  --warmup SECONDS       unmeasured load before each workload (default 2)
  --rounds N             measure each workload N times, keeping the median (default 3);
                         reads take turns with the bare server round by round
  --connections N        connections for reads and the mixed workload (default 50)
  --publishers N         publishers of the concurrent publishing workloads, one connection
                         each (default 8, at most 8)
  --catalogue NAME       ${Object.keys(CATALOGUES).join("|")} (default full)
  --scaling NAMES        catalogues to compare side by side, comma-separated, or none
                         (default small,full,large)
  --log-level LEVEL      the server's REGISTRY_LOG_LEVEL (default info, as in production)
  --profile DIR          write a CPU profile of each registry server process to DIR
  --db-dir DIR           where the temporary databases live (default the system's temp dir)
  --live CLIENTS,EVENTS  live feed followers and the burst they receive, or none (default 200,1000)
  --record               write the results into bench/RESULTS.md
  --help                 show this
`;

export function parseOptions(args: string[]): BenchOptions | "help" {
  const { values } = parseArgs({
    args,
    options: {
      duration: { type: "string", default: "5" },
      warmup: { type: "string", default: "2" },
      rounds: { type: "string", default: "3" },
      connections: { type: "string", default: "50" },
      publishers: { type: "string", default: "8" },
      catalogue: { type: "string", default: "full" },
      scaling: { type: "string", default: "small,full,large" },
      "log-level": { type: "string", default: "info" },
      profile: { type: "string" },
      "db-dir": { type: "string", default: tmpdir() },
      record: { type: "boolean", default: false },
      live: { type: "string", default: "200,1000" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return "help";
  const scaling = values.scaling === "none" ? [] : values.scaling.split(",").map(catalogueNamed);
  return {
    duration: positive("duration", values.duration),
    warmup: positive("warmup", values.warmup, true),
    rounds: whole("rounds", values.rounds),
    connections: whole("connections", values.connections),
    publishers: whole("publishers", values.publishers),
    catalogue: catalogueNamed(values.catalogue),
    scaling: [...new Set(scaling)].sort((a, b) => CATALOGUES[a].versions - CATALOGUES[b].versions),
    logLevel: values["log-level"],
    profileDir: values.profile,
    dbDir: values["db-dir"],
    record: values.record,
    live: liveOption(values.live),
  };
}

function liveOption(text: string): BenchOptions["live"] {
  if (text === "none") return undefined;
  const [clients = "", events = ""] = text.split(",");
  return { clients: whole("live", clients), events: whole("live", events) };
}

function catalogueNamed(name: string): CatalogueName {
  if (!Object.hasOwn(CATALOGUES, name)) {
    throw new Error(
      `There is no catalogue "${name}"; choose ${Object.keys(CATALOGUES).join(", ")}.`,
    );
  }
  return name as CatalogueName;
}

function positive(flag: string, text: string, zeroAllowed = false): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !zeroAllowed)) {
    throw new Error(`--${flag} must be a positive number of seconds, not "${text}".`);
  }
  return value;
}

function whole(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`--${flag} must be a whole number of at least 1, not "${text}".`);
  }
  return value;
}
