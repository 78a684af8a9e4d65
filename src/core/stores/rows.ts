import type { Row } from "../../ports/database.ts";

// Reading a column as the type the schema gives it. A mismatch means the SQL
// and its decoder disagree, a bug in the store, so it throws rather than
// letting a wrong value travel on.

function column(row: Row, name: string) {
  if (!Object.hasOwn(row, name)) throw new TypeError(`The row has no column "${name}"`);
  return row[name];
}

function mismatch(name: string, expected: string, value: unknown): never {
  throw new TypeError(`Column "${name}" holds ${typeof value}, not ${expected}`);
}

export function integer(row: Row, name: string): number {
  const value = column(row, name);
  return typeof value === "number" ? value : mismatch(name, "an integer", value);
}

export function text(row: Row, name: string): string {
  const value = column(row, name);
  return typeof value === "string" ? value : mismatch(name, "text", value);
}

export function bytes(row: Row, name: string): Uint8Array {
  const value = column(row, name);
  return value instanceof Uint8Array ? value : mismatch(name, "bytes", value);
}

export function optionalInteger(row: Row, name: string): number | undefined {
  const value = column(row, name);
  return value === null ? undefined : integer(row, name);
}

export function optionalText(row: Row, name: string): string | undefined {
  const value = column(row, name);
  return value === null ? undefined : text(row, name);
}

/** SQLite has no booleans: 0 and 1. */
export function flag(row: Row, name: string): boolean {
  return integer(row, name) === 1;
}
