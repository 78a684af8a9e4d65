import { createInterface } from "node:readline";

let lines: AsyncIterator<string> | undefined;

/**
 * Asks on the terminal and waits for a line. Works the same when the answers
 * are piped in, so scripts can drive the CLI; undefined when input has ended.
 */
export async function ask(question: string): Promise<string | undefined> {
  process.stderr.write(question);
  lines ??= createInterface({ input: process.stdin, terminal: false })[Symbol.asyncIterator]();
  const next = await lines.next();
  return next.done ? undefined : next.value.trim();
}

export function closePrompt(): void {
  process.stdin.destroy();
}
