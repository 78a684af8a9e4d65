import { pipeline, type Readable } from "node:stream";
import { type FastifyPluginAsyncTypebox, Type } from "@fastify/type-provider-typebox";
import { packageIndex } from "../../core/packageIndex.ts";
import { describePackage, listPackages } from "../../core/packages.ts";
import { mayPublish, publishVersion } from "../../core/publish.ts";
import { revokePackage, revokeVersion } from "../../core/revoke.ts";
import type { User } from "../../core/sessions.ts";
import {
  bundleChunk,
  bundleToSend,
  describeVersion,
  latestVersion,
  previousVersion,
} from "../../core/versions.ts";
import {
  FoundVersion,
  LatestQuery,
  Listing,
  ListingQuery,
  PackageIndex,
  PackageParams,
  PackageView,
  Published,
  Reason,
  VersionParams,
  VersionView,
} from "../../wire/packages.ts";
import { SESSION_OPTIONAL, SESSION_REQUIRED } from "../http/auth.ts";
import { BundleStream } from "../http/bundleStream.ts";
import { orAnswer } from "../http/coreErrors.ts";
import { ERROR_RESPONSES, ErrorAnswer } from "../http/errorAnswer.ts";
import { matchesEtag } from "../http/etags.ts";
import { PUBLIC_ANSWER, servePublicAnswers } from "../http/publicAnswers.ts";
import type { RouteContext } from "../http/routeContext.ts";
import { UploadGuard, UploadSlots } from "../http/uploads.ts";

export const BUNDLE_TYPES = ["application/gzip", "application/x-gzip", "application/octet-stream"];

export const packageRoutes: FastifyPluginAsyncTypebox<RouteContext> = async (
  app,
  { ports, config, auth, publicAnswers },
) => {
  servePublicAnswers(app, publicAnswers, "api");
  app.addContentTypeParser(
    BUNDLE_TYPES,
    { parseAs: "buffer", bodyLimit: config.maxBundleBytes },
    (_request, body, done) => done(null, body),
  );
  const uploads = new UploadSlots(config.uploads);
  /** Who is publishing, found out before the body was read. */
  const publishers = new WeakMap<object, User>();

  app.put(
    "/packages/:author/:project/:version",
    {
      bodyLimit: config.maxBundleBytes,
      config: {
        documentedBody: {
          contentType: "application/gzip",
          description: "The bundle the Gren compiler made: gzip of its JSON outline and sources.",
        },
      },
      schema: {
        security: SESSION_REQUIRED,
        params: VersionParams,
        response: { 201: Published, ...ERROR_RESPONSES },
      },
      // Who may publish is settled before the body is read: a refusal costs
      // nothing and its connection closes, whatever the client goes on sending.
      preParsing: async (request, reply, payload) => {
        try {
          const publisher = auth.user(request);
          const params = request.params as { author: string; project: string; version: string };
          orAnswer(mayPublish(ports, publisher, params));
          uploads.take(publisher.id, reply);
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
    async (request, reply) => {
      const publisher = publishers.get(request) ?? auth.user(request);
      if (!(request.body instanceof Buffer)) {
        throw new ErrorAnswer(
          "invalid_request",
          "Send the bundle as the request body with Content-Type: application/gzip.",
        );
      }
      const body = request.body;
      const published = await publishVersion(ports, publisher, {
        ...request.params,
        // A plain view of the same bytes: a copy of the upload would only make garbage.
        bytes: new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
        limits: {
          maxUnpackedBytes: config.maxUnpackedBytes,
          kernelIdentities: config.kernelIdentities,
        },
      });
      return reply.code(201).send(orAnswer(published));
    },
  );

  app.get(
    "/packages",
    {
      schema: {
        security: SESSION_OPTIONAL,
        querystring: ListingQuery,
        response: { 200: Listing, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const viewer = auth.viewer(request);
      const { q, limit, cursor } = request.query;
      return orAnswer(
        await listPackages(
          ports,
          { query: q, limit: limit === undefined ? undefined : Number(limit), cursor },
          viewer,
        ),
      );
    },
  );

  app.get(
    "/packages/:author/:project",
    {
      config: PUBLIC_ANSWER,
      schema: {
        security: SESSION_OPTIONAL,
        params: PackageParams,
        response: { 200: PackageView, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const viewer = auth.viewer(request);
      return orAnswer(
        describePackage(ports.db, request.params.author, request.params.project, viewer),
      );
    },
  );

  app.get(
    "/packages/:author/:project/latest",
    {
      config: PUBLIC_ANSWER,
      schema: {
        security: SESSION_OPTIONAL,
        params: PackageParams,
        querystring: LatestQuery,
        response: { 200: FoundVersion, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const viewer = auth.viewer(request);
      return orAnswer(
        latestVersion(ports.db, { ...request.params, gren: request.query.gren }, viewer),
      );
    },
  );

  // Before "/:version" in the source only for the reader: the router prefers a
  // literal segment wherever it is declared, and no version is called "index".
  app.get(
    "/packages/:author/:project/index",
    {
      config: PUBLIC_ANSWER,
      schema: {
        security: SESSION_OPTIONAL,
        params: PackageParams,
        response: {
          200: PackageIndex,
          304: Type.Null({ description: "The index the client has is the current one" }),
          ...ERROR_RESPONSES,
        },
      },
    },
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
        .header("cache-control", index.private ? "private, no-cache" : "public, max-age=60");
      if (matchesEtag(request.headers["if-none-match"], etag)) return reply.code(304).send(null);
      return index;
    },
  );

  app.get(
    "/packages/:author/:project/previous/:version",
    {
      config: PUBLIC_ANSWER,
      schema: {
        security: SESSION_OPTIONAL,
        params: VersionParams,
        response: { 200: FoundVersion, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const viewer = auth.viewer(request);
      return orAnswer(previousVersion(ports.db, request.params, viewer));
    },
  );

  app.get(
    "/packages/:author/:project/:version",
    {
      config: PUBLIC_ANSWER,
      schema: {
        security: SESSION_OPTIONAL,
        params: VersionParams,
        response: { 200: VersionView, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const viewer = auth.viewer(request);
      return orAnswer(describeVersion(ports.db, request.params, viewer));
    },
  );

  app.delete(
    "/packages/:author/:project/:version",
    {
      schema: {
        security: SESSION_REQUIRED,
        params: VersionParams,
        body: Reason,
        response: { 200: VersionView, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const actor = auth.user(request);
      return orAnswer(
        revokeVersion(ports, actor, { ...request.params, reason: request.body.reason }),
      );
    },
  );

  app.delete(
    "/packages/:author/:project",
    {
      schema: {
        security: SESSION_REQUIRED,
        params: PackageParams,
        body: Reason,
        response: { 200: PackageView, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const actor = auth.user(request);
      return orAnswer(
        revokePackage(ports, actor, { ...request.params, reason: request.body.reason }),
      );
    },
  );

  app.get(
    "/packages/:author/:project/:version/bundle",
    {
      schema: {
        security: SESSION_OPTIONAL,
        params: VersionParams,
        response: {
          200: Type.Unsafe<Readable>({
            description: "The bundle's exact bytes (gzip)",
            content: { "application/gzip": { schema: { type: "string", format: "binary" } } },
          }),
          304: Type.Null({ description: "The bundle the client has is the one named" }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request, reply) => {
      const viewer = auth.viewer(request);
      const bundle = orAnswer(bundleToSend(ports.db, request.params, viewer));
      const etag = `"${bundle.sha256}"`;
      void reply
        .header("etag", etag)
        // A version's bytes never change; private ones must not sit in shared caches.
        .header(
          "cache-control",
          bundle.private ? "private, no-cache" : "public, max-age=31536000, immutable",
        );
      if (matchesEtag(request.headers["if-none-match"], etag)) return reply.code(304).send(null);
      void reply.type("application/gzip").header("content-length", bundle.size);
      // Read from the database as the client takes it, never whole; HEAD reads none of it.
      const size = request.method === "HEAD" ? 0 : bundle.size;
      return reply.send(
        new BundleStream((index) => bundleChunk(ports.db, bundle.sha256, index), size),
      );
    },
  );
};
