import type { Hash } from "../log/merkle.ts";
import { API } from "../wire/routes.ts";
import { type RegistryClient, RegistryError } from "./client.ts";
import { type LogSource, unproven } from "./transparencyLog.ts";

// The registry's transparency log as its log routes serve it: the key to
// pin on first use, the newest checkpoint, and proofs made by the registry.

const fromBase64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "base64"));

export function registryLog(client: RegistryClient): LogSource {
  /** A text answer of the log's; a registry without a log cannot prove anything. */
  const text = async (route: typeof API.logKey | typeof API.logCheckpoint): Promise<string> => {
    try {
      return await (await client.request(route, {})).text();
    } catch (error) {
      if (error instanceof RegistryError && error.status === 404) {
        throw unproven(
          `${client.url} keeps no transparency log (GET ${route.path} answers 404), so nothing proves that what it serves is what it serves everyone`,
        );
      }
      throw error;
    }
  };
  return {
    url: client.url,
    mayLag: false,
    servedKey: () => text(API.logKey),
    checkpoint: () => text(API.logCheckpoint),
    consistency: async (from, to): Promise<Hash[]> => {
      const proof = await client.call(API.consistencyProof, {
        query: { from: String(from), to: String(to) },
      });
      return proof.hashes.map(fromBase64);
    },
    inclusion: async (served, treeSize, token) => {
      const proof = await client.call(API.inclusionProof, {
        query: { package: served.name, version: served.version, treeSize: String(treeSize) },
        token,
      });
      return {
        index: proof.index,
        treeSize: proof.treeSize,
        hashes: proof.hashes.map(fromBase64),
        entry: proof.entry === undefined ? undefined : fromBase64(proof.entry),
        opening: proof.opening && {
          salt: fromBase64(proof.opening.salt),
          entry: fromBase64(proof.opening.entry),
        },
      };
    },
  };
}
