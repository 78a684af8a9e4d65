// What a command prints: for people, lines and tables; with --json, one JSON
// document on standard output and nothing else there, for scripts.

/** The `--json` option every command that prints data takes. */
export const JSON_OPTION = [
  "--json",
  "print the result as one JSON document, for scripts",
] as const;

/** Prints `value` as JSON when asked to, otherwise as `forPeople` says. */
export function show<T>(json: boolean | undefined, value: T, forPeople: (value: T) => void): void {
  if (json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  else forPeople(value);
}

/** Says something to the person running the command, away from standard output's data. */
export const tell = (text: string): void => {
  process.stderr.write(`${text}\n`);
};
