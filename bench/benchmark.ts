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
  LONG_HISTORY,
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
  runEach,
  runLoad,
} from "./load.ts";
import { type MemorySamples, peakMemoryDuring } from "./memory.ts";
import { type MirrorPublishing, measureMirrorPublishing } from "./mirror.ts";
import type { BenchOptions } from "./options.ts";
import type {
  BenchReport,
  CatalogueSummary,
  ScalingColumn,
  Target,
  WorkloadRow,
} from "./report.ts";
import { type RunningServer, startCeilingServer, startRegistryServer } from "./servers.ts";
import { checkWorkerFailure } from "./worker-check.ts";
import {
  bundleDownloads,
  coreModulePages,
  corePackagePage,
  graphResolutions,
  inclusionProofs,
  latestQuestions,
  longHistoryIndex,
  longHistoryVersions,
  packagePages,
  Uploads,
  versionLists,
} from "./workloads.ts";

/** The targets, each a ratio measured side by side in the run or a figure for this machine. */
export const TARGETS = {
  /** `latest?gren=` req/s, as a share of the bare server's. */
  latestThroughput: 0.75,
  /** `latest?gren=` p99, as a multiple of the bare server's. */
  latestP99: 1.5,
  /** The mixed workload's reads' p99, as a multiple of the same reads' alone. */
  mixedP99: 2,
  /** Publishes of the real core bundle a second, one publisher at a time, its docs and API made with each. */
  corePublishesAlone: 150,
  /** Publishes of the real core bundle a second, eight publishers at once. */
  corePublishesTogether: 450,
  /** The server's resident memory under the eight publishers, in MiB. */
  memoryMiB: 300,
  /** `/resolve` of the 20-package graph, p99 in ms. */
  resolveP99: 10,
  /** The 200-version package's index req/s, as a share of its version list's. */
  indexThroughput: 1,
  /** A package page at the read connections, p99 in ms. */
  pageP99: 20,
  /** The real core's package page, README and all, at the read connections, p99 in ms. */
  corePageP99: 20,
  /** The real core's module pages, linked and indexed, at the read connections, p99 in ms. */
  coreModuleP99: 20,
  /** Inclusion proofs req/s, as the CLI asks them, as a share of the version list's. */
  proofThroughput: 1,
  /** Publishes of the real core bundle by one publisher with a file mirror, as a share of those without. */
  mirrorPublishes: 0.8,
} as const;
/**
 * The publishing stream beside the mixed workload's reads: one publisher
 * sending the real core bundle again and again, as fast as it is answered,
 * far more than a registry's authors ever publish.
 */
const MIXED_PUBLISHERS = 1;
/**
 * Applications resolving at once: a CI fleet's burst, not a flood. `/resolve`
 * works for about a millisecond, so at 50 connections its p99 would measure
 * the queue, not the answer.
 */
const RESOLVE_CONNECTIONS = 10;

const JSON_TYPE = "application/json; charset=utf-8";
const HTML_TYPE = "text/html; charset=utf-8";
const NONE: Latencies = { count: 0, perSecond: 0, p50: Number.NaN, p99: Number.NaN };
const MIB = 1024 * 1024;
const log = (text: string) => process.stderr.write(`${text}\n`);

interface RegistryResults {
  latest: LoadResult;
  versionList: LoadResult;
  /** Inclusion proofs of versions in the transparency log, as the CLI asks them. */
  proof: LoadResult;
  /** The version list of the package with 200 versions. */
  longList: LoadResult;
  index: LoadResult;
  bundle: LoadResult;
  resolve: LoadResult;
  page: LoadResult;
  /** The real core's package page, and its module pages in turn. */
  corePage: LoadResult;
  coreModule: LoadResult;
  generatedAlone: LoadResult;
  generatedTogether: LoadResult;
  coreAlone: LoadResult;
  coreTogether: LoadResult;
  /** Reads at the read connections, with a stream of publishes beside them. */
  mixed: { reads: LoadResult; writes: LoadResult };
}

type Read =
  | "latest"
  | "versionList"
  | "proof"
  | "longList"
  | "index"
  | "bundle"
  | "resolve"
  | "page"
  | "corePage"
  | "coreModule";

interface ReadWorkload {
  next: () => () => Request;
  /** The type of the answers, which the bare server gives its own. */
  type: string;
  /**
   * The bare server answers the very bytes, not a body of the same size:
   * compressed or binary answers cost a client more to take in than text.
   */
  sameBytes?: true;
  connections?: number;
}

interface Measured {
  /** Mean answer bodies of the reads, in bytes. */
  answerBytes: Record<Read, number>;
  /** The bare server answering bodies of those sizes. */
  bare: Record<Read, Latencies>;
  registry: RegistryResults;
  /** The server's peak resident memory while eight publishers sent the real core bundle. */
  memory: MemorySamples;
}

export async function runBenchmark(options: BenchOptions, workDir: string): Promise<BenchReport> {
  const loadAverage = loadavg()[0]!;
  const bench = new Bench(options, workDir);
  const catalogue = await bench.seed(options.catalogue);
  log("Sending a bundle that makes a bundle reader fail, then publishes from every publisher");
  const workerCheck = await checkWorkerFailure(catalogue, options.logLevel);
  log("Running the workloads, each read in turn with the bare server answering the same size");
  const measured = await bench.onRegistry(catalogue, (server) => measure(bench, server, catalogue));
  const { answerBytes, bare, registry } = measured;
  log("Publishing again, on a registry that keeps a static mirror in a folder");
  const mirror = await measureMirrorPublishing(bench, catalogue, {
    workDir,
    logLevel: options.logLevel,
  });

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

  const row = (label: string, name: Read) =>
    read(label, registry[name], answerBytes[name], bare[name]);
  const { publishers } = options;
  const rows: WorkloadRow[] = [
    row("`latest?gren=`", "latest"),
    row("version list", "versionList"),
    row("inclusion proof (as the CLI asks)", "proof"),
    row(`version list, ${LONG_HISTORY.versions} versions, gzip`, "longList"),
    row(`index, ${LONG_HISTORY.versions} versions, gzip`, "index"),
    row("bundle download", "bundle"),
    row(`\`/resolve\`, ${catalogue.graph.packages} packages`, "resolve"),
    row("package page (HTML)", "page"),
    row("real core's package page (HTML, README)", "corePage"),
    row("real core's module pages (HTML, linked, indexed)", "coreModule"),
    write("publish generated 100 KB, one publisher", registry.generatedAlone),
    write(`publish generated 100 KB, ${publishers} publishers`, registry.generatedTogether),
    write("publish real core, one publisher", registry.coreAlone),
    write(`publish real core, ${publishers} publishers`, registry.coreTogether),
    write("publish real core, one publisher, file mirror", mirror.alone),
    write(`publish real core, ${publishers} publishers, file mirror`, mirror.together),
    read(
      "mixed: `latest?gren=` beside publishes",
      registry.mixed.reads,
      answerBytes.latest,
      bare.latest,
    ),
    write("mixed: publishes of real core beside reads", registry.mixed.writes),
  ];
  return {
    machine: machine(loadAverage),
    settings: `${options.rounds === 1 ? "" : `the median of ${options.rounds} rounds of `}${options.duration} s per workload after ${options.warmup} s of warm-up, ${options.connections} connections for reads (${RESOLVE_CONNECTIONS} for \`/resolve\`), server log level ${options.logLevel}`,
    catalogue: summary,
    ceiling: {
      bytes: Math.round(answerBytes.latest),
      latencies: bare.latest,
      connections: options.connections,
    },
    rows,
    mixed: {
      reads: answered(registry.mixed.reads),
      writes: answered(registry.mixed.writes, 201),
      readsAlone: latest,
    },
    memory: measured.memory,
    mirror,
    workerCheck,
    targets: targets(options, measured, mirror, catalogue.graph.packages),
    scaling,
    notes: unexpectedAnswers(registry, mirror),
  };
}

/**
 * Every workload on the registry `server`. Each read takes turns with the bare
 * server answering bodies of the same size, so that the pair sees the same machine.
 */
async function measure(
  bench: Bench,
  server: RunningServer,
  catalogue: SeededCatalogue,
): Promise<Measured> {
  const { url } = server;
  const generated = new Uploads(catalogue, "generated");
  const core = new Uploads(catalogue, "core");
  const reads: Record<Read, ReadWorkload> = {
    latest: { next: () => latestQuestions(catalogue), type: JSON_TYPE },
    versionList: { next: () => versionLists(catalogue), type: JSON_TYPE },
    proof: { next: () => inclusionProofs(catalogue), type: JSON_TYPE },
    longList: { next: longHistoryVersions, type: "application/gzip", sameBytes: true },
    index: { next: longHistoryIndex, type: "application/gzip", sameBytes: true },
    bundle: { next: () => bundleDownloads(catalogue), type: "application/gzip", sameBytes: true },
    resolve: {
      next: () => graphResolutions(catalogue),
      type: JSON_TYPE,
      connections: RESOLVE_CONNECTIONS,
    },
    page: { next: () => packagePages(catalogue), type: HTML_TYPE },
    corePage: { next: corePackagePage, type: HTML_TYPE },
    coreModule: { next: coreModulePages, type: HTML_TYPE },
  };
  // Every kind of request is made first, so a broken workload fails loudly; the
  // last answer is the one a warm server gives (the index then comes compressed).
  const answers = {} as Record<Read, Buffer>;
  const answerBytes = {} as Record<Read, number>;
  for (const [name, workload] of Object.entries(reads) as [Read, ReadWorkload][]) {
    answerBytes[name] = await meanAnswerBytes(url, workload.next());
    answers[name] = await askOnce(url, workload.next()(), 200);
  }
  const resolved = JSON.parse(answers.resolve.toString()) as { packages: object };
  if (Object.keys(resolved.packages).length !== catalogue.graph.packages) {
    throw new Error(`/resolve answered ${answers.resolve.toString()}`);
  }
  await askOnce(url, generated.bySinglePublisher()(), 201);
  await askOnce(url, core.bySinglePublisher()(), 201);

  const bare = {} as Record<Read, Latencies>;
  const registry = {} as Pick<RegistryResults, Read>;
  for (const [name, workload] of Object.entries(reads) as [Read, (typeof reads)[Read]][]) {
    const body = workload.sameBytes ? answers[name] : filler(workload.type, answerBytes[name]);
    const pair = await bench.pair(
      { body, type: workload.type },
      url,
      workload.next,
      workload.connections,
    );
    bare[name] = pair.bare;
    registry[name] = pair.registry;
  }
  // Each upload workload starts from the numbers the registry has: see `Uploads.caughtUp`.
  await core.caughtUp(url);
  const coreTogether = await peakMemoryDuring(server.pid, () =>
    bench.loadEach(url, core.byEachPublisher()),
  );
  // Publishes still queued for the readers when a workload ends would be
  // counted against the next one: one more, answered once they are all done,
  // waits them out.
  const drained = async () => {
    await core.settled(url);
    await generated.caughtUp(url);
  };
  await drained();
  const generatedAlone = await bench.load(url, generated.bySinglePublisher(), 1);
  await drained();
  const generatedTogether = await bench.loadEach(url, generated.byEachPublisher());
  await drained();
  const coreAlone = await bench.load(url, core.bySinglePublisher(), 1);
  await drained();
  return {
    answerBytes,
    bare,
    memory: coreTogether.memory,
    registry: {
      ...registry,
      generatedAlone,
      generatedTogether,
      coreAlone,
      coreTogether: coreTogether.result,
      mixed: await bench.beside(
        url,
        latestQuestions(catalogue),
        core.bySinglePublisher(),
        MIXED_PUBLISHERS,
      ),
    },
  };
}

/** A body of `bytes` bytes of the given type, for the bare server. */
function filler(type: string, bytes: number): Buffer {
  return type === HTML_TYPE
    ? Buffer.from(`<!doctype html><p>${"x".repeat(Math.max(0, Math.round(bytes) - 19))}`)
    : jsonBodyOf(Math.round(bytes));
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

  /** Load from several publishers at once, one connection each, as many as the options say. */
  async loadEach(url: string, publishers: (() => Request)[]) {
    const { duration, warmup, rounds, publishers: wanted } = this.#options;
    if (wanted > publishers.length) {
      throw new Error(`The catalogue has ${publishers.length} publishers, not ${wanted}.`);
    }
    const results: LoadResult[] = [];
    for (let round = 0; round < rounds; round++) {
      const sources = publishers.slice(0, wanted);
      results.push(await runEach({ url, duration, warmup: round === 0 ? warmup : 0 }, sources));
    }
    return median(results);
  }

  /**
   * Reads at the read connections and writes at `writeConnections`, both at
   * once, round by round; the round with the median read throughput is kept.
   */
  async beside(
    url: string,
    reads: () => Request,
    writes: () => Request,
    writeConnections: number,
  ): Promise<{ reads: LoadResult; writes: LoadResult }> {
    const rounds: { reads: LoadResult; writes: LoadResult }[] = [];
    for (let round = 0; round < this.#options.rounds; round++) {
      const [read, written] = await Promise.all([
        this.#round(url, reads, this.#options.connections, round),
        this.#round(url, writes, writeConnections, round),
      ]);
      rounds.push({ reads: read, writes: written });
    }
    const middle = median(rounds.map((round) => round.reads));
    return rounds.find((round) => round.reads === middle)!;
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
  async pair(
    answer: { body: Buffer; type: string },
    url: string,
    reads: () => () => Request,
    connections = this.#options.connections,
  ) {
    const bodyFile = join(this.#workDir, "bare-answer");
    writeFileSync(bodyFile, answer.body);
    const bare = await startCeilingServer(bodyFile, answer.type);
    const bareRounds: LoadResult[] = [];
    const registryRounds: LoadResult[] = [];
    try {
      const bareRequests = () => ({ method: "GET", path: "/" }) as const;
      const registryRequests = reads();
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
  async onRegistry<T>(
    catalogue: SeededCatalogue,
    work: (server: RunningServer) => Promise<T>,
  ): Promise<T> {
    const server = await startRegistryServer({
      dbPath: catalogue.dbPath,
      logLevel: this.#options.logLevel,
      profileDir: this.#options.profileDir,
    });
    try {
      return await work(server);
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
      return await this.onRegistry(catalogue, async ({ url }) => ({
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
  measured: Measured,
  mirror: MirrorPublishing,
  graphPackages: number,
): Target[] {
  const { registry, bare, memory } = measured;
  const latest = answered(registry.latest);
  const mixedReads = answered(registry.mixed.reads);
  const coreAlone = answered(registry.coreAlone, 201);
  const coreTogether = answered(registry.coreTogether, 201);
  const resolve = answered(registry.resolve);
  const index = answered(registry.index);
  const versionList = answered(registry.versionList);
  const longList = answered(registry.longList);
  const page = answered(registry.page);
  const corePage = answered(registry.corePage);
  const coreModule = answered(registry.coreModule);
  const proof = answered(registry.proof);
  const coreAloneMirrored = answered(mirror.alone, 201);
  const peakMiB = memory.peakBytes === undefined ? Number.NaN : memory.peakBytes / MIB;
  const perSecond = (l: Latencies) => `${Math.round(l.perSecond)}/s`;
  return [
    {
      description: `\`latest?gren=\` req/s ≥ ${TARGETS.latestThroughput}× the bare server's at ${options.connections} connections`,
      measured: `${(latest.perSecond / bare.latest.perSecond).toFixed(2)}× (${Math.round(latest.perSecond)} vs ${Math.round(bare.latest.perSecond)} req/s)`,
      pass: latest.perSecond >= TARGETS.latestThroughput * bare.latest.perSecond,
    },
    {
      description: `\`latest?gren=\` p99 ≤ ${TARGETS.latestP99}× the bare server's`,
      measured: `${(latest.p99 / bare.latest.p99).toFixed(2)}× (${latest.p99.toFixed(2)} vs ${bare.latest.p99.toFixed(2)} ms)`,
      pass: latest.p99 <= TARGETS.latestP99 * bare.latest.p99,
    },
    {
      description: `reads beside a publishing stream: p99 ≤ ${TARGETS.mixedP99}× the same reads alone`,
      measured: `${(mixedReads.p99 / latest.p99).toFixed(2)}× (${mixedReads.p99.toFixed(2)} vs ${latest.p99.toFixed(2)} ms)`,
      pass: mixedReads.p99 <= TARGETS.mixedP99 * latest.p99,
    },
    {
      description: `one publisher of the real core bundle ≥ ${TARGETS.corePublishesAlone}/s`,
      measured: perSecond(coreAlone),
      pass: coreAlone.perSecond >= TARGETS.corePublishesAlone,
    },
    {
      description: `${options.publishers} publishers of the real core bundle ≥ ${TARGETS.corePublishesTogether}/s`,
      measured: perSecond(coreTogether),
      pass: coreTogether.perSecond >= TARGETS.corePublishesTogether,
    },
    {
      description: `the server's memory under ${options.publishers} publishers < ${TARGETS.memoryMiB} MiB`,
      measured: `peak ${peakMiB.toFixed(0)} MiB resident (${memory.samples} samples)`,
      pass: peakMiB < TARGETS.memoryMiB,
    },
    {
      description: `\`/resolve\` of a ${measured.registry.resolve.connections}-connection stream of ${graphPackages}-package graphs: p99 < ${TARGETS.resolveP99} ms`,
      measured: `${resolve.p99.toFixed(2)} ms`,
      pass: resolve.p99 < TARGETS.resolveP99,
    },
    {
      description: `the index of a ${LONG_HISTORY.versions}-version package ≥ ${TARGETS.indexThroughput}× the req/s of its version list, both asked as the CLI asks`,
      measured: `${(index.perSecond / longList.perSecond).toFixed(2)}× (${Math.round(index.perSecond)} vs ${Math.round(longList.perSecond)} req/s; ${(index.perSecond / versionList.perSecond).toFixed(2)}× the version list workload's)`,
      pass: index.perSecond >= TARGETS.indexThroughput * longList.perSecond,
    },
    {
      description: `a package page at ${options.connections} connections: p99 < ${TARGETS.pageP99} ms`,
      measured: `${page.p99.toFixed(2)} ms`,
      pass: page.p99 < TARGETS.pageP99,
    },
    {
      description: `the real core's package page, with its README, at ${options.connections} connections: p99 < ${TARGETS.corePageP99} ms`,
      measured: `${corePage.p99.toFixed(2)} ms`,
      pass: corePage.p99 < TARGETS.corePageP99,
    },
    {
      description: `the real core's module pages, with linked types and an index, at ${options.connections} connections: p99 < ${TARGETS.coreModuleP99} ms`,
      measured: `${coreModule.p99.toFixed(2)} ms`,
      pass: coreModule.p99 < TARGETS.coreModuleP99,
    },
    {
      description: `inclusion proofs, as the CLI asks them, ≥ ${TARGETS.proofThroughput}× the req/s of the version list`,
      measured: `${(proof.perSecond / versionList.perSecond).toFixed(2)}× (${Math.round(proof.perSecond)} vs ${Math.round(versionList.perSecond)} req/s)`,
      pass: proof.perSecond >= TARGETS.proofThroughput * versionList.perSecond,
    },
    {
      description: `one publisher of the real core bundle with a static mirror in a folder ≥ ${TARGETS.mirrorPublishes}× the publishes without`,
      measured: `${(coreAloneMirrored.perSecond / coreAlone.perSecond).toFixed(2)}× (${perSecond(coreAloneMirrored)} vs ${perSecond(coreAlone)})`,
      pass: coreAloneMirrored.perSecond >= TARGETS.mirrorPublishes * coreAlone.perSecond,
    },
  ];
}

/** Anything but the expected answers is reported, since it would skew the figures. */
function unexpectedAnswers(results: RegistryResults, mirror: MirrorPublishing): string[] {
  const { mixed: beside, ...alone } = results;
  const all: [string, LoadResult][] = [
    ...Object.entries(alone),
    ["mixed reads", beside.reads],
    ["mixed publishes", beside.writes],
    ["publishes with a mirror, alone", mirror.alone],
    ["publishes with a mirror, together", mirror.together],
  ];
  return all.flatMap(([name, result]) => {
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
