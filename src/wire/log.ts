import { type Static, Type } from "typebox";

// The transparency log's answers. Hashes and entries travel in base64; an
// entry's bytes are the canonical form src/log/entry.ts describes.

import { LOG_ENTRIES_LIMIT } from "./limits.ts";

const Count = Type.String({ pattern: "^[0-9]{1,15}$", description: "a whole number" });
const Base64 = Type.String({ description: "base64" });

export const LogEntriesQuery = Type.Object({ start: Count, end: Count });

export const LoggedEntry = Type.Object({
  index: Type.Integer({ minimum: 0 }),
  entry: Base64,
});
export type LoggedEntry = Static<typeof LoggedEntry>;

export const LogEntries = Type.Array(LoggedEntry, {
  description: `The entries from start up to, not including, end; at most ${LOG_ENTRIES_LIMIT.max}, and none past the log's end`,
});
export type LogEntries = Static<typeof LogEntries>;

export const InclusionQuery = Type.Object({
  package: Type.Optional(Type.String({ maxLength: 255, description: "author/project" })),
  version: Type.Optional(Type.String({ maxLength: 255 })),
  index: Type.Optional(Count),
  treeSize: Type.Optional(Count),
});

/** What a private package's logged commitment opens to, for those who may see the package. */
export const Opening = Type.Object({ salt: Base64, entry: Base64 });
export type Opening = Static<typeof Opening>;

export const InclusionProof = Type.Object({
  index: Type.Integer({ minimum: 0 }),
  treeSize: Type.Integer({ minimum: 1 }),
  /** The audit path, lowest first, as RFC 9162's PATH gives it. */
  hashes: Type.Array(Base64),
  /** Asked for by package and version: the entry that logged the version's publish. */
  entry: Type.Optional(Base64),
  opening: Type.Optional(Opening),
});
export type InclusionProof = Static<typeof InclusionProof>;

export const ConsistencyQuery = Type.Object({ from: Count, to: Count });

export const ConsistencyProof = Type.Object({
  /** RFC 9162's PROOF(from, D[to]). */
  hashes: Type.Array(Base64),
});
export type ConsistencyProof = Static<typeof ConsistencyProof>;

export const SignedNoteText = Type.Unsafe<string>({
  description: "A signed note (c2sp.org/signed-note)",
  content: { "text/plain": { schema: { type: "string" } } },
});
