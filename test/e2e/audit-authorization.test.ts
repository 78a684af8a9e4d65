import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contractViolations } from "../support/auditWorld.ts";
import { makeBundle, packageOutline, sourcesFor } from "../support/bundles.ts";
import { publish, sha256 } from "../support/publishing.ts";
import { login, startRegistry, type TestRegistry } from "../support/registry.ts";
import { BROWSER_ACCEPT } from "../support/siteCatalogue.ts";
import { databaseSnapshot } from "../support/snapshot.ts";

// Who may do what, route by route: every route of the API, asked by five
// people (nobody logged in, a stranger, and a member of acme in each role),
// about a public and a private package of acme. Each cell is one test with
// the exact status expected. To outsiders a private package is a package
// that does not exist: same status, same body and headers apart from its
// name. A refused write leaves every row of the database as it was.

type Persona = "anonymous" | "outsider" | "download" | "publish" | "admin";
type Member = Exclude<Persona, "anonymous" | "outsider">;
type LoggedIn = Exclude<Persona, "anonymous">;
type Visibility = "public" | "private";

const PERSONAS: Persona[] = ["anonymous", "outsider", "download", "publish", "admin"];
const LOGGED_IN: LoggedIn[] = ["outsider", "download", "publish", "admin"];
const MEMBERS: Member[] = ["download", "publish", "admin"];
const VISIBILITIES: Visibility[] = ["public", "private"];

const WHO: Record<Persona, string> = {
  anonymous: "an anonymous client",
  outsider: "a logged-in non-member",
  download: "a download member",
  publish: "a publish member",
  admin: "an admin",
};
const EMAIL: Record<LoggedIn, string> = {
  outsider: "outsider@example.com",
  download: "downloader@example.com",
  publish: "publisher@example.com",
  admin: "admin@example.com",
};

const isMember = (persona: Persona): persona is Member => MEMBERS.includes(persona as Member);
const sees = (persona: Persona, visibility: Visibility) =>
  visibility === "public" || isMember(persona);

/** What a request about a package shows or refuses: 200 when it may see it, else not found. */
const readStatus = (persona: Persona, visibility: Visibility) =>
  sees(persona, visibility) ? 200 : 404;

/** A write needing `needed`: 401 without a session, 404 to outsiders of a private package, 403 below the role. */
function writeStatus(
  persona: Persona,
  visibility: Visibility,
  needed: Member,
  success: number,
  outsiderOfPrivate: number,
): number {
  if (persona === "anonymous") return 401;
  if (persona === "outsider") return visibility === "private" ? outsiderOfPrivate : 403;
  return MEMBERS.indexOf(persona) >= MEMBERS.indexOf(needed) ? success : 403;
}

const REASON = { reason: "Audit: this release was broken." };

let registry: TestRegistry;
const tokens = {} as Record<LoggedIn, string>;
let bystander: { token: string; sessionId: string };
type NewRoute = "index" | "resolve";
/** Routes another change adds may not exist yet; their cells then skip. */
const present = new Set<NewRoute>();
/** Every private package this file made: none may ever show in the feed. */
const privateNames = new Set<string>();

const tokenOf = (persona: Persona) => (persona === "anonymous" ? undefined : tokens[persona]);

/** The shared packages every read is about: 1.0.0 and 2.0.0 of each. */
const SHARED: Record<Visibility, string> = { public: "open", private: "covert" };

let serial = 0;
/** A new project name; private ones start with "covert" so the feed check can name them. */
const freshProject = (visibility: Visibility, stem: string) =>
  `${visibility === "private" ? "covert" : "open"}-${stem}-${++serial}`;

/** A project of the same length that was never published, so answers compare byte for byte. */
const absentLike = (project: string) => "q".repeat(project.length);

function bundleOf(project: string, version: string, visibility: Visibility): Uint8Array {
  const outline = packageOutline({
    name: `acme/${project}`,
    version,
    ...(visibility === "private" ? { private: true } : {}),
  });
  return makeBundle({ outline, sources: sourcesFor(outline) });
}

/** The admin publishes a version; the bytes published come back. */
async function publishAs(project: string, version: string, visibility: Visibility) {
  if (visibility === "private") privateNames.add(`acme/${project}`);
  return publish(
    registry,
    tokens.admin,
    `acme/${project}`,
    version,
    visibility === "private" ? { private: true } : {},
  );
}

interface Request {
  method: string;
  path: string;
  json?: unknown;
  bundle?: Uint8Array;
  accept?: string;
  headers?: Record<string, string>;
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

async function send(request: Request, token: string | undefined): Promise<Answer> {
  const headers: Record<string, string> = { ...request.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  if (request.accept) headers.accept = request.accept;
  let body: BodyInit | null = null;
  if (request.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(request.json);
  } else if (request.bundle) {
    headers["content-type"] = "application/gzip";
    body = request.bundle as BodyInit;
  }
  const response = await fetch(registry.url + request.path, {
    method: request.method,
    headers,
    body,
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

const json = <T>(answer: Answer) => answer.json as T;

interface Arranged {
  request: Request;
  /** The same request about something that does not exist, to be answered alike; with what differs. */
  absent?: { request: Request; from: string; to: string } | undefined;
  /** Someone else than the persona's own session makes the request (a member who leaves). */
  token?: string;
  /** What a success must further show. */
  check?: (answer: Answer) => void | Promise<void>;
}

interface Cell {
  /** The route the cell asks, to group the cells by. */
  route: string;
  title: string;
  persona: Persona;
  expected: number;
  /** Whether a success changes the database (a failure never may). */
  writes: boolean;
  /** The site's pages answer errors as pages, not JSON bodies. */
  page?: boolean;
  /** A route another change adds: skipped while it is not there. */
  needs?: NewRoute | undefined;
  arrange: () => Promise<Arranged>;
}

const cells: Cell[] = [];
const gets = (status: number) => `gets ${status}`;

/** For an outsider asking about a private package: the same request about one that does not exist. */
function absentFor(persona: Persona, visibility: Visibility, project: string, request: Request) {
  if (isMember(persona) || visibility === "public") return undefined;
  const to = absentLike(project);
  return {
    from: project,
    to,
    request: {
      ...request,
      path: request.path.replaceAll(project, to),
      ...(request.bundle ? { bundle: bundleOf(to, "1.1.0", visibility) } : {}),
    },
  };
}

// ---- Reads about one package: the API ----

const packageReads: {
  route: string;
  doing: (visibility: Visibility) => string;
  path: (project: string) => string;
  check?: (answer: Answer, project: string, visibility: Visibility) => void;
  needs?: NewRoute;
}[] = [
  {
    route: "GET /packages/{a}/{p}",
    doing: (v) => `reading the ${v} package`,
    path: (p) => `/packages/acme/${p}`,
    check: (answer, p, v) =>
      expect(answer.json).toMatchObject({
        name: `acme/${p}`,
        private: v === "private",
        versions: [{ version: "1.0.0" }, { version: "2.0.0" }],
      }),
  },
  {
    route: "GET /packages/{a}/{p}/{v}",
    doing: (v) => `reading 1.0.0 of the ${v} package`,
    path: (p) => `/packages/acme/${p}/1.0.0`,
    check: (answer, p) =>
      expect(answer.json).toMatchObject({ name: `acme/${p}`, version: "1.0.0", revoked: null }),
  },
  {
    route: "GET /packages/{a}/{p}/{v}/bundle",
    doing: (v) => `downloading 1.0.0 of the ${v} package`,
    path: (p) => `/packages/acme/${p}/1.0.0/bundle`,
    check: (answer, _p, v) => {
      expect(answer.headers.get("etag")).toMatch(/^"[0-9a-f]{64}"$/);
      expect(answer.headers.get("cache-control")).toBe(
        v === "public" ? "public, max-age=31536000, immutable" : "private, no-cache",
      );
    },
  },
  {
    route: "GET /packages/{a}/{p}/latest",
    doing: (v) => `asking for the latest version of the ${v} package`,
    path: (p) => `/packages/acme/${p}/latest`,
    check: (answer) => expect(answer.json).toEqual({ version: "2.0.0" }),
  },
  {
    route: "GET /packages/{a}/{p}/previous/{v}",
    doing: (v) => `asking for the version before 2.0.0 of the ${v} package`,
    path: (p) => `/packages/acme/${p}/previous/2.0.0`,
    check: (answer) => expect(answer.json).toEqual({ version: "1.0.0" }),
  },
  {
    route: "GET /packages/{a}/{p}/index",
    doing: (v) => `reading the index of the ${v} package`,
    path: (p) => `/packages/acme/${p}/index`,
    needs: "index",
    check: (answer, p, v) =>
      expect(answer.json).toMatchObject({
        name: `acme/${p}`,
        private: v === "private",
        versions: [{ version: "1.0.0" }, { version: "2.0.0" }],
      }),
  },
];

for (const read of packageReads) {
  for (const persona of PERSONAS) {
    for (const visibility of VISIBILITIES) {
      const expected = readStatus(persona, visibility);
      cells.push({
        route: read.route,
        title: `${WHO[persona]} ${read.doing(visibility)} ${gets(expected)}`,
        persona,
        expected,
        writes: false,
        needs: read.needs,
        arrange: async () => {
          const project = SHARED[visibility];
          const request = { method: "GET", path: read.path(project) };
          return {
            request,
            absent: absentFor(persona, visibility, project, request),
            check: (answer) => read.check?.(answer, project, visibility),
          };
        },
      });
    }
  }
}

// ---- Conditional and HEAD downloads: knowing a private bundle's digest shows nothing ----

/** The sha256 of 1.0.0 of each shared package, as its ETag. */
const etags = {} as Record<Visibility, string>;
/** The ETag of each shared package's index, as a member sees it. */
const indexTags = {} as Record<Visibility, string>;

for (const persona of PERSONAS) {
  for (const visibility of VISIBILITIES) {
    const cached = sees(persona, visibility) ? 304 : 404;
    cells.push({
      route: "GET /packages/{a}/{p}/{v}/bundle",
      title: `${WHO[persona]} revalidating 1.0.0 of the ${visibility} package by its digest ${gets(cached)}`,
      persona,
      expected: cached,
      writes: false,
      arrange: async () => {
        const project = SHARED[visibility];
        const request = {
          method: "GET",
          path: `/packages/acme/${project}/1.0.0/bundle`,
          headers: { "if-none-match": etags[visibility] },
        };
        return { request, absent: absentFor(persona, visibility, project, request) };
      },
    });

    cells.push({
      route: "GET /packages/{a}/{p}/index",
      title: `${WHO[persona]} revalidating the index of the ${visibility} package by its tag ${gets(cached)}`,
      persona,
      expected: cached,
      writes: false,
      needs: "index",
      arrange: async () => {
        const project = SHARED[visibility];
        const request = {
          method: "GET",
          path: `/packages/acme/${project}/index`,
          headers: { "if-none-match": indexTags[visibility] },
        };
        return { request, absent: absentFor(persona, visibility, project, request) };
      },
    });

    const heading = readStatus(persona, visibility);
    cells.push({
      route: "GET /packages/{a}/{p}/{v}/bundle",
      title: `${WHO[persona]} asking for the HEAD of 1.0.0 of the ${visibility} package ${gets(heading)}`,
      persona,
      expected: heading,
      writes: false,
      arrange: async () => {
        const project = SHARED[visibility];
        const request = { method: "HEAD", path: `/packages/acme/${project}/1.0.0/bundle` };
        return {
          request,
          absent: absentFor(persona, visibility, project, request),
          check: (answer) => expect(answer.headers.get("etag")).toBe(etags[visibility]),
        };
      },
    });
  }
}

// ---- Resolving dependencies: a private package is a package that does not exist ----

for (const persona of PERSONAS) {
  for (const visibility of VISIBILITIES) {
    // What the registry answers for a package that does not exist: it cannot be resolved.
    const expected = sees(persona, visibility) ? 200 : 409;
    cells.push({
      route: "POST /resolve",
      title: `${WHO[persona]} resolving a dependency on the ${visibility} package ${gets(expected)}`,
      persona,
      expected,
      writes: false,
      needs: "resolve",
      arrange: async () => {
        const project = SHARED[visibility];
        const resolving = (name: string) => ({
          method: "POST",
          path: "/resolve",
          json: {
            grenVersion: "0.6.5",
            platform: "node",
            dependencies: { [`acme/${name}`]: "1.0.0 <= v < 3.0.0" },
          },
        });
        const absent = absentFor(persona, visibility, project, resolving(project));
        return {
          request: resolving(project),
          absent: absent && { ...absent, request: resolving(absent.to) },
          check: (answer) =>
            expect(answer.json).toMatchObject({
              packages: { [`acme/${project}`]: { version: "2.0.0" } },
            }),
        };
      },
    });
  }
}

// ---- Reads about one package: the site's pages ----

const pageReads: {
  route: string;
  doing: (v: Visibility) => string;
  path: (p: string) => string;
}[] = [
  {
    route: "page /packages/{a}/{p}",
    doing: (v) => `opening the page of the ${v} package`,
    path: (p) => `/packages/acme/${p}`,
  },
  {
    route: "page /packages/{a}/{p}/{v}",
    doing: (v) => `opening the page of 1.0.0 of the ${v} package`,
    path: (p) => `/packages/acme/${p}/1.0.0`,
  },
  {
    route: "page /packages/{a}/{p}/{v}/modules/{m}",
    doing: (v) => `opening the documentation of a module of the ${v} package`,
    path: (p) => `/packages/acme/${p}/1.0.0/modules/Widgets`,
  },
];

for (const read of pageReads) {
  for (const persona of PERSONAS) {
    for (const visibility of VISIBILITIES) {
      const expected = readStatus(persona, visibility);
      cells.push({
        route: read.route,
        title: `${WHO[persona]} ${read.doing(visibility)} in a browser ${gets(expected)}`,
        persona,
        expected,
        writes: false,
        page: true,
        arrange: async () => {
          const project = SHARED[visibility];
          const request = { method: "GET", path: read.path(project), accept: BROWSER_ACCEPT };
          return {
            request,
            absent: absentFor(persona, visibility, project, request),
            check: (answer) => {
              expect(answer.headers.get("content-type")).toBe("text/html; charset=utf-8");
              expect(answer.text).toContain(`acme/${project}`);
            },
          };
        },
      });
    }
  }
}

// ---- Listings that may or may not name the package ----

for (const persona of PERSONAS) {
  for (const visibility of VISIBILITIES) {
    const listed = sees(persona, visibility);
    cells.push({
      route: "GET /packages",
      title: `${WHO[persona]} searching for the ${visibility} package gets 200 ${listed ? "listing it" : "without it"}`,
      persona,
      expected: 200,
      writes: false,
      arrange: async () => {
        const project = SHARED[visibility];
        const request = { method: "GET", path: `/packages?q=${project}&limit=100` };
        return {
          request,
          absent: absentFor(persona, visibility, project, request),
          check: (answer) => {
            const names = json<{ packages: { name: string }[] }>(answer).packages.map(
              (p) => p.name,
            );
            expect(names.includes(`acme/${project}`)).toBe(listed);
          },
        };
      },
    });

    cells.push({
      route: "GET /packages",
      title: `${WHO[persona]} searching by the words of its summary gets 200 ${listed ? "listing" : "without"} the ${visibility} package`,
      persona,
      expected: 200,
      writes: false,
      arrange: async () => ({
        request: { method: "GET", path: "/packages?q=occasion&limit=100" },
        check: (answer) => {
          const names = json<{ packages: { name: string }[] }>(answer).packages.map((p) => p.name);
          expect(names.includes(`acme/${SHARED[visibility]}`)).toBe(listed);
          if (!isMember(persona)) expect(names.filter((n) => privateNames.has(n))).toEqual([]);
        },
      }),
    });

    cells.push({
      route: "GET /publishing-identity/{name}",
      title: `${WHO[persona]} reading the identity acme gets 200 ${listed ? "naming" : "not naming"} the ${visibility} package${isMember(persona) ? ", with its members" : ", without its members"}`,
      persona,
      expected: 200,
      writes: false,
      arrange: async () => ({
        request: { method: "GET", path: "/publishing-identity/acme" },
        check: (answer) => {
          const body = json<{ packages: string[]; members?: unknown[] }>(answer);
          expect(body.packages.includes(`acme/${SHARED[visibility]}`)).toBe(listed);
          if (isMember(persona)) {
            expect(body.members).toEqual(
              expect.arrayContaining([{ email: EMAIL[persona], role: persona }]),
            );
          } else {
            expect(body).not.toHaveProperty("members");
            expect(answer.text).not.toContain("@example.com");
          }
        },
      }),
    });

    cells.push({
      route: "page /publishing-identity/{name}",
      title: `${WHO[persona]} opening the page of the identity acme in a browser gets 200 ${listed ? "naming" : "not naming"} the ${visibility} package`,
      persona,
      expected: 200,
      writes: false,
      page: true,
      arrange: async () => ({
        request: { method: "GET", path: "/publishing-identity/acme", accept: BROWSER_ACCEPT },
        check: (answer) => {
          expect(answer.text.includes(`acme/${SHARED[visibility]}`)).toBe(listed);
          if (!isMember(persona)) expect(answer.text).not.toContain("downloader@example.com");
        },
      }),
    });
  }
}

// ---- Writes to one package: each cell has a package of its own ----

for (const persona of PERSONAS) {
  for (const visibility of VISIBILITIES) {
    const publishing = writeStatus(persona, visibility, "publish", 201, 403);
    cells.push({
      route: "PUT /packages/{a}/{p}/{v}",
      title: `${WHO[persona]} publishing 1.1.0 of a ${visibility} package ${gets(publishing)}`,
      persona,
      expected: publishing,
      writes: true,
      arrange: async () => {
        const project = freshProject(visibility, "put");
        await publishAs(project, "1.0.0", visibility);
        const request = {
          method: "PUT",
          path: `/packages/acme/${project}/1.1.0`,
          bundle: bundleOf(project, "1.1.0", visibility),
        };
        return {
          request,
          absent: absentFor(persona, visibility, project, request),
          check: async (answer) => {
            expect(answer.json).toMatchObject({ name: `acme/${project}`, version: "1.1.0" });
            const latest = await send(
              { method: "GET", path: `/packages/acme/${project}/latest` },
              tokens.admin,
            );
            expect(latest.json).toEqual({ version: "1.1.0" });
          },
        };
      },
    });

    const revoking = writeStatus(persona, visibility, "publish", 200, 404);
    cells.push({
      route: "DELETE /packages/{a}/{p}/{v}",
      title: `${WHO[persona]} revoking 1.0.0 of a ${visibility} package ${gets(revoking)}`,
      persona,
      expected: revoking,
      writes: true,
      arrange: async () => {
        const project = freshProject(visibility, "revoke");
        await publishAs(project, "1.0.0", visibility);
        const request = {
          method: "DELETE",
          path: `/packages/acme/${project}/1.0.0`,
          json: REASON,
        };
        return {
          request,
          absent: absentFor(persona, visibility, project, request),
          check: async (answer) => {
            expect(answer.json).toMatchObject({ version: "1.0.0", revoked: REASON });
            const bundle = await send(
              { method: "GET", path: `/packages/acme/${project}/1.0.0/bundle` },
              tokens.admin,
            );
            expect(bundle.status).toBe(410);
          },
        };
      },
    });

    const revokingAll = writeStatus(persona, visibility, "admin", 200, 404);
    cells.push({
      route: "DELETE /packages/{a}/{p}",
      title: `${WHO[persona]} revoking the whole of a ${visibility} package ${gets(revokingAll)}`,
      persona,
      expected: revokingAll,
      writes: true,
      arrange: async () => {
        const project = freshProject(visibility, "all");
        await publishAs(project, "1.0.0", visibility);
        await publishAs(project, "1.1.0", visibility);
        const request = { method: "DELETE", path: `/packages/acme/${project}`, json: REASON };
        return {
          request,
          absent: absentFor(persona, visibility, project, request),
          check: (answer) => {
            const versions = json<{ versions: { revoked: unknown }[] }>(answer).versions;
            expect(versions).toHaveLength(2);
            for (const version of versions) expect(version.revoked).toMatchObject(REASON);
          },
        };
      },
    });
  }
}

// ---- The identity's members and audit log ----

const membersPath = (email: string) =>
  `/publishing-identity/acme/members/${encodeURIComponent(email)}`;
const hiddenFromOutsiders = (persona: Persona, forMembers: number) =>
  isMember(persona) ? forMembers : 404;

for (const persona of PERSONAS) {
  const seeing = hiddenFromOutsiders(persona, 200);
  cells.push({
    route: "GET /publishing-identity/{name}/members",
    title: `${WHO[persona]} reading the member list of acme ${gets(seeing)}`,
    persona,
    expected: seeing,
    writes: false,
    arrange: async () => ({
      request: { method: "GET", path: "/publishing-identity/acme/members" },
      check: (answer) =>
        expect(json<{ members: unknown[] }>(answer).members).toEqual(
          expect.arrayContaining(MEMBERS.map((role) => ({ email: EMAIL[role], role }))),
        ),
    }),
  });

  const managing =
    persona === "anonymous" ? 401 : persona === "admin" ? 200 : hiddenFromOutsiders(persona, 403);
  cells.push({
    route: "PUT /publishing-identity/{name}/members/{email}",
    title: `${WHO[persona]} adding a member to acme ${gets(managing)}`,
    persona,
    expected: managing,
    writes: true,
    arrange: async () => {
      const email = `added-${++serial}@example.com`;
      return {
        request: { method: "PUT", path: membersPath(email), json: { role: "download" } },
        check: (answer) => expect(answer.json).toEqual({ email, role: "download" }),
      };
    },
  });

  if (persona !== "anonymous") {
    cells.push({
      route: "PUT /publishing-identity/{name}/members/{email}",
      title: `${WHO[persona]} making themself an admin of acme ${gets(managing)}`,
      persona,
      expected: managing,
      // An admin already is one: nothing changes.
      writes: false,
      arrange: async () => ({
        request: { method: "PUT", path: membersPath(EMAIL[persona]), json: { role: "admin" } },
        check: (answer) => expect(answer.json).toEqual({ email: EMAIL[persona], role: "admin" }),
      }),
    });
  }

  const removing = persona === "admin" ? 204 : managing;
  cells.push({
    route: "DELETE /publishing-identity/{name}/members/{email}",
    title: `${WHO[persona]} removing another member of acme ${gets(removing)}`,
    persona,
    expected: removing,
    writes: true,
    arrange: async () => {
      const email = `removed-${++serial}@example.com`;
      const added = await send(
        { method: "PUT", path: membersPath(email), json: { role: "download" } },
        tokens.admin,
      );
      expect(added.status).toBe(200);
      return {
        request: { method: "DELETE", path: membersPath(email) },
        check: async () => {
          const members = await send(
            { method: "GET", path: "/publishing-identity/acme/members" },
            tokens.admin,
          );
          expect(members.text).not.toContain(email);
        },
      };
    },
  });

  if (persona === "outsider") {
    cells.push({
      route: "DELETE /publishing-identity/{name}/members/{email}",
      title: `${WHO[persona]} leaving acme gets 404`,
      persona,
      expected: 404,
      writes: false,
      arrange: async () => ({
        request: { method: "DELETE", path: membersPath(EMAIL.outsider) },
      }),
    });
  }
  if (isMember(persona)) {
    cells.push({
      route: "DELETE /publishing-identity/{name}/members/{email}",
      title: `${WHO[persona]} leaving acme gets 204`,
      persona,
      expected: 204,
      writes: true,
      arrange: async () => {
        // A member of their own, so the persona stays a member for the other cells.
        const email = `leaving-${persona}-${++serial}@example.com`;
        const added = await send(
          { method: "PUT", path: membersPath(email), json: { role: persona } },
          tokens.admin,
        );
        expect(added.status).toBe(200);
        const token = await login(registry, email);
        return {
          token,
          request: { method: "DELETE", path: membersPath(email) },
          check: async () => {
            const user = await send({ method: "GET", path: "/user" }, token);
            expect(user.json).toEqual({ email, identities: [] });
          },
        };
      },
    });
  }

  const auditing =
    persona === "anonymous" ? 401 : persona === "admin" ? 200 : hiddenFromOutsiders(persona, 403);
  cells.push({
    route: "GET /publishing-identity/{name}/audit",
    title: `${WHO[persona]} reading the audit log of acme ${gets(auditing)}`,
    persona,
    expected: auditing,
    writes: false,
    arrange: async () => ({
      request: { method: "GET", path: "/publishing-identity/acme/audit" },
      // Anonymous: the same answer as about an identity that does not exist.
      ...(persona === "anonymous"
        ? {
            absent: {
              from: "acme",
              to: "qqqq",
              request: { method: "GET", path: "/publishing-identity/qqqq/audit" },
            },
          }
        : {}),
      check: (answer) =>
        expect(json<{ entries: { action: string }[] }>(answer).entries[0]).toMatchObject({
          action: "identity.create",
        }),
    }),
  });
}

// ---- The user's own account and sessions ----

for (const persona of PERSONAS) {
  const own = persona === "anonymous" ? 401 : 200;
  cells.push({
    route: "GET /user",
    title: `${WHO[persona]} asking who they are ${gets(own)}`,
    persona,
    expected: own,
    writes: false,
    arrange: async () => ({
      request: { method: "GET", path: "/user" },
      check: (answer) => {
        if (persona === "anonymous") return;
        expect(answer.json).toEqual({
          email: EMAIL[persona],
          identities: isMember(persona) ? [{ name: "acme", role: persona }] : [],
        });
      },
    }),
  });

  cells.push({
    route: "GET /user/sessions",
    title: `${WHO[persona]} listing their sessions ${gets(own)}, only their own`,
    persona,
    expected: own,
    writes: false,
    arrange: async () => ({
      request: { method: "GET", path: "/user/sessions" },
      check: (answer) => {
        const sessions = json<{ sessions: { id: string; current: boolean }[] }>(answer).sessions;
        expect(sessions.filter((s) => s.current)).toHaveLength(1);
        expect(sessions.map((s) => s.id)).not.toContain(bystander.sessionId);
      },
    }),
  });

  const others = persona === "anonymous" ? 401 : 404;
  cells.push({
    route: "DELETE /user/sessions/{id}",
    title: `${WHO[persona]} ending another user's session ${gets(others)}, as for a session that does not exist`,
    persona,
    expected: others,
    writes: false,
    arrange: async () => {
      const madeUp = bystander.sessionId.replace(/./g, "0");
      return {
        request: { method: "DELETE", path: `/user/sessions/${bystander.sessionId}` },
        absent: {
          from: bystander.sessionId,
          to: madeUp,
          request: { method: "DELETE", path: `/user/sessions/${madeUp}` },
        },
      };
    },
  });

  if (persona !== "anonymous") {
    cells.push({
      route: "DELETE /user/sessions/{id}",
      title: `${WHO[persona]} ending another session of their own gets 204`,
      persona,
      expected: 204,
      writes: true,
      arrange: async () => {
        const second = await login(registry, EMAIL[persona]);
        const listed = await send({ method: "GET", path: "/user/sessions" }, second);
        const id = json<{ sessions: { id: string; current: boolean }[] }>(listed).sessions.find(
          (s) => s.current,
        )?.id;
        expect(id).toBeDefined();
        return {
          request: { method: "DELETE", path: `/user/sessions/${id}` },
          check: async () => {
            expect((await send({ method: "GET", path: "/user" }, second)).status).toBe(401);
            expect((await send({ method: "GET", path: "/user" }, tokens[persona])).status).toBe(
              200,
            );
          },
        };
      },
    });
  }
}

// ---- Operations, and last the feed, which must not have told of any private change above ----

for (const persona of PERSONAS) {
  const operating = persona === "anonymous" ? 401 : persona === "admin" ? 200 : 403;
  cells.push({
    route: "GET /feed/webhooks",
    title: `${WHO[persona]} reading the webhook deliveries ${gets(operating)}`,
    persona,
    expected: operating,
    writes: false,
    arrange: async () => ({
      request: { method: "GET", path: "/feed/webhooks" },
      check: (answer) => expect(answer.json).toEqual({ webhooks: [] }),
    }),
  });
}

for (const persona of PERSONAS) {
  for (const visibility of VISIBILITIES) {
    cells.push({
      route: "GET /feed",
      title: `${WHO[persona]} reading the feed gets 200 ${visibility === "public" ? "with the public package's events" : "without any private package's events"}`,
      persona,
      expected: 200,
      writes: false,
      arrange: async () => ({
        request: { method: "GET", path: "/feed?limit=1000" },
        check: (answer) => {
          const names = json<{ events: { name: string }[] }>(answer).events.map((e) => e.name);
          if (visibility === "public") {
            expect(names.filter((name) => name === "acme/open")).toHaveLength(2);
          } else {
            expect(privateNames.size).toBeGreaterThan(1);
            expect(names.filter((name) => privateNames.has(name))).toEqual([]);
            expect(answer.text).not.toContain("covert");
          }
        },
      }),
    });
  }
}

// ---- The world, and the run of every cell ----

beforeAll(async () => {
  registry = await startRegistry({ REGISTRY_OPERATOR_IDENTITY: "acme" });
  for (const persona of LOGGED_IN) tokens[persona] = await login(registry, EMAIL[persona]);
  const created = await send(
    { method: "POST", path: "/publishing-identity", json: { name: "acme" } },
    tokens.admin,
  );
  expect(created.status).toBe(201);
  for (const role of ["download", "publish"] as const) {
    const added = await send(
      { method: "PUT", path: membersPath(EMAIL[role]), json: { role } },
      tokens.admin,
    );
    expect(added.status).toBe(200);
  }
  for (const visibility of VISIBILITIES) {
    const bytes = await publishAs(SHARED[visibility], "1.0.0", visibility);
    etags[visibility] = `"${sha256(bytes)}"`;
    await publishAs(SHARED[visibility], "2.0.0", visibility);
  }
  const token = await login(registry, "bystander@example.com");
  const sessions = await send({ method: "GET", path: "/user/sessions" }, token);
  bystander = {
    token,
    sessionId: json<{ sessions: { id: string }[] }>(sessions).sessions[0]!.id,
  };
  // Before the index route, "index" was read as a version; an unknown route is the generic 404.
  const index = await send({ method: "GET", path: "/packages/acme/open/index" }, undefined);
  if (!/is not a version|^There is no GET/.test(String(json<{ message?: string }>(index).message)))
    present.add("index");
  for (const visibility of VISIBILITIES) {
    const path = `/packages/acme/${SHARED[visibility]}/index`;
    indexTags[visibility] =
      (await send({ method: "GET", path }, tokens.admin)).headers.get("etag") ?? "";
  }
  const resolve = await send({ method: "POST", path: "/resolve", json: {} }, undefined);
  if (!/^There is no POST/.test(String(json<{ message?: string }>(resolve).message)))
    present.add("resolve");
});
afterAll(async () => {
  await registry?.close();
});

/** Headers that differ between any two answers, whatever they are about. */
const PER_ANSWER = new Set(["date", "x-request-id", "keep-alive"]);

/** A browser's form token, new in each answer to a browser that has none yet. */
const FORM_TOKEN = /(gren_form=|name="form_token" value=")[\w-]+/g;

function comparable(answer: Answer, from: string, to: string) {
  const same = (text: string) => text.replaceAll(from, to).replace(FORM_TOKEN, "$1<token>");
  const headers: Record<string, string> = {};
  answer.headers.forEach((value, name) => {
    if (!PER_ANSWER.has(name)) headers[name] = same(value);
  });
  return { status: answer.status, headers, text: same(answer.text) };
}

const routes = [...new Set(cells.map((cell) => cell.route))];

for (const route of routes) {
  describe(route, () => {
    for (const cell of cells.filter((c) => c.route === route)) {
      it(cell.title, async (context) => {
        if (cell.needs && !present.has(cell.needs)) context.skip();
        const arranged = await cell.arrange();
        const token = arranged.token ?? tokenOf(cell.persona);

        const before = databaseSnapshot(registry.dbPath);
        const answer = await send(arranged.request, token);
        const after = databaseSnapshot(registry.dbPath);

        expect(answer.status, answer.text.slice(0, 500)).toBe(cell.expected);
        if (answer.status >= 400) {
          // Pages answer with a page, and HEAD with no body at all.
          if (!cell.page && arranged.request.method !== "HEAD") {
            expect(contractViolations(answer.status, answer.json)).toEqual([]);
          }
          expect(after, "a refused request changed the database").toEqual(before);
        } else {
          if (cell.writes) expect(after, "a write changed nothing").not.toEqual(before);
          else expect(after, "a read changed the database").toEqual(before);
          await arranged.check?.(answer);
        }

        if (arranged.absent) {
          const { request, from, to } = arranged.absent;
          const other = await send(request, token);
          expect(databaseSnapshot(registry.dbPath)).toEqual(before);
          expect(comparable(answer, from, to)).toEqual(comparable(other, from, to));
        }
      });
    }
  });
}

describe("GET /feed/live", () => {
  it("an anonymous client following the live feed from the start never hears of a private package", async () => {
    const feed = await send({ method: "GET", path: "/feed?limit=1000" }, undefined);
    const expected = json<{ events: unknown[] }>(feed).events.length;
    const socket = new WebSocket(`${registry.url.replace("http", "ws")}/feed/live?since=0`);
    const heard: { name: string }[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`heard ${heard.length} of ${expected}`)),
        5000,
      );
      socket.addEventListener("message", (message) => {
        heard.push(JSON.parse(String(message.data)));
        // A moment more after the last public event, for anything that should not come.
        if (heard.length === expected) {
          clearTimeout(timer);
          setTimeout(resolve, 200);
        }
      });
      socket.addEventListener("error", () => reject(new Error("the live feed failed")));
    });
    socket.close();
    expect(heard).toHaveLength(expected);
    expect(privateNames.size).toBeGreaterThan(1);
    expect(heard.filter((event) => privateNames.has(event.name))).toEqual([]);
  });
});
