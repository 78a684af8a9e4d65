import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { BroadcastChannel, type MessagePort } from "node:worker_threads";
import type {
  BundleExpectation,
  DependencyApi,
  StoredApi,
  StoredBundle,
  UploadExtras,
} from "../../ports/bundles.ts";
import { ok } from "../../result.ts";
import { announcedUnpackedBytes } from "../gzip.ts";
import { makeVersionDocs } from "./documenting.ts";
import { UnpackedGarbage } from "./garbage.ts";
import { type AskApis, compareStored, documentStored, readUpload } from "./reading.ts";

// A worker thread's one job: read and check a bundle by the core's rules, and
// document it, off the thread that answers requests. Unpacking, decoding,
// parsing and rendering half a megabyte, and the collections of the large
// strings that leaves, happen here.

// Reads wait for nobody but publishes can: where the system lets a thread be
// given a lower priority (Linux, where /proc/thread-self names it), the
// readers take the CPU only when the thread answering requests leaves it.
const READER_NICENESS = 10;
try {
  const threadId = Number(readlinkSync("/proc/thread-self").split("/").pop());
  if (Number.isInteger(threadId)) setPriority(threadId, READER_NICENESS);
} catch {
  // Elsewhere readers run at the server's own priority.
}

// The first docs a reader makes cost it several times the next ones: the
// Markdown renderer and the highlighter build their rules and compile their
// patterns on first use. A reader makes a small module's docs as it starts,
// so that the first version published after a start is not the one to wait.
makeVersionDocs(
  {
    name: "registry/warm-up",
    version: "1.0.0",
    exposedModules: ["Warm"],
    sources: {
      Warm: [
        "module Warm exposing (Shape(..), area)",
        "",
        "{-| # Shapes",
        "",
        "Read [the guide](https://gren-lang.org), and *mind* `area`:",
        "",
        "    area (Circle 1.0) == 3.14",
        "",
        "@docs Shape, area",
        "-}",
        "",
        "",
        "{-| A shape. -}",
        "type Shape = Circle Float | Square { side : Float }",
        "",
        "",
        "{-| Its area.",
        "",
        "```gren",
        "when shape is",
        '    Circle r -> "round"',
        "```",
        "-}",
        "area : Shape -> Maybe Float",
        "area shape = Nothing",
        "",
      ].join("\n"),
    },
  },
  [],
);

const COLLECT_AFTER_UNPACKED_BYTES = 32 * 1024 * 1024;

// `gc` is there when the server runs with --expose-gc, as its start script has it.
const collect = (globalThis as { gc?: () => void }).gc;
const garbage = collect && new UnpackedGarbage(COLLECT_AFTER_UNPACKED_BYTES, collect);

/** The pool's channel, opened once, where a reader says which task it has taken up. */
let started: BroadcastChannel | undefined;

export type ReaderTask = {
  /** Said on the channel when the reading starts, so that its time limit counts from here. */
  task: number;
  channel: string;
} & (
  | ({
      bytes: Uint8Array;
      /** Where the reader asks the thread holding the database for the dependencies' APIs. */
      apis: MessagePort;
    } & (
      | { kind: "upload"; expected: BundleExpectation; extras: UploadExtras }
      | { kind: "stored"; stored: StoredBundle }
    ))
  | { kind: "compare"; older: StoredApi; newer: StoredApi }
);

export default async function read(task: ReaderTask) {
  if (!started) {
    started = new BroadcastChannel(task.channel);
    started.unref();
  }
  started.postMessage(task.task);
  if (task.kind === "compare") return ok(compareStored(task.older, task.newer));
  const ask: AskApis = (dependencies) =>
    new Promise<DependencyApi[]>((resolve) => {
      task.apis.once("message", resolve);
      task.apis.postMessage(dependencies);
    });
  try {
    return task.kind === "upload"
      ? await readUpload(task.bytes, task.expected, ask, task.extras)
      : await documentStored(task.bytes, task.stored, ask);
  } finally {
    task.apis.close();
    // The trailer's word is enough here: a sender who lies only makes its own reads collect more or less often.
    garbage?.add(announcedUnpackedBytes(task.bytes));
  }
}
