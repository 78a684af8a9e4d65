// How problems with something uploaded are worded, for the `problems` of an answer.

/** Adds one problem to a list being collected. */
export type Report = (problem: string) => void;

export type JsonObject = { [key: string]: unknown };

/** A JSON object, as opposed to an array, null or a plain value. */
export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const QUOTE_LIMIT = 60;

/**
 * Characters that change how the text around them shows without showing
 * themselves: direction overrides and invisible marks. In a message they
 * could make one name pass for another, so they are written as escapes.
 */
const INVISIBLE = /[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/**
 * Text in JSON quotes, so that control characters, quotes and invisible
 * characters inside it stay visible (and cannot drive a terminal), and cut
 * short: an upload or a URL must not be able to make an answer huge.
 */
export function quote(text: string): string {
  const characters = Array.from(text);
  return JSON.stringify(
    characters.length > QUOTE_LIMIT ? `${characters.slice(0, QUOTE_LIMIT - 1).join("")}…` : text,
  ).replace(
    INVISIBLE,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** A JSON value as a sentence names it: `"1.0"`, `the number 1`, `an array`. */
export function describeJson(value: unknown): string {
  if (typeof value === "string") return quote(value);
  if (typeof value === "number") return `the number ${value}`;
  if (typeof value === "boolean" || value === null) return String(value);
  return Array.isArray(value) ? "an array" : "an object";
}
