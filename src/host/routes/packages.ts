import { pipeline } from "node:stream";
import type { FastifyPluginAsync } from "fastify";
import { indexText, packageIndex } from "../../core/packageIndex.ts";
import { describePackage, listPackages } from "../../core/packages.ts";
import { mayPublish, publishVersion } from "../../core/publish.ts";
import { revokePackage, revokeVersion } from "../../core/revoke.ts";
import { packageDependents, packageDownloads } from "../../core/usage.ts";
import {
  describeVersion,
  downloadBundle,
  latestVersion,
  previousVersion,
} from "../../core/versions.ts";
import { API } from "../../wire/routes.ts";
import type { Caller } from "../http/auth.ts";
import { CONTENT_TYPES, IMMUTABLE, PRIVATE, SHORT_LIVED } from "../http/caching.ts";
import { orAnswer } from "../http/coreErrors.ts";
import { ErrorAnswer } from "../http/errorAnswer.ts";
import { matchesEtag } from "../http/etags.ts";
import { PUBLIC_ANSWER, servePublicAnswers } from "../http/publicAnswers.ts";
import { MULTIPART, multipartLimit, readPublishBody } from "../http/publishBody.ts";
import type { RouteContext } from "../http/routeContext.ts";
import { serve } from "../http/serveRoute.ts";
import { UploadGuard, UploadSlots } from "../http/uploads.ts";

export const BUNDLE_TYPES = ["application/gzip", "application/x-gzip", "application/octet-stream"];

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
  /** Who is publishing, found out before the body was read. */
  const publishers = new WeakMap<object, Caller>();
  /** Whose uploads count together against the limit of one user's at once. */
  const uploader = ({ user, grant }: Caller): number | string =>
    grant?.holder.kind === "trusted_publisher"
      ? `trusted-publisher:${grant.holder.publishers[0]!.id}`
      : user.id;

  serve(
    app,
    API.publish,
    async (request, reply) => {
      const publisher = publishers.get(request) ?? auth.caller(request);
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
      const published = await publishVersion(
        ports,
        publisher.user,
        {
          ...request.params,
          // A plain view of the same bytes: a copy of the upload would only make garbage.
          bytes: bundle,
          readme,
          limits: {
            maxUnpackedBytes: config.maxUnpackedBytes,
            kernelIdentities: config.kernelIdentities,
          },
        },
        publisher.grant,
      );
      return reply.code(201).send(orAnswer(published));
    },
    {
      // Each body type's parser has its own limit: a bundle alone, or with its README.
      // Who may publish is settled before the body is read: a refusal costs
      // nothing and its connection closes, whatever the client goes on sending.
      preParsing: async (request, reply, payload) => {
        try {
          const publisher = auth.caller(request);
          const params = request.params as { author: string; project: string; version: string };
          orAnswer(mayPublish(ports, publisher.user, params, publisher.grant));
          uploads.take(uploader(publisher), reply);
          publishers.set(request, publisher);
        } catch (error) {
          void reply.header("connection", "close");
          throw error;
        }
        const guard = new UploadGuard(config.uploads);
        pipeline(payload, guard, () => {});
        return guard;
      },
    },
  );

  serve(app, API.packages, async (request) => {
    const viewer = auth.viewer(request);
    const { q, limit, cursor } = request.query;
    return orAnswer(
      listPackages(
        ports.db,
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
      return orAnswer(
        describePackage(ports.db, request.params.author, request.params.project, viewer),
      );
    },
    { config: PUBLIC_ANSWER },
  );

  serve(
    app,
    API.latest,
    async (request) => {
      const viewer = auth.viewer(request);
      return orAnswer(
        latestVersion(ports.db, { ...request.params, gren: request.query.gren }, viewer),
      );
    },
    { config: PUBLIC_ANSWER },
  );

  // The router prefers a literal segment wherever it is declared: no version is called "index".
  serve(
    app,
    API.index,
    async (request, reply) => {
      const viewer = auth.viewer(request);
      const { index, tag } = orAnswer(
        packageIndex(ports, request.params.author, request.params.project, viewer),
      );
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
      packageDownloads(ports.db, { ...request.params, now: ports.clock.now() }, viewer),
    );
  });

  serve(
    app,
    API.dependents,
    async (request) => {
      const viewer = auth.viewer(request);
      return orAnswer(packageDependents(ports.db, request.params, viewer));
    },
    { config: PUBLIC_ANSWER },
  );

  serve(
    app,
    API.previous,
    async (request) => {
      const viewer = auth.viewer(request);
      return orAnswer(previousVersion(ports.db, request.params, viewer));
    },
    { config: PUBLIC_ANSWER },
  );

  serve(
    app,
    API.version,
    async (request) => {
      const viewer = auth.viewer(request);
      return orAnswer(describeVersion(ports.db, request.params, viewer));
    },
    { config: PUBLIC_ANSWER },
  );

  serve(app, API.revokeVersion, async (request) => {
    const { user, grant } = auth.caller(request);
    return orAnswer(
      revokeVersion(ports, user, { ...request.params, reason: request.body.reason }, grant),
    );
  });

  serve(app, API.revokePackage, async (request) => {
    const { user, grant } = auth.caller(request);
    return orAnswer(
      revokePackage(ports, user, { ...request.params, reason: request.body.reason }, grant),
    );
  });

  serve(app, API.bundle, async (request, reply) => {
    const viewer = auth.viewer(request);
    const {
      bytes,
      sha256,
      private: isPrivate,
    } = orAnswer(downloadBundle(ports.db, request.params, viewer));
    const etag = `"${sha256}"`;
    void reply
      .header("etag", etag)
      // A version's bytes never change; private ones must not sit in shared caches.
      .header("cache-control", isPrivate ? PRIVATE : IMMUTABLE);
    if (matchesEtag(request.headers["if-none-match"], etag)) return reply.code(304).send(null);
    downloads.count(request.params);
    return reply
      .type(CONTENT_TYPES.gzip)
      .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });
};
