import type { FastifyPluginAsync, FastifyReply } from "fastify";
import {
  consistencyBetween,
  entriesBetween,
  inclusionAt,
  inclusionOfVersion,
} from "../../core/transparencyLog.ts";
import { packageKey, parsePackageName } from "../../gren/names.ts";
import { formatVersion, parseVersion } from "../../gren/semver.ts";
import { API } from "../../wire/routes.ts";
import { CONTENT_TYPES, REVALIDATE } from "../http/caching.ts";
import { orAnswer } from "../http/coreErrors.ts";
import { ErrorAnswer } from "../http/errorAnswer.ts";
import type { RouteContext } from "../http/routeContext.ts";
import { serve } from "../http/serveRoute.ts";
import { ProofAnswers } from "../transparencyLog/proofAnswers.ts";

/** What never changes: a proof for a given tree, entries already logged. */
const FOREVER = "public, max-age=31536000, immutable";

/** Proofs kept as sent: some 10,000 of a log of a million entries. */
const PROOF_ANSWERS_BYTES = 8 * 1024 * 1024;

/** An answer already written as JSON, as its schema gives it. */
const sendJson = (reply: FastifyReply, caching: string, body: string) =>
  reply.type("application/json; charset=utf-8").header("cache-control", caching).send(body);

export const logRoutes: FastifyPluginAsync<RouteContext> = async (
  app,
  { ports, auth, checkpoints },
) => {
  const proofs = new ProofAnswers(PROOF_ANSWERS_BYTES);
  /** The newest signed checkpoint, which every proof without a tree size is for. */
  const served = () => {
    const checkpoint = checkpoints.current();
    if (!checkpoint) {
      throw new ErrorAnswer(
        "unavailable",
        "The registry holds no checkpoint it can prove: its database is behind the log it has published, and an operator must restore it.",
      );
    }
    return checkpoint;
  };

  serve(app, API.logCheckpoint, async (_request, reply) =>
    reply.type(CONTENT_TYPES.text).header("cache-control", REVALIDATE).send(served().note),
  );

  serve(app, API.logKey, async (_request, reply) =>
    reply
      .type("text/plain; charset=utf-8")
      .header("cache-control", "public, max-age=3600")
      .send(`${checkpoints.signer.text}\n`),
  );

  serve(app, API.logEntries, async (request, reply) => {
    const start = Number(request.query.start);
    const end = Number(request.query.end);
    const entries = orAnswer(entriesBetween(ports.db, start, end));
    // A full page never changes; one that reaches past the log's end will grow.
    void reply.header("cache-control", entries.length === end - start ? FOREVER : "no-cache");
    return entries;
  });

  serve(app, API.inclusionProof, async (request, reply) => {
    const query = request.query;
    const byVersion = query.package !== undefined || query.version !== undefined;
    if (byVersion === (query.index !== undefined)) {
      throw new ErrorAnswer(
        "invalid_request",
        "Ask for an inclusion proof either by package and version (?package=author/project&version=1.0.0, with treeSize if you like) or by index and treeSize.",
      );
    }
    const given = query.treeSize === undefined ? undefined : Number(query.treeSize);
    if (!byVersion) {
      if (given === undefined) {
        throw new ErrorAnswer("invalid_request", "An inclusion proof by index needs treeSize too.");
      }
      const index = Number(query.index);
      const key = `index ${index} ${given}`;
      const body =
        proofs.find(key) ?? JSON.stringify(orAnswer(inclusionAt(ports.db, index, given)));
      proofs.keep(key, body);
      return sendJson(reply, FOREVER, body);
    }
    const name = query.package === undefined ? undefined : parsePackageName(query.package);
    const version = query.version === undefined ? undefined : parseVersion(query.version);
    if (!name || !version) {
      throw new ErrorAnswer(
        "invalid_request",
        "package must be author/project and version MAJOR.MINOR.PATCH, like ?package=gren-lang/core&version=7.4.2.",
      );
    }
    const size = given ?? served().size;
    const caching = given === undefined ? "no-cache" : FOREVER;
    const key = `version ${packageKey(name)} ${formatVersion(version)} ${size}`;
    const kept = proofs.find(key);
    if (kept !== undefined) return sendJson(reply, caching, kept);
    const proof = orAnswer(
      inclusionOfVersion(ports.db, { name, version }, auth.viewer(request), size),
    );
    const body = JSON.stringify(proof);
    if (proof.opening) return sendJson(reply, "private, no-cache", body);
    proofs.keep(key, body);
    return sendJson(reply, caching, body);
  });

  serve(app, API.consistencyProof, async (request, reply) => {
    const hashes = orAnswer(
      consistencyBetween(ports.db, Number(request.query.from), Number(request.query.to)),
    );
    void reply.header("cache-control", FOREVER);
    return { hashes: hashes.map((hash) => Buffer.from(hash).toString("base64")) };
  });
};
