import { type FastifyPluginAsyncTypebox, Type } from "@fastify/type-provider-typebox";
import { describePackage, LISTING_LIMIT, listPackages } from "../../core/packages.ts";
import { publishVersion } from "../../core/publish.ts";
import { MAX_REASON_LENGTH, revokePackage, revokeVersion } from "../../core/revoke.ts";
import { bundleOf, describeVersion, latestVersion, previousVersion } from "../../core/versions.ts";
import { bearerToken, optionalUser, requireUser } from "../http/auth.ts";
import {
  bundleProblem,
  packageLookupProblem,
  publishProblem,
  revokeProblem,
  versionLookupProblem,
  versionQueryProblem,
} from "../http/failures.ts";
import { Problem } from "../http/problem.ts";
import type { ServerOptions } from "../server.ts";

const Segment = Type.String({ maxLength: 200 });
const PackageParams = Type.Object({ author: Segment, project: Segment });
const VersionParams = Type.Object({ author: Segment, project: Segment, version: Segment });
const Revoked = Type.Union([
  Type.Null(),
  Type.Object({ at: Type.String(), reason: Type.String() }),
]);
const FoundVersion = Type.Object({ version: Type.String() });
const Reason = Type.Object({ reason: Type.String({ maxLength: MAX_REASON_LENGTH }) });
const VersionSummary = Type.Object({
  version: Type.String(),
  publishedAt: Type.String(),
  grenVersion: Type.String(),
  sha256: Type.String(),
  size: Type.Integer(),
  revoked: Revoked,
});
const PackageView = Type.Object({
  name: Type.String(),
  summary: Type.String(),
  license: Type.String(),
  private: Type.Boolean(),
  versions: Type.Array(VersionSummary),
});
const VersionView = Type.Object({
  name: Type.String(),
  version: Type.String(),
  publishedAt: Type.String(),
  sha256: Type.String(),
  size: Type.Integer(),
  outline: Type.Unknown(),
  revoked: Revoked,
});

export const BUNDLE_TYPES = ["application/gzip", "application/x-gzip", "application/octet-stream"];

export const packageRoutes: FastifyPluginAsyncTypebox<ServerOptions> = async (
  app,
  { ports, config },
) => {
  app.addContentTypeParser(
    BUNDLE_TYPES,
    { parseAs: "buffer", bodyLimit: config.maxBundleBytes },
    (_request, body, done) => done(null, body),
  );

  app.put(
    "/packages/:author/:project/:version",
    {
      bodyLimit: config.maxBundleBytes,
      schema: {
        params: VersionParams,
        response: {
          201: Type.Object({
            name: Type.String(),
            version: Type.String(),
            sha256: Type.String(),
            size: Type.Integer(),
          }),
        },
      },
    },
    async (request, reply) => {
      const publisher = requireUser(ports, bearerToken(request));
      if (!(request.body instanceof Buffer)) {
        throw new Problem(
          "invalid_request",
          "Send the bundle as the request body with Content-Type: application/gzip.",
        );
      }
      const published = await publishVersion(ports, publisher, {
        ...request.params,
        bytes: new Uint8Array(request.body),
        limits: {
          maxUnpackedBytes: config.maxUnpackedBytes,
          kernelIdentities: config.kernelIdentities,
        },
      });
      if (!published.ok) throw publishProblem(published.error);
      return reply.code(201).send(published.value);
    },
  );

  app.get(
    "/packages",
    {
      schema: {
        querystring: Type.Object({
          q: Type.Optional(Type.String({ maxLength: 200 })),
          limit: Type.Optional(Type.String({ pattern: "^[0-9]{1,4}$" })),
          cursor: Type.Optional(Type.String({ maxLength: 300 })),
        }),
        response: {
          200: Type.Object({
            packages: Type.Array(
              Type.Object({
                name: Type.String(),
                summary: Type.String(),
                latest: Type.Union([Type.String(), Type.Null()]),
              }),
            ),
            next: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (request) => {
      const viewer = optionalUser(ports, bearerToken(request));
      const limit =
        request.query.limit === undefined ? LISTING_LIMIT.default : Number(request.query.limit);
      if (limit < 1 || limit > LISTING_LIMIT.max) {
        throw new Problem("invalid_request", `limit must be from 1 to ${LISTING_LIMIT.max}.`);
      }
      return listPackages(
        ports.db,
        { query: request.query.q, limit, cursor: request.query.cursor },
        viewer,
      );
    },
  );

  app.get(
    "/packages/:author/:project",
    {
      schema: {
        params: PackageParams,
        response: { 200: PackageView },
      },
    },
    async (request) => {
      const viewer = optionalUser(ports, bearerToken(request));
      const pkg = describePackage(ports.db, request.params.author, request.params.project, viewer);
      if (!pkg.ok) throw packageLookupProblem(pkg.error);
      return pkg.value;
    },
  );

  app.get(
    "/packages/:author/:project/latest",
    {
      schema: {
        params: PackageParams,
        querystring: Type.Object({ gren: Type.Optional(Segment) }),
        response: { 200: FoundVersion },
      },
    },
    async (request) => {
      const viewer = optionalUser(ports, bearerToken(request));
      const latest = latestVersion(
        ports.db,
        { ...request.params, gren: request.query.gren },
        viewer,
      );
      if (!latest.ok) throw versionQueryProblem(latest.error);
      return latest.value;
    },
  );

  app.get(
    "/packages/:author/:project/previous/:version",
    { schema: { params: VersionParams, response: { 200: FoundVersion } } },
    async (request) => {
      const viewer = optionalUser(ports, bearerToken(request));
      const previous = previousVersion(ports.db, request.params, viewer);
      if (!previous.ok) throw versionQueryProblem(previous.error);
      return previous.value;
    },
  );

  app.get(
    "/packages/:author/:project/:version",
    {
      schema: {
        params: VersionParams,
        response: { 200: VersionView },
      },
    },
    async (request) => {
      const viewer = optionalUser(ports, bearerToken(request));
      const version = describeVersion(ports.db, request.params, viewer);
      if (!version.ok) throw versionLookupProblem(version.error);
      return version.value;
    },
  );

  app.delete(
    "/packages/:author/:project/:version",
    { schema: { params: VersionParams, body: Reason, response: { 200: VersionView } } },
    async (request) => {
      const actor = requireUser(ports, bearerToken(request));
      const revoked = revokeVersion(ports, actor, {
        ...request.params,
        reason: request.body.reason,
      });
      if (!revoked.ok) throw revokeProblem(revoked.error);
      return revoked.value;
    },
  );

  app.delete(
    "/packages/:author/:project",
    { schema: { params: PackageParams, body: Reason, response: { 200: PackageView } } },
    async (request) => {
      const actor = requireUser(ports, bearerToken(request));
      const revoked = revokePackage(ports, actor, {
        ...request.params,
        reason: request.body.reason,
      });
      if (!revoked.ok) throw revokeProblem(revoked.error);
      return revoked.value;
    },
  );

  app.get(
    "/packages/:author/:project/:version/bundle",
    { schema: { params: VersionParams } },
    async (request, reply) => {
      const viewer = optionalUser(ports, bearerToken(request));
      const bundle = bundleOf(ports.db, request.params, viewer);
      if (!bundle.ok) throw bundleProblem(bundle.error);
      const { bytes, sha256 } = bundle.value;
      const etag = `"${sha256}"`;
      void reply
        .header("etag", etag)
        // A version's bytes never change; private ones must not sit in shared caches.
        .header(
          "cache-control",
          bundle.value.private ? "private, no-cache" : "public, max-age=31536000, immutable",
        );
      if (matchesEtag(request.headers["if-none-match"], etag)) return reply.code(304).send();
      return reply
        .type("application/gzip")
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
  );
};

/** `If-None-Match` may list several tags, weak or not, or be `*`. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header
    .split(",")
    .map((tag) => tag.trim().replace(/^W\//, ""))
    .some((tag) => tag === etag || tag === "*");
}
