import type { Readable } from "node:stream";
import { pipeline } from "node:stream";
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { versionFrom } from "../../core/address.ts";
import { admitCheck, type CheckTicket, changesBetween, checkBundle } from "../../core/changes.ts";
import { indexText, packageIndex } from "../../core/packageIndex.ts";
import { describePackage, listPackages } from "../../core/packages.ts";
import { admitUpload, type PublishTicket, publishVersion } from "../../core/publish.ts";
import { revokePackage, revokeVersion } from "../../core/revoke.ts";
import { packageDependents, packageDownloads } from "../../core/usage.ts";
import {
  bundleChunk,
  bundleToSend,
  describeVersion,
  latestVersion,
  previousVersion,
} from "../../core/versions.ts";
import type { Result } from "../../result.ts";
import { API } from "../../wire/routes.ts";
import { compilerOf, packageOf, versionAddressOf } from "../http/addresses.ts";
import type { Caller } from "../http/auth.ts";
import { BundleStream } from "../http/bundleStream.ts";
import { CONTENT_TYPES, IMMUTABLE, PRIVATE, SHORT_LIVED } from "../http/caching.ts";
import { type CoreError, orAnswer } from "../http/coreErrors.ts";
import { ErrorAnswer } from "../http/errorAnswer.ts";
import { matchesEtag } from "../http/etags.ts";
import { PUBLIC_ANSWER, servePublicAnswers } from "../http/publicAnswers.ts";
import { MULTIPART, multipartLimit, readPublishBody } from "../http/publishBody.ts";
import type { RouteContext } from "../http/routeContext.ts";
import { serve } from "../http/serveRoute.ts";
import { UploadGuard, UploadSlots } from "../http/uploads.ts";

export const BUNDLE_TYPES = ["application/gzip", "application/x-gzip", "application/octet-stream"];

/** `?history=true` publishes history; absent or `false`, a new version. */
function historyOf(query: { history?: unknown }): boolean {
  const { history } = query;
  if (history === undefined || history === "false") return false;
  if (history === "true") return true;
  throw new ErrorAnswer("invalid_request", "history must be true or false.");
}

export const packageRoutes: FastifyPluginAsync<RouteContext> = async (
  app,
  { ports, config, auth, publicAnswers, downloads },
) => {
  servePublicAnswers(app, publicAnswers, "api");
  app.addContentTypeParser(
    BUNDLE_TYPES,
    { parseAs: "buffer", bodyLimit: config.maxBundleBytes },
    (_request, body, done) => done(null, body),
  );
  // A bundle with its README: read whole here, taken apart by the route.
  app.addContentTypeParser(
    MULTIPART,
    { parseAs: "buffer", bodyLimit: multipartLimit(config.maxBundleBytes) },
    (_request, body, done) => done(null, body),
  );
  const uploads = new UploadSlots(config.uploads);
  /** Uploads admitted before their bodies were read: who publishes what. */
  const tickets = new WeakMap<object, PublishTicket>();
  /** Bundles admitted for checking before their bodies were read. */
  const checks = new WeakMap<object, CheckTicket>();
  /** Whose uploads count together against the limit of one user's at once. */
  const uploader = ({ user, grant }: Caller): number | string =>
    grant?.holder.kind === "trusted_publisher"
      ? `trusted-publisher:${grant.holder.publishers[0]!.id}`
      : user.id;

  /**
   * A hook that settles who may upload before the body is read: a refusal
   * costs nothing and its connection closes, whatever the client goes on
   * sending. What was admitted is kept for the handler.
   */
  const admitting =
    <Ticket, Refusal extends CoreError>(
      kept: WeakMap<object, Ticket>,
      admit: (request: FastifyRequest, publisher: Caller) => Result<Ticket, Refusal>,
    ) =>
    async (request: FastifyRequest, reply: FastifyReply, payload: Readable) => {
      try {
        const publisher = auth.caller(request);
        const ticket = orAnswer(admit(request, publisher));
        uploads.take(uploader(publisher), reply);
        kept.set(request, ticket);
      } catch (error) {
        void reply.header("connection", "close");
        throw error;
      }
      const guard = new UploadGuard(config.uploads);
      pipeline(payload, guard, () => {});
      return guard;
    };

  serve(
    app,
    API.publish,
    async (request, reply) => {
      const ticket = tickets.get(request);
      if (ticket === undefined) throw new Error("An upload was read without being admitted");
      if (!(request.body instanceof Buffer)) {
        throw new ErrorAnswer(
          "invalid_request",
          "Send the bundle as the request body with Content-Type: application/gzip, or with its README as multipart/form-data.",
        );
      }
      const { bundle, readme } = await readPublishBody(
        request.body,
        request.headers["content-type"],
        config.maxBundleBytes,
      );
      const published = await publishVersion(ports, ticket, {
        bytes: bundle,
        readme,
        limits: {
          maxUnpackedBytes: config.maxUnpackedBytes,
          kernelIdentities: config.kernelIdentities,
        },
      });
      return reply.code(201).send(orAnswer(published));
    },
    {
      // Each body type's parser has its own limit: a bundle alone, or with its README.
      preParsing: admitting(tickets, (request, publisher) =>
        admitUpload(ports, publisher.user, versionAddressOf(request), publisher.grant, {
          history: historyOf(request.query as { history?: unknown }),
        }),
      ),
    },
  );

  serve(
    app,
    API.check,
    async (request) => {
      const ticket = checks.get(request);
      if (ticket === undefined) throw new Error("A bundle was read without being admitted");
      // A multipart body is parsed for publishes, which carry a README; a check reads the bundle alone.
      const multipart = (request.headers["content-type"] ?? "").toLowerCase().startsWith(MULTIPART);
      if (!(request.body instanceof Buffer) || multipart) {
        throw new ErrorAnswer(
          "invalid_request",
          "Send the bundle alone as the request body with Content-Type: application/gzip.",
        );
      }
      const body = request.body;
      const { since } = request.query;
      return orAnswer(
        await checkBundle(ports, ticket, {
          bytes: new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
          limits: {
            maxUnpackedBytes: config.maxUnpackedBytes,
            kernelIdentities: config.kernelIdentities,
          },
          since: since === undefined ? undefined : orAnswer(versionFrom(since)),
        }),
      );
    },
    {
      bodyLimit: config.maxBundleBytes,
      preParsing: admitting(checks, (request, publisher) =>
        admitCheck(ports, publisher.user, packageOf(request), publisher.grant),
      ),
    },
  );

  serve(
    app,
    API.changes,
    async (request, reply) => {
      const viewer = auth.viewer(request);
      const { from, to } = request.params;
      const name = packageOf(request);
      const found = orAnswer(
        await changesBetween(
          ports,
          { name, from: orAnswer(versionFrom(from)), to: orAnswer(versionFrom(to)) },
          viewer,
        ),
      );
      // Two versions' APIs never change, revoked or not: neither do their changes.
      void reply.header("cache-control", found.private ? PRIVATE : IMMUTABLE);
      return found.changes;
    },
    { config: PUBLIC_ANSWER },
  );

  serve(app, API.packages, async (request) => {
    const viewer = auth.viewer(request);
    const { q, limit, cursor } = request.query;
    return orAnswer(
      await listPackages(
        ports,
        { query: q, limit: limit === undefined ? undefined : Number(limit), cursor },
        viewer,
      ),
    );
  });

  serve(
    app,
    API.package,
    async (request) => {
      const viewer = auth.viewer(request);
      return orAnswer(describePackage(ports.db, packageOf(request), viewer));
    },
    { config: PUBLIC_ANSWER },
  );

  serve(
    app,
    API.latest,
    async (request) => {
      const viewer = auth.viewer(request);
      const compiler = compilerOf(request.query.gren);
      return orAnswer(latestVersion(ports.db, { name: packageOf(request), compiler }, viewer));
    },
    { config: PUBLIC_ANSWER },
  );

  // The router prefers a literal segment wherever it is declared: no version is called "index".
  serve(
    app,
    API.index,
    async (request, reply) => {
      const viewer = auth.viewer(request);
      const { index, tag } = orAnswer(packageIndex(ports, packageOf(request), viewer));
      const etag = `"${tag}"`;
      void reply
        .header("etag", etag)
        // A new version must reach resolvers soon, so shared caches keep it a minute;
        // a private index may not sit in them at all, and is checked each time.
        .header("cache-control", index.private ? PRIVATE : SHORT_LIVED);
      if (matchesEtag(request.headers["if-none-match"], etag)) return reply.code(304).send(null);
      // The very bytes the static mirror holds at the same path.
      return reply.type(CONTENT_TYPES.json).send(indexText(index));
    },
    { config: PUBLIC_ANSWER },
  );

  // Not kept: its days move on at midnight whether or not the package changes.
  serve(app, API.downloads, async (request) => {
    const viewer = auth.viewer(request);
    return orAnswer(
      packageDownloads(ports.db, { name: packageOf(request), now: ports.clock.now() }, viewer),
    );
  });

  serve(
    app,
    API.dependents,
    async (request) => {
      const viewer = auth.viewer(request);
      return orAnswer(packageDependents(ports.db, packageOf(request), viewer));
    },
    { config: PUBLIC_ANSWER },
  );

  serve(
    app,
    API.previous,
    async (request) => {
      const viewer = auth.viewer(request);
      return orAnswer(previousVersion(ports.db, versionAddressOf(request), viewer));
    },
    { config: PUBLIC_ANSWER },
  );

  serve(
    app,
    API.version,
    async (request) => {
      const viewer = auth.viewer(request);
      return orAnswer(describeVersion(ports.db, versionAddressOf(request), viewer));
    },
    { config: PUBLIC_ANSWER },
  );

  serve(app, API.revokeVersion, async (request) => {
    const { user, grant } = auth.caller(request);
    const address = versionAddressOf(request);
    return orAnswer(revokeVersion(ports, user, { address, reason: request.body.reason }, grant));
  });

  serve(app, API.revokePackage, async (request) => {
    const { user, grant } = auth.caller(request);
    const name = packageOf(request);
    return orAnswer(revokePackage(ports, user, { name, reason: request.body.reason }, grant));
  });

  serve(app, API.bundle, async (request, reply) => {
    const viewer = auth.viewer(request);
    const bundle = orAnswer(bundleToSend(ports.db, versionAddressOf(request), viewer));
    const etag = `"${bundle.sha256}"`;
    void reply
      .header("etag", etag)
      // A version's bytes never change; private ones must not sit in shared caches.
      .header("cache-control", bundle.private ? PRIVATE : IMMUTABLE);
    if (matchesEtag(request.headers["if-none-match"], etag)) return reply.code(304).send(null);
    downloads.count(versionAddressOf(request));
    void reply.type(CONTENT_TYPES.gzip).header("content-length", bundle.size);
    // Read from the database as the client takes it, never whole; HEAD reads none of it.
    const size = request.method === "HEAD" ? 0 : bundle.size;
    return reply.send(
      new BundleStream((index) => bundleChunk(ports.db, bundle.sha256, index), size),
    );
  });
};
