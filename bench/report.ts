// The results as Markdown tables: printed after a run, and recorded in RESULTS.md.

import type { Latencies } from "./load.ts";
import type { MemorySamples } from "./memory.ts";
import { formatMirrorPublishing, type MirrorPublishing } from "./mirror.ts";
import { formatWorkerCheck, type WorkerCheck } from "./worker-check.ts";

export interface Machine {
  cores: number;
  cpu: string;
  memoryGiB: number;
  node: string;
  autocannon: string;
  date: string;
  /** The one-minute load average when the run began: other work on the machine skews the figures. */
  loadAverage: number;
}

export interface CatalogueSummary {
  name: string;
  identities: number;
  users: number;
  packages: number;
  private: number;
  versions: number;
  revoked: number;
  seedSeconds: number;
}

/** One measured workload; reads are compared with the bare server. */
export interface WorkloadRow {
  label: string;
  connections: number;
  latencies: Latencies;
  /** Mean answer body, when the workload is a read. */
  answerBytes?: number;
  /** The bare server answering a body of the same size, when the workload is a read. */
  sameSizeCeiling?: Latencies;
}

export interface Target {
  description: string;
  measured: string;
  pass: boolean;
}

export interface ScalingColumn {
  catalogue: CatalogueSummary;
  latest: Latencies;
  versionList: Latencies;
}

export interface BenchReport {
  memory: MemorySamples;
  /** Publishing on a registry that keeps a static mirror in a folder. */
  mirror: MirrorPublishing;
  workerCheck: WorkerCheck;
  machine: Machine;
  settings: string;
  catalogue: CatalogueSummary;
  ceiling: { bytes: number; latencies: Latencies; connections: number };
  rows: WorkloadRow[];
  mixed: { reads: Latencies; writes: Latencies; readsAlone: Latencies };
  targets: Target[];
  scaling: ScalingColumn[];
  notes: string[];
}

const count = (n: number) => Math.round(n).toLocaleString("en-US");
const ms = (n: number) => (Number.isNaN(n) ? "–" : n.toFixed(2));
const ratio = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : "–");
const bytes = (n: number) => (n >= 10_000 ? `${(n / 1024).toFixed(0)} KiB` : `${Math.round(n)} B`);

/** A Markdown table with its columns padded, so it reads well in a terminal too. */
export function table(header: string[], rows: string[][], rightAligned: boolean[] = []): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: string[]) =>
    `| ${cells
      .map((cell, column) =>
        rightAligned[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
      )
      .join(" | ")} |`;
  const rule = `|${widths.map((width, column) => (rightAligned[column] ? `${"-".repeat(width + 1)}:` : "-".repeat(width + 2))).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

export function formatReport(report: BenchReport): string {
  const { machine, catalogue, ceiling } = report;
  const sections = [
    `Measured ${machine.date} on ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node.js ${machine.node}, autocannon ${machine.autocannon}; load average ${machine.loadAverage.toFixed(2)} at the start.`,
    `Settings: ${report.settings}.`,
    `Catalogue "${catalogue.name}": ${count(catalogue.packages)} packages (${count(catalogue.private)} private) with ${count(catalogue.versions)} versions (${count(catalogue.revoked)} revoked), ${count(catalogue.identities)} identities, ${count(catalogue.users)} users; seeded through the core in ${catalogue.seedSeconds.toFixed(1)} s.`,
    "### Workloads",
    workloadTable(report.rows, ceiling),
    `Ratios: a read's req/s and p99 divided by those of a bare node:http server answering a fixed ${ceiling.bytes}-byte JSON body (the size of a \`latest\` answer), and by those of one answering a body the size of the read's own answers.`,
    mixedLines(report.mixed),
    memoryLine(report.memory),
    formatMirrorPublishing(report.mirror),
    "### Bundle readers that fail",
    formatWorkerCheck(report.workerCheck),
    "### Targets",
    report.targets
      .map(
        (target) => `- ${target.pass ? "PASS" : "MISS"} ${target.description}: ${target.measured}`,
      )
      .join("\n"),
  ];
  if (report.scaling.length > 0)
    sections.push("### Scaling with the catalogue", scalingTable(report.scaling));
  if (report.notes.length > 0) sections.push(report.notes.map((note) => `- ${note}`).join("\n"));
  return `${sections.join("\n\n")}\n`;
}

function workloadTable(rows: WorkloadRow[], ceiling: BenchReport["ceiling"]): string {
  const header = [
    "workload",
    "conns",
    "req/s",
    "p50 ms",
    "p99 ms",
    "answer",
    `req/s ÷ bare ${ceiling.bytes} B`,
    `p99 ÷ bare ${ceiling.bytes} B`,
    "req/s ÷ bare same size",
    "p99 ÷ bare same size",
  ];
  const bare = ceiling.latencies;
  const lines = [
    [
      `bare node:http, ${ceiling.bytes} B body`,
      String(ceiling.connections),
      count(bare.perSecond),
      ms(bare.p50),
      ms(bare.p99),
      bytes(ceiling.bytes),
      ratio(1),
      ratio(1),
      ratio(1),
      ratio(1),
    ],
    ...rows.map((row) => {
      const { latencies: l, sameSizeCeiling: same } = row;
      const read = row.answerBytes !== undefined;
      return [
        row.label,
        String(row.connections),
        count(l.perSecond),
        ms(l.p50),
        ms(l.p99),
        read ? bytes(row.answerBytes!) : "",
        read ? ratio(l.perSecond / bare.perSecond) : "",
        read ? ratio(l.p99 / bare.p99) : "",
        same ? ratio(l.perSecond / same.perSecond) : "",
        same ? ratio(l.p99 / same.p99) : "",
      ];
    }),
  ];
  return table(header, lines, [false, true, true, true, true, true, true, true, true, true]);
}

function memoryLine(memory: MemorySamples): string {
  return memory.peakBytes === undefined
    ? "The server's memory could not be read (no /proc)."
    : `The server's resident memory, sampled every 50 ms while the publishers of the real core bundle worked together, peaked at ${(memory.peakBytes / 2 ** 20).toFixed(0)} MiB.`;
}

function mixedLines(mixed: BenchReport["mixed"]): string {
  return [
    `Mixed workload: ${count(mixed.reads.count)} reads and, beside them, ${count(mixed.writes.count)} publishes.`,
    `Reads beside publishes: p50 ${ms(mixed.reads.p50)} ms, p99 ${ms(mixed.reads.p99)} ms;`,
    `the same reads alone: p50 ${ms(mixed.readsAlone.p50)} ms, p99 ${ms(mixed.readsAlone.p99)} ms.`,
  ].join(" ");
}

function scalingTable(columns: ScalingColumn[]): string {
  const header = [
    "",
    ...columns.map(
      (column) => `${column.catalogue.name}: ${count(column.catalogue.versions)} versions`,
    ),
  ];
  const first = columns[0]!;
  const rows = [
    ["packages", ...columns.map((column) => count(column.catalogue.packages))],
    ["`latest` req/s", ...columns.map((column) => count(column.latest.perSecond))],
    ["`latest` p50 ms", ...columns.map((column) => ms(column.latest.p50))],
    ["`latest` p99 ms", ...columns.map((column) => ms(column.latest.p99))],
    [
      "`latest` req/s ÷ smallest",
      ...columns.map((column) => ratio(column.latest.perSecond / first.latest.perSecond)),
    ],
    ["version list req/s", ...columns.map((column) => count(column.versionList.perSecond))],
    ["version list p50 ms", ...columns.map((column) => ms(column.versionList.p50))],
    ["version list p99 ms", ...columns.map((column) => ms(column.versionList.p99))],
    [
      "version list req/s ÷ smallest",
      ...columns.map((column) => ratio(column.versionList.perSecond / first.versionList.perSecond)),
    ],
  ];
  return table(header, rows, [false, ...columns.map(() => true)]);
}
