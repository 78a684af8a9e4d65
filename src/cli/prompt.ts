import { createInterface } from "node:readline";

let lines: AsyncIterator<string> | undefined;
/** A question is on the screen, and its line not ended yet. */
let asking = false;

/**
 * Asks on the terminal and waits for a line. Works the same when the answers
 * are piped in, so scripts can drive the CLI; undefined when input has ended.
 * The question's line is always ended, so what is said next has its own.
 */
export async function ask(question: string): Promise<string | undefined> {
  process.stderr.write(question);
  asking = true;
  lines ??= createInterface({ input: process.stdin, terminal: false })[Symbol.asyncIterator]();
  const next = await lines.next();
  // A terminal echoes the line typed, and its newline; piped input and its end show nothing.
  if (asking && (next.done || !process.stdin.isTTY)) process.stderr.write("\n");
  asking = false;
  return next.done ? undefined : next.value.trim();
}

/** Stops reading input; a question left unanswered has its line ended. */
export function closePrompt(): void {
  if (asking) process.stderr.write("\n");
  asking = false;
  process.stdin.destroy();
}
