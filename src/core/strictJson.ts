import { err, ok, type Result } from "../result.ts";

// JSON with one meaning. JSON.parse quietly keeps the last of two equal keys,
// so `{"license": "MIT", "license": "GPL-3.0"}` means one thing to the
// registry and maybe another to the next reader; it accepts nesting deep
// enough to overflow the stack of whoever walks the value next; it builds
// objects of millions of keys from a few megabytes; and it hands back
// `__proto__` as an ordinary key. This reader refuses all of these, and
// counts before it builds anything.

export interface StrictJsonLimits {
  /** Arrays and objects inside one another, at most. */
  maxDepth: number;
  /** Keys in all the document's objects together, at most. */
  maxKeys: number;
}

export type StrictJsonError =
  | { kind: "syntax"; detail: string }
  | { kind: "too_deep"; limit: number }
  | { kind: "too_many_keys"; limit: number }
  | { kind: "duplicate_key"; key: string; path: string }
  | { kind: "forbidden_key"; key: string; path: string };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Walks the text once, building nothing, to find what JSON.parse would let
 * through or what would cost too much to build, and only then parses it.
 * Strings are skipped with indexOf, so the walk costs a fraction of the parse,
 * even for megabytes of source text. Text that is not JSON at all may be
 * described by what the walk found first; it is refused either way.
 */
export function parseStrictJson(
  text: string,
  limits: StrictJsonLimits,
): Result<unknown, StrictJsonError> {
  const problem = checkStructure(text, limits);
  if (problem) return err(problem);
  try {
    return ok(JSON.parse(text));
  } catch (error) {
    const detail = error instanceof SyntaxError ? error.message.slice(0, 200) : "unreadable";
    return err({ kind: "syntax", detail });
  }
}

interface Frame {
  /** The keys met so far in an object; undefined for an array. */
  keys: Set<string> | undefined;
  /** The key or index this value sits under, for the problem's path. */
  label: string;
}

/**
 * Reads the structure as valid JSON has it. On text that is not valid JSON it
 * still ends, and whatever it reports, JSON.parse refuses the text anyway.
 */
function checkStructure(text: string, limits: StrictJsonLimits): StrictJsonError | undefined {
  const stack: Frame[] = [];
  let keys = 0;
  let expectingKey = false;
  let lastKey = "";
  let index = 0;
  while (index < text.length) {
    const unit = text.charCodeAt(index);
    if (unit === QUOTE) {
      const end = closingQuote(text, index);
      if (expectingKey && stack.length > 0) {
        if (++keys > limits.maxKeys) return { kind: "too_many_keys", limit: limits.maxKeys };
        const raw = text.slice(index + 1, end);
        const key = raw.includes("\\") ? keyText(text.slice(index, end + 1)) : raw;
        const frame = stack.at(-1)!;
        if (key === "__proto__") return { kind: "forbidden_key", key, path: pathOf(stack) };
        if (frame.keys!.has(key)) return { kind: "duplicate_key", key, path: pathOf(stack) };
        frame.keys!.add(key);
        lastKey = key;
        expectingKey = false;
      }
      index = end + 1;
      continue;
    }
    switch (unit) {
      case 0x7b /* { */:
      case 0x5b /* [ */:
        {
          if (stack.length >= limits.maxDepth) return { kind: "too_deep", limit: limits.maxDepth };
          const parent = stack.at(-1);
          const label = parent === undefined ? "" : parent.keys ? lastKey : "[]";
          stack.push({ keys: unit === 0x7b ? new Set() : undefined, label });
          expectingKey = unit === 0x7b;
          break;
        }
      case 0x7d /* } */:
      case 0x5d /* ] */:
        stack.pop();
        expectingKey = false;
        break;
      case 0x2c /* , */:
        expectingKey = stack.at(-1)?.keys !== undefined;
        break;
    }
    index++;
  }
  return undefined;
}

/** A key with escapes in it, decoded; an escape that is not JSON's leaves it as written. */
function keyText(quoted: string): string {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return quoted;
  }
}

/** The index of the quote that closes the string opening at `start`, or the text's end. */
function closingQuote(text: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return text.length;
    // An odd run of backslashes before a quote escapes it.
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    from = quote + 1;
  }
}

/** Where in the document an object sits, for a person: `outline.dependencies`. */
const pathOf = (stack: Frame[]): string =>
  stack
    .slice(1)
    .map((frame) => frame.label)
    .join(".") || "the top level";
