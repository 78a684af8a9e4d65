// One benchmark run: seed, put each workload on the registry, put the same
// load on the bare server, compare, and repeat the reads on other catalogues.

import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import {
  CATALOGUES,
  type CatalogueName,
  type SeededCatalogue,
  seedCatalogue,
} from "./catalogue.ts";
import { jsonBodyOf } from "./ceiling-server.ts";
import {
  askOnce,
  type Latencies,
  type LoadResult,
  meanAnswerBytes,
  type Request,
  runLoad,
} from "./load.ts";
import type { BenchOptions } from "./options.ts";
import type {
  BenchReport,
  CatalogueSummary,
  ScalingColumn,
  Target,
  WorkloadRow,
} from "./report.ts";
import { startCeilingServer, startRegistryServer } from "./servers.ts";
import { bundleDownloads, latestQuestions, mixed, Uploads, versionLists } from "./workloads.ts";

/** The targets: `latest` against the bare server, and publishing 100 KB bundles one at a time. */
export const TARGETS = { latestThroughput: 0.6, latestP99: 2, sequentialPublishes: 500 } as const;
/** One request in this many is a publish in the mixed workload. */
const MIXED_WRITE_EVERY = 20;

const JSON_TYPE = "application/json; charset=utf-8";
const NONE: Latencies = { count: 0, perSecond: 0, p50: Number.NaN, p99: Number.NaN };
const log = (text: string) => process.stderr.write(`${text}\n`);

interface RegistryResults {
  latest: LoadResult;
  versionList: LoadResult;
  bundle: LoadResult;
  publishAlone: LoadResult;
  publishTogether: LoadResult;
  mixed: LoadResult;
}

interface Measured {
  /** Mean answer bodies of the reads, in bytes. */
  answerBytes: { latest: number; versionList: number; bundle: number };
  /** The bare server answering bodies of those sizes. */
  bare: { latest: Latencies; versionList: Latencies; bundle: Latencies };
  registry: RegistryResults;
}

export async function runBenchmark(options: BenchOptions, workDir: string): Promise<BenchReport> {
  const loadAverage = loadavg()[0]!;
  const bench = new Bench(options, workDir);
  const catalogue = await bench.seed(options.catalogue);
  log("Running the workloads, each read in turn with the bare server answering the same size");
  const measured = await bench.onRegistry(catalogue, (url) => measure(bench, url, catalogue));
  const { answerBytes, bare, registry } = measured;

  const latest = answered(registry.latest);
  const summary = summarise(options.catalogue, catalogue);
  const scaling: ScalingColumn[] = [];
  for (const name of options.scaling) {
    scaling.push(
      name === options.catalogue
        ? { catalogue: summary, latest, versionList: answered(registry.versionList) }
        : await bench.scaling(name),
    );
  }

  const rows: WorkloadRow[] = [
    read("`latest?gren=`", registry.latest, answerBytes.latest, bare.latest),
    read("version list", registry.versionList, answerBytes.versionList, bare.versionList),
    read("bundle download", registry.bundle, answerBytes.bundle, bare.bundle),
    write("publish 100 KB, one publisher", registry.publishAlone),
    write(`publish 100 KB, ${options.publishers} publishers`, registry.publishTogether),
    read("mixed: its reads (95%)", registry.mixed, answerBytes.latest, bare.latest),
    write("mixed: its publishes (5%)", registry.mixed),
  ];
  return {
    machine: machine(loadAverage),
    settings: `${options.rounds === 1 ? "" : `the median of ${options.rounds} rounds of `}${options.duration} s per workload after ${options.warmup} s of warm-up, ${options.connections} connections for reads, server log level ${options.logLevel}`,
    catalogue: summary,
    ceiling: {
      bytes: Math.round(answerBytes.latest),
      latencies: bare.latest,
      connections: options.connections,
    },
    rows,
    mixed: {
      reads: answered(registry.mixed),
      writes: answered(registry.mixed, 201),
      readsAlone: latest,
    },
    targets: targets(options, latest, bare.latest, answered(registry.publishAlone, 201)),
    scaling,
    notes: unexpectedAnswers(registry),
  };
}

/**
 * Every workload on the registry at `url`. Each read takes turns with the bare
 * server answering bodies of the same size, so that the pair sees the same machine.
 */
async function measure(bench: Bench, url: string, catalogue: SeededCatalogue): Promise<Measured> {
  const uploads = new Uploads(catalogue);
  // Every kind of request is made once first, so a broken workload fails loudly.
  const latestBytes = await meanAnswerBytes(url, latestQuestions(catalogue));
  const versionListBytes = await meanAnswerBytes(url, versionLists(catalogue));
  const bundle = await askOnce(url, bundleDownloads(catalogue)(), 200);
  await askOnce(url, uploads.bySinglePublisher()(), 201);

  const json = (bytes: number) => ({ body: jsonBodyOf(Math.round(bytes)), type: JSON_TYPE });
  const latest = await bench.pair(json(latestBytes), url, () => latestQuestions(catalogue));
  const versionList = await bench.pair(json(versionListBytes), url, () => versionLists(catalogue));
  // The very bytes of the bundle: the load generator reads every answer as text, which costs
  // it more for binary than for JSON, so only the same bytes make a fair ceiling.
  const bundleDownload = await bench.pair({ body: bundle, type: "application/gzip" }, url, () =>
    bundleDownloads(catalogue),
  );
  return {
    answerBytes: { latest: latestBytes, versionList: versionListBytes, bundle: bundle.length },
    bare: { latest: latest.bare, versionList: versionList.bare, bundle: bundleDownload.bare },
    registry: {
      latest: latest.registry,
      versionList: versionList.registry,
      bundle: bundleDownload.registry,
      publishAlone: await bench.load(url, uploads.bySinglePublisher(), 1),
      publishTogether: await bench.load(url, uploads.byEveryPublisher(), bench.publishers),
      mixed: await bench.load(
        url,
        mixed(latestQuestions(catalogue), uploads.byEveryPublisher(), MIXED_WRITE_EVERY),
      ),
    },
  };
}

/** What a run needs throughout: its options, and where its databases go. */
class Bench {
  readonly #options: BenchOptions;
  readonly #workDir: string;

  constructor(options: BenchOptions, workDir: string) {
    this.#options = options;
    this.#workDir = workDir;
  }

  /**
   * Load on one server, by the read workloads' number of connections unless
   * told otherwise: a warm-up, then each round, keeping the median round.
   */
  async load(url: string, next: () => Request, connections = this.#options.connections) {
    const rounds: LoadResult[] = [];
    for (let round = 0; round < this.#options.rounds; round++) {
      rounds.push(await this.#round(url, next, connections, round));
    }
    return median(rounds);
  }

  #round(url: string, next: () => Request, connections: number, round: number) {
    const { duration, warmup } = this.#options;
    return runLoad({
      url,
      connections,
      duration,
      warmup: round === 0 ? warmup : 0,
      nextRequest: next,
    });
  }

  /**
   * A read on the registry and the bare server answering `answer`, round by
   * round in turn, so that whatever else the machine does affects both alike.
   */
  async pair(answer: { body: Buffer; type: string }, url: string, reads: () => () => Request) {
    const bodyFile = join(this.#workDir, "bare-answer");
    writeFileSync(bodyFile, answer.body);
    const bare = await startCeilingServer(bodyFile, answer.type);
    const bareRounds: LoadResult[] = [];
    const registryRounds: LoadResult[] = [];
    try {
      const bareRequests = () => ({ method: "GET", path: "/" }) as const;
      const registryRequests = reads();
      const { connections } = this.#options;
      for (let round = 0; round < this.#options.rounds; round++) {
        bareRounds.push(await this.#round(bare.url, bareRequests, connections, round));
        registryRounds.push(await this.#round(url, registryRequests, connections, round));
      }
    } finally {
      await bare.stop();
    }
    return { bare: answered(median(bareRounds)), registry: median(registryRounds) };
  }

  async seed(name: CatalogueName): Promise<SeededCatalogue> {
    const size = CATALOGUES[name];
    log(`Seeding the ${name} catalogue: ${size.packages} packages, ${size.versions} versions`);
    const dbPath = join(this.#workDir, `${name}.db`);
    // Every WAL checkpoint is synced to disk, which on a virtual disk costs
    // more than the work between two; seeding in memory (where there is a
    // tmpfs) and copying the finished file makes the same database in half the time.
    const memory = "/dev/shm";
    if (!existsSync(memory)) return seedCatalogue(dbPath, size);
    const scratch = mkdtempSync(join(memory, "registry-bench-"));
    try {
      const seeded = await seedCatalogue(join(scratch, "registry.db"), size);
      copyFileSync(seeded.dbPath, dbPath);
      return { ...seeded, dbPath };
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }

  /** Starts the registry on the catalogue, does `work` with its URL, and stops it. */
  async onRegistry<T>(catalogue: SeededCatalogue, work: (url: string) => Promise<T>): Promise<T> {
    const server = await startRegistryServer({
      dbPath: catalogue.dbPath,
      logLevel: this.#options.logLevel,
      profileDir: this.#options.profileDir,
    });
    try {
      return await work(server.url);
    } finally {
      await server.stop();
    }
  }

  get publishers(): number {
    return this.#options.publishers;
  }

  /** `latest` and the version list on another catalogue. */
  async scaling(name: CatalogueName): Promise<ScalingColumn> {
    const catalogue = await this.seed(name);
    log(`Running \`latest\` and the version list on the ${name} catalogue`);
    try {
      return await this.onRegistry(catalogue, async (url) => ({
        catalogue: summarise(name, catalogue),
        latest: answered(await this.load(url, latestQuestions(catalogue))),
        versionList: answered(await this.load(url, versionLists(catalogue))),
      }));
    } finally {
      rmSync(catalogue.dbPath, { force: true });
    }
  }
}

/** The round with the median throughput. */
function median(rounds: LoadResult[]): LoadResult {
  return [...rounds].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(rounds.length / 2)]!;
}

/** The figures for the answers of one status: 200 for reads, 201 for publishes. */
const answered = (result: LoadResult, status = 200): Latencies => result.byStatus[status] ?? NONE;

function read(
  label: string,
  result: LoadResult,
  answerBytes: number,
  sameSizeCeiling: Latencies,
): WorkloadRow {
  return {
    label,
    connections: result.connections,
    latencies: answered(result),
    answerBytes,
    sameSizeCeiling,
  };
}

function write(label: string, result: LoadResult): WorkloadRow {
  return { label, connections: result.connections, latencies: answered(result, 201) };
}

function targets(
  options: BenchOptions,
  latest: Latencies,
  ceiling: Latencies,
  sequential: Latencies,
): Target[] {
  return [
    {
      description: `\`latest\` req/s ≥ ${TARGETS.latestThroughput} of the bare server's at ${options.connections} connections`,
      measured: `${(latest.perSecond / ceiling.perSecond).toFixed(2)} (${Math.round(latest.perSecond)} vs ${Math.round(ceiling.perSecond)} req/s)`,
      pass: latest.perSecond >= TARGETS.latestThroughput * ceiling.perSecond,
    },
    {
      description: `\`latest\` p99 ≤ ${TARGETS.latestP99}× the bare server's`,
      measured: `${(latest.p99 / ceiling.p99).toFixed(2)}× (${latest.p99.toFixed(2)} vs ${ceiling.p99.toFixed(2)} ms)`,
      pass: latest.p99 <= TARGETS.latestP99 * ceiling.p99,
    },
    {
      description: `publishing 100 KB bundles one at a time ≥ ${TARGETS.sequentialPublishes}/s`,
      measured: `${Math.round(sequential.perSecond)}/s`,
      pass: sequential.perSecond >= TARGETS.sequentialPublishes,
    },
  ];
}

/** Anything but the expected answers is reported, since it would skew the figures. */
function unexpectedAnswers(results: RegistryResults): string[] {
  return Object.entries(results).flatMap(([name, result]: [string, LoadResult]) => {
    const notes = Object.entries(result.statuses)
      .filter(([status]) => status !== "200" && status !== "201")
      .map(([status, n]) => `${name}: ${n} answers with status ${status}.`);
    if (result.errors > 0) notes.push(`${name}: ${result.errors} requests failed or timed out.`);
    return notes;
  });
}

function summarise(name: string, catalogue: SeededCatalogue): CatalogueSummary {
  return { name, ...catalogue.counts, seedSeconds: catalogue.seconds };
}

function machine(loadAverage: number): BenchReport["machine"] {
  const autocannon = JSON.parse(
    readFileSync(join(import.meta.dirname, "../node_modules/autocannon/package.json"), "utf8"),
  ) as { version: string };
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? "unknown CPU",
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    autocannon: autocannon.version,
    date: new Date().toISOString().slice(0, 10),
    loadAverage,
  };
}
