import { createHash } from "node:crypto";
import { err, ok, type Result } from "../result.ts";

// What the registry logs of each change: canonical bytes, so that anyone can
// check an entry is the only way of writing what it says. An entry is JSON
// with its fields in the fixed order below, no whitespace, and only the
// characters names, versions, hex and times are made of:
//
//   {"kind":"publish","package":"gren-lang/core","version":"7.4.2",
//    "sha256":"<bundle, 64 hex>","size":12345,"readme":null,
//    "time":"2026-01-01T00:00:00.000Z"}
//   {"kind":"revoke","package":"gren-lang/core","version":"7.4.2",
//    "sha256":"<bundle, 64 hex>","size":12345,"time":"2026-01-01T00:00:00.000Z"}
//   {"kind":"private","commitment":"<64 hex>"}
//
// (each on one line). "readme" is the sha256 of the README that came with a
// publish, or null. A private package's change is logged as a commitment
// only: SHA-256(salt || the entry it would have had as a public package),
// with a 32-byte salt of its own. Outsiders learn that a private change was
// made and when, nothing of its name, version or bytes; members who can see
// the package are given the salt and the entry, and can check both.

export interface VersionEntry {
  package: string;
  version: string;
  sha256: string;
  size: number;
  time: string;
}

export type LogEntry =
  | ({ kind: "publish" } & VersionEntry & { readme: string | null })
  | ({ kind: "revoke" } & VersionEntry)
  | { kind: "private"; commitment: string };

export type OpenEntry = Exclude<LogEntry, { kind: "private" }>;

export function encodeEntry(entry: LogEntry): Uint8Array {
  const fields =
    entry.kind === "private"
      ? { kind: entry.kind, commitment: entry.commitment }
      : entry.kind === "publish"
        ? {
            kind: entry.kind,
            package: entry.package,
            version: entry.version,
            sha256: entry.sha256,
            size: entry.size,
            readme: entry.readme,
            time: entry.time,
          }
        : {
            kind: entry.kind,
            package: entry.package,
            version: entry.version,
            sha256: entry.sha256,
            size: entry.size,
            time: entry.time,
          };
  return new TextEncoder().encode(JSON.stringify(fields));
}

const HEX64 = /^[0-9a-f]{64}$/;
const PACKAGE = /^[A-Za-z0-9-]+\/[a-z0-9-]+$/;
const VERSION = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$/;
const TIME = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$/;

/** An entry from its bytes, which must be exactly its canonical form. */
export function decodeEntry(bytes: Uint8Array): Result<LogEntry, string> {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return err("it is not JSON");
  }
  const entry = readEntry(value);
  if (!entry) return err("its fields are not an entry's");
  return Buffer.from(encodeEntry(entry)).equals(Buffer.from(bytes))
    ? ok(entry)
    : err("it is not written in the canonical form");
}

function readEntry(value: Record<string, unknown>): LogEntry | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  if (value.kind === "private") {
    return typeof value.commitment === "string" && HEX64.test(value.commitment)
      ? { kind: "private", commitment: value.commitment }
      : undefined;
  }
  if (value.kind !== "publish" && value.kind !== "revoke") return undefined;
  const { package: name, version, sha256, size, time } = value;
  if (
    typeof name !== "string" ||
    !PACKAGE.test(name) ||
    typeof version !== "string" ||
    !VERSION.test(version) ||
    typeof sha256 !== "string" ||
    !HEX64.test(sha256) ||
    typeof size !== "number" ||
    !Number.isSafeInteger(size) ||
    size < 0 ||
    typeof time !== "string" ||
    !TIME.test(time)
  ) {
    return undefined;
  }
  const common = { package: name, version, sha256, size, time };
  if (value.kind === "revoke") return { kind: "revoke", ...common };
  const { readme } = value;
  if (readme !== null && !(typeof readme === "string" && HEX64.test(readme))) return undefined;
  return { kind: "publish", ...common, readme };
}

/** The commitment a private change is logged as: hex SHA-256(salt || entry). */
export function commitmentTo(entry: Uint8Array, salt: Uint8Array): string {
  return createHash("sha256").update(salt).update(entry).digest("hex");
}

export const SALT_BYTES = 32;
