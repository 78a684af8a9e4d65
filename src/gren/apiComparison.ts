// Two versions' APIs compared, as the compiler's `gren diff` compares them:
// what changed, how far that moves the number, and the changes that decide
// it in words. Its cost is the size of two docs.json, which a request can
// choose, so the registry runs it in a bundle reader, within the reader's
// time and memory.

import { describeChange } from "./apiChangeSentences.ts";
import { type BareChanges, diffApi, listChanges, withoutComments } from "./apiChanges.ts";
import type { DocsJson } from "./docsJson.ts";
import { type ApiVerdict, verdictOf } from "./versionBump.ts";

/** The API changes between two versions, and the sentences of those that decide their magnitude. */
export interface ComparedApis extends ApiVerdict {
  modules: BareChanges;
  /** Every change in words, in the order `gren diff` shows them. */
  sentences: string[];
}

/** Compares two versions' APIs, each as docs.json text or docs. */
export function compareApis(older: string | DocsJson, newer: string | DocsJson): ComparedApis {
  const changes = diffApi(docsOf(older), docsOf(newer));
  return {
    ...verdictOf(changes),
    modules: withoutComments(changes),
    sentences: listChanges(changes).map(describeChange),
  };
}

const docsOf = (docs: string | DocsJson): DocsJson =>
  typeof docs === "string" ? (JSON.parse(docs) as DocsJson) : docs;
