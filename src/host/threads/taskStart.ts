import { BroadcastChannel } from "node:worker_threads";

// A worker of a `TimedPool` says when it takes a task up, so that the task's
// time limit counts from then.

/** What each task of a timed pool carries, to announce its start with. */
export interface TaskStart {
  channel: string;
  task: number;
}

/** The pool's channel, opened once per worker. */
let channel: BroadcastChannel | undefined;

/** In a worker: this task is taken up now. */
export function announceStart(start: TaskStart): void {
  if (!channel) {
    channel = new BroadcastChannel(start.channel);
    channel.unref();
  }
  channel.postMessage(start.task);
}
