// How problems with something uploaded are worded, for the `problems` of an answer.

/** Adds one problem to a list being collected. */
export type Report = (problem: string) => void;

export type JsonObject = { [key: string]: unknown };

/** A JSON object, as opposed to an array, null or a plain value. */
export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const QUOTE_LIMIT = 60;

/**
 * Text in JSON quotes, so that control characters and quotes inside it stay
 * visible, and cut short: an upload must not be able to make an answer huge.
 */
export function quote(text: string): string {
  const characters = Array.from(text);
  return JSON.stringify(
    characters.length > QUOTE_LIMIT ? `${characters.slice(0, QUOTE_LIMIT - 1).join("")}…` : text,
  );
}

/** A JSON value as a sentence names it: `"1.0"`, `the number 1`, `an array`. */
export function describeJson(value: unknown): string {
  if (typeof value === "string") return quote(value);
  if (typeof value === "number") return `the number ${value}`;
  if (typeof value === "boolean" || value === null) return String(value);
  return Array.isArray(value) ? "an array" : "an object";
}
