import cookie from "@fastify/cookie";
import { type FastifyPluginAsyncTypebox, Type } from "@fastify/type-provider-typebox";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { describeRelease, documentModule } from "../../core/documentation.ts";
import { showIdentity } from "../../core/identities.ts";
import { lastPackageChange } from "../../core/packageHead.ts";
import { listPackages } from "../../core/packages.ts";
import { recentlyPublished } from "../../core/recent.ts";
import { searchPackages } from "../../core/search.ts";
import type { User } from "../../core/sessions.ts";
import { IdentityParams } from "../../wire/identities.ts";
import { PackageParams, VersionParams } from "../../wire/packages.ts";
import { packageOf, versionAddressOf, versionChoiceOf } from "../http/addresses.ts";
import { orAnswer } from "../http/coreErrors.ts";
import { ErrorAnswer } from "../http/errorAnswer.ts";
import { answerForFailure } from "../http/malformedRequests.ts";
import { PUBLIC_ANSWER, servePublicAnswers } from "../http/publicAnswers.ts";
import type { RouteContext } from "../http/routeContext.ts";
import { accountRoutes } from "./accountRoutes.ts";
import { ASSETS } from "./assets.ts";
import { errorPage } from "./errorPage.ts";
import { FormGuard } from "./formGuard.ts";
import { homeContent } from "./home.ts";
import { identityPage } from "./identityPage.ts";
import { identitySettingsRoutes } from "./identitySettingsRoutes.ts";
import { loginRoutes } from "./loginRoutes.ts";
import { renderModulePage } from "./modulePage.ts";
import { PAGE, prefersHtml } from "./negotiation.ts";
import { packageFeed, packagePage } from "./packagePage.ts";
import { FEED_PATH } from "./paths.ts";
import { allPackagesPage, searchPage } from "./search.ts";
import { sendPage } from "./sendPage.ts";
import { versionsPage } from "./versionsPage.ts";
import { pageViewer } from "./viewer.ts";

// The package site: pages for people at the API's own addresses (chosen by
// the Accept header, see negotiation.ts), plus the pages only people need.
// Each page asks the same core rules as the API, so it shows exactly what the
// viewer may see, and fails with the API's statuses, as a page.

const RECENT_PACKAGES = 12;
const SEARCH_PAGE_SIZE = 30;

const SearchQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200, pattern: "^[^\\u0000-\\u001f\\u007f]*$" })),
  cursor: Type.Optional(Type.String({ maxLength: 300, pattern: "^[^\\u0000-\\u001f\\u007f]*$" })),
  page: Type.Optional(Type.String({ pattern: "^[1-9][0-9]{0,2}$" })),
});

const ModuleParams = Type.Object({
  author: Type.String({ maxLength: 255 }),
  project: Type.String({ maxLength: 255 }),
  version: Type.String({ maxLength: 255 }),
  module: Type.String({ maxLength: 255 }),
});

/** A page route: only for browsers, and left out of the OpenAPI document, which describes the API. */
const page = <Schema extends object>(schema: Schema) => ({
  constraints: PAGE,
  schema: { hide: true, ...schema },
});

/** A page about one package, which anyone may be shown as it was last rendered until the package changes. */
const packagePageRoute = <Schema extends object>(schema: Schema) => ({
  ...page(schema),
  config: PUBLIC_ANSWER,
});

export const sitePages: FastifyPluginAsyncTypebox<RouteContext> = async (app, context) => {
  const { ports, config, auth, publicAnswers } = context;
  // Sessions travel in a cookie to pages only; the API reads its bearer token, never a cookie.
  await app.register(cookie);
  servePublicAnswers(app, publicAnswers, "page");

  // Forms are taken only from this site's own pages; pages get their form tokens.
  new FormGuard(config.publicUrl).guard(app);

  app.setErrorHandler((error: FastifyError | ErrorAnswer, request, reply) => {
    const answer = answerForFailure(error);
    if (answer.status >= 500) request.log.error({ err: error }, "page failed");
    // A client that is not a browser (a script posting a form) gets the API's error body.
    if (!prefersHtml(request.headers.accept)) {
      void reply.code(answer.status).headers(answer.headers).send(answer.body);
      return;
    }
    let viewer: User | undefined;
    try {
      viewer = pageViewer(auth, request);
    } catch {
      // The page must still be shown when what failed was reading the session.
      viewer = undefined;
    }
    const params = request.params as { author?: string; project?: string } | undefined;
    // A package that is not there is searched for by the name that was asked.
    const asked =
      answer.code === "not_found" && params?.author !== undefined && params.project !== undefined
        ? `${params.author}/${params.project}`
        : undefined;
    void sendPage(reply.headers(answer.headers), errorPage(answer, viewer, asked), answer.status);
  });

  for (const file of ASSETS) {
    app.get(
      file.path,
      { schema: { hide: true, querystring: Type.Object({ v: Type.Optional(Type.String()) }) } },
      async (request, reply) => {
        void reply
          .type(file.contentType)
          .header("etag", file.etag)
          .header(
            "cache-control",
            request.query.v === file.digest
              ? "public, max-age=31536000, immutable"
              : "public, no-cache",
          );
        if (request.headers["if-none-match"] === file.etag) return reply.code(304).send();
        return reply.send(file.content);
      },
    );
  }

  app.get("/", page({}), async (request, reply) => {
    // The list changes only when a package does, so it is rendered once per change.
    const content = publicAnswers.content(
      "/",
      { packageKey: "", changeSeq: lastPackageChange(ports.db) },
      () => homeContent(recentlyPublished(ports.db, RECENT_PACKAGES)),
    );
    return sendPage(reply, {
      title: "Gren packages",
      description: "Find, read and install packages for the Gren programming language.",
      viewer: pageViewer(auth, request),
      search: false,
      feeds: [{ title: "New versions of Gren packages", href: FEED_PATH }],
      main: content,
    });
  });

  app.get("/search", page({ querystring: SearchQuery }), async (request, reply) => {
    const viewer = pageViewer(auth, request);
    const query = request.query.q?.trim() ?? "";
    if (query === "") {
      const listing = orAnswer(
        await listPackages(
          ports,
          { query: "", limit: SEARCH_PAGE_SIZE, cursor: request.query.cursor },
          viewer,
        ),
      );
      return sendPage(reply, allPackagesPage(listing, viewer));
    }
    const number = Number(request.query.page ?? "1");
    const found = orAnswer(await searchPackages(ports, { query, page: number }, viewer));
    return sendPage(reply, searchPage(query, found, number, viewer));
  });

  /** A page of the package's latest version, made by `page`. */
  const latestReleasePage =
    (page: typeof packagePage) => async (request: FastifyRequest, reply: FastifyReply) => {
      const user = pageViewer(auth, request);
      const release = orAnswer(
        describeRelease(ports.db, { name: packageOf(request), version: undefined }, user),
      );
      return sendPage(reply, page(release, user, publicAnswers));
    };

  app.get(
    "/packages/:author/:project",
    packagePageRoute({ params: PackageParams }),
    latestReleasePage(packagePage),
  );
  // `latest` has an API route of its own; its page is the latest version's.
  app.get(
    "/packages/:author/:project/latest",
    packagePageRoute({ params: PackageParams }),
    latestReleasePage(packagePage),
  );
  app.get(
    "/packages/:author/:project/versions",
    packagePageRoute({ params: PackageParams }),
    latestReleasePage(versionsPage),
  );

  app.get(
    "/packages/:author/:project/:version",
    packagePageRoute({ params: VersionParams }),
    async (request, reply) => {
      const user = pageViewer(auth, request);
      const { name, version } = versionAddressOf(request);
      const release = orAnswer(describeRelease(ports.db, { name, version }, user));
      return sendPage(reply, packagePage(release, user, publicAnswers));
    },
  );

  app.get(
    "/packages/:author/:project/:version/modules/:module",
    packagePageRoute({ params: ModuleParams }),
    async (request, reply) => {
      const { module } = request.params;
      const user = pageViewer(auth, request);
      // A revoked version's pages went with its bundle: the core answers why, which becomes a 410 page.
      const documented = orAnswer(documentModule(ports.db, versionChoiceOf(request), module, user));
      return sendPage(reply, {
        title: `${module} · ${documented.name} ${documented.version}`,
        description: `The documentation of ${module}, in ${documented.name} ${documented.version}`,
        viewer: user,
        feeds: [packageFeed(documented.name)],
        main: renderModulePage(documented),
      });
    },
  );

  app.get(
    "/publishing-identity/:name",
    page({ params: IdentityParams }),
    async (request, reply) => {
      const user = pageViewer(auth, request);
      const identity = orAnswer(showIdentity(ports.db, request.params.name, user));
      return sendPage(reply, identityPage(identity, user));
    },
  );

  await app.register(loginRoutes, context);
  await app.register(accountRoutes, context);
  await app.register(identitySettingsRoutes, context);

  // A browser asking for an address with neither a page nor an API route gets a page saying so.
  app.get("/*", page({}), async (request) => {
    throw new ErrorAnswer(
      "not_found",
      `There is no page at ${request.url.split("?")[0]}; it may have moved, or the address may be mistyped.`,
    );
  });
};
