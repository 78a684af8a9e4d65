import type { FastifyPluginAsync } from "fastify";
import {
  type Publication,
  packagePublications,
  recentPublications,
} from "../../core/versionFeed.ts";
import { API } from "../../wire/routes.ts";
import { packageOf } from "../http/addresses.ts";
import { orAnswer } from "../http/coreErrors.ts";
import { PUBLIC_ANSWER, servePublicAnswers } from "../http/publicAnswers.ts";
import type { RouteContext } from "../http/routeContext.ts";
import { serve } from "../http/serveRoute.ts";
import { FEED_PATH, packageFeedPath, packagePath, versionPath } from "../pages/paths.ts";

// New versions as Atom feeds, for feed readers: of every public package, and
// of one package. Each entry links to the version's page.

const ATOM = "application/atom+xml; charset=utf-8";

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};
const xml = (text: string): string =>
  // Characters XML 1.0 forbids are left out rather than sent.
  text
    // biome-ignore lint/suspicious/noControlCharactersInRegex: they are what is left out.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
    .replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);

interface Feed {
  id: string;
  title: string;
  self: string;
  page: string;
  entries: Publication[];
}

function atom(base: string, feed: Feed): string {
  const updated = feed.entries[0]?.at ?? new Date(0).toISOString();
  const entries = feed.entries.map((entry) => {
    const href = `${base}${versionPath(entry.name, entry.version)}`;
    const what = entry.revoked === undefined ? "" : ` (revoked since: ${entry.revoked})`;
    return `  <entry>
    <id>${xml(href)}</id>
    <title>${xml(`${entry.name} ${entry.version}`)}</title>
    <updated>${entry.at}</updated>
    <published>${entry.at}</published>
    <author><name>${xml(entry.name.split("/")[0] ?? "")}</name></author>
    <link rel="alternate" type="text/html" href="${xml(href)}"/>
    <summary>${xml(`${entry.name} ${entry.version} was published${what}.`)}</summary>
  </entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${xml(`${base}${feed.id}`)}</id>
  <title>${xml(feed.title)}</title>
  <updated>${updated}</updated>
  <link rel="self" type="application/atom+xml" href="${xml(`${base}${feed.self}`)}"/>
  <link rel="alternate" type="text/html" href="${xml(`${base}${feed.page}`)}"/>
${entries.join("\n")}
</feed>
`;
}

export const atomRoutes: FastifyPluginAsync<RouteContext> = async (
  app,
  { ports, auth, config, publicAnswers },
) => {
  servePublicAnswers(app, publicAnswers, "api");
  const base = config.publicUrl.replace(/\/+$/, "");

  serve(app, API.atomFeed, async (_request, reply) =>
    reply
      .type(ATOM)
      .header("cache-control", "public, max-age=300")
      .send(
        atom(base, {
          id: FEED_PATH,
          title: "New Gren packages",
          self: FEED_PATH,
          page: "/",
          entries: recentPublications(ports.db),
        }),
      ),
  );

  serve(
    app,
    API.packageAtomFeed,
    async (request, reply) => {
      const viewer = auth.viewer(request);
      const found = orAnswer(packagePublications(ports.db, packageOf(request), viewer));
      return reply
        .type(ATOM)
        .header("cache-control", found.private ? "private, no-cache" : "public, max-age=300")
        .send(
          atom(base, {
            id: packageFeedPath(found.name),
            title: `${found.name}: new versions`,
            self: packageFeedPath(found.name),
            page: packagePath(found.name),
            entries: found.publications,
          }),
        );
    },
    { config: PUBLIC_ANSWER },
  );
};
