import { readBundle } from "../../core/bundle.ts";
import type { BundleExpectation } from "../../ports/bundles.ts";
import { nodeDigest } from "../digest.ts";
import { announcedUnpackedBytes, nodeGzip } from "../gzip.ts";
import { yieldToRequests } from "../threads/priority.ts";
import { announceStart, type TaskStart } from "../threads/taskStart.ts";
import { UnpackedGarbage } from "./garbage.ts";

// A worker thread's one job: read and check a bundle by the core's rules, off
// the thread that answers requests. Unpacking, decoding and parsing half a
// megabyte, and the collections of the large strings that leaves, happen here.

// Reads wait for nobody but publishes can.
yieldToRequests();

const COLLECT_AFTER_UNPACKED_BYTES = 32 * 1024 * 1024;

// `gc` is there when the server runs with --expose-gc, as its start script has it.
const collect = (globalThis as { gc?: () => void }).gc;
const garbage = collect && new UnpackedGarbage(COLLECT_AFTER_UNPACKED_BYTES, collect);

export default function read(task: {
  bytes: Uint8Array;
  expected: BundleExpectation;
  /** Announced when the reading starts, so that its time limit counts from here. */
  start: TaskStart;
}) {
  announceStart(task.start);
  const result = readBundle({ gzip: nodeGzip, digest: nodeDigest }, task.bytes, task.expected);
  // The trailer's word is enough here: a sender who lies only makes its own reads collect more or less often.
  garbage?.add(announcedUnpackedBytes(task.bytes));
  return result;
}
