import { Type } from "typebox";
import { ApiChangesView, ChangesParams, CheckedBundle, CheckQuery } from "./apiChanges.ts";
import { DocsJson } from "./docs.ts";
import { FeedPage, FeedQuery, LiveQuery, WebhookStatusList } from "./feed.ts";
import { Health } from "./health.ts";
import {
  AuditLog,
  CreateIdentity,
  IdentityCreated,
  IdentityParams,
  IdentityView,
  Member,
  MemberList,
  MemberParams,
  RoleChange,
} from "./identities.ts";
import {
  ConsistencyProof,
  ConsistencyQuery,
  InclusionProof,
  InclusionQuery,
  LogEntries,
  LogEntriesQuery,
  SignedNoteText,
} from "./log.ts";
import {
  FoundVersion,
  LatestQuery,
  Listing,
  ListingQuery,
  PackageIndex,
  PackageParams,
  PackageView,
  Published,
  PublishQuery,
  Reason,
  VersionParams,
  VersionView,
} from "./packages.ts";
import { Resolution, ResolutionRequest } from "./resolve.ts";
import { route } from "./route.ts";
import {
  CodeExchange,
  LoginRequest,
  LoginStarted,
  LoginWaiting,
  SessionCreated,
  SessionList,
  SessionParams,
  UserView,
} from "./session.ts";
import { CreateToken, TokenCreated, TokenList, TokenParams } from "./tokens.ts";
import {
  Audience,
  CreateTrustedPublisher,
  IdTokenExchange,
  PublishToken,
  TrustedPublisherList,
  TrustedPublisherParams,
  TrustedPublisherView,
} from "./trustedPublishing.ts";
import { Dependents, PackageDownloads } from "./usage.ts";

// Every route of the registry's API, declared once: the server registers them
// from here, the OpenAPI document describes them from here, and the CLI calls
// them through here. Pages for people share some of these addresses; they are
// not part of the API and are declared with the site.

const AtomFeed = Type.Unsafe<string>({
  description: "An Atom feed (RFC 4287), each entry linking to the version's page",
  content: { "application/atom+xml": { schema: { type: "string" } } },
});
const NoContent = Type.Null({ description: "Done; nothing to say" });
const NotModified = Type.Null({ description: "What the client holds is current" });

export const API = {
  health: route({
    method: "GET",
    path: "/health",
    summary: "Whether the registry and its database answer",
    access: "anyone",
    answers: { 200: Health },
  }),

  // ------------------------------------------------------------ logging in

  startLogin: route({
    method: "POST",
    path: "/session",
    summary: "Mail a login code and link to an address",
    access: "anyone",
    body: LoginRequest,
    answers: { 200: LoginStarted },
  }),
  finishLogin: route({
    method: "POST",
    path: "/session/fetch",
    summary: "Trade the fetch token and the mailed code (or the confirmed link) for a session",
    access: "anyone",
    body: CodeExchange,
    answers: { 200: SessionCreated, 202: LoginWaiting },
  }),
  logout: route({
    method: "DELETE",
    path: "/session",
    summary: "End the session this request is made with",
    access: "session",
    answers: { 204: NoContent },
  }),

  // ------------------------------------------------------------ the user

  user: route({
    method: "GET",
    path: "/user",
    summary: "Who is logged in, and their publishing identities",
    access: "session",
    answers: { 200: UserView },
  }),
  sessions: route({
    method: "GET",
    path: "/user/sessions",
    summary: "The logged-in user's sessions",
    access: "session",
    answers: { 200: SessionList },
  }),
  endSession: route({
    method: "DELETE",
    path: "/user/sessions/:id",
    summary: "End one of the logged-in user's sessions",
    access: "session",
    params: SessionParams,
    answers: { 204: NoContent },
  }),

  // ------------------------------------------------------------ publishing identities

  createIdentity: route({
    method: "POST",
    path: "/publishing-identity",
    summary: "Create a publishing identity, with the caller as its first admin",
    access: "session",
    body: CreateIdentity,
    answers: { 201: IdentityCreated },
  }),
  identity: route({
    method: "GET",
    path: "/publishing-identity/:name",
    summary: "An identity's packages, and its members to its members",
    access: "viewer",
    params: IdentityParams,
    answers: { 200: IdentityView },
  }),
  members: route({
    method: "GET",
    path: "/publishing-identity/:name/members",
    summary: "An identity's members and their roles (members only)",
    access: "viewer",
    params: IdentityParams,
    answers: { 200: MemberList },
  }),
  setMember: route({
    method: "PUT",
    path: "/publishing-identity/:name/members/:email",
    summary: "Add a member to an identity, or change a member's role (admins only)",
    access: "session",
    params: MemberParams,
    body: RoleChange,
    answers: { 200: Member },
  }),
  removeMember: route({
    method: "DELETE",
    path: "/publishing-identity/:name/members/:email",
    summary: "Remove a member from an identity",
    access: "session",
    params: MemberParams,
    answers: { 204: NoContent },
  }),
  auditLog: route({
    method: "GET",
    path: "/publishing-identity/:name/audit",
    summary: "An identity's audit log (admins only)",
    access: "session",
    params: IdentityParams,
    answers: { 200: AuditLog },
  }),

  // ------------------------------------------------------------ API tokens and trusted publishing

  createToken: route({
    method: "POST",
    path: "/tokens",
    summary: "Make an API token: named, scoped to actions and packages, expiring",
    access: "session",
    body: CreateToken,
    answers: { 201: TokenCreated },
  }),
  tokens: route({
    method: "GET",
    path: "/tokens",
    summary: "The logged-in user's API tokens",
    access: "session",
    answers: { 200: TokenList },
  }),
  revokeToken: route({
    method: "DELETE",
    path: "/tokens/:id",
    summary: "Revoke one of the logged-in user's API tokens",
    access: "session",
    params: TokenParams,
    answers: { 204: NoContent },
  }),
  addTrustedPublisher: route({
    method: "POST",
    path: "/publishing-identity/:name/trusted-publishers",
    summary: "Let a CI workflow publish some of an identity's packages (admins only)",
    access: "session",
    params: IdentityParams,
    body: CreateTrustedPublisher,
    answers: { 201: TrustedPublisherView },
  }),
  trustedPublishers: route({
    method: "GET",
    path: "/publishing-identity/:name/trusted-publishers",
    summary: "An identity's trusted publishers (admins only)",
    access: "session",
    params: IdentityParams,
    answers: { 200: TrustedPublisherList },
  }),
  removeTrustedPublisher: route({
    method: "DELETE",
    path: "/publishing-identity/:name/trusted-publishers/:id",
    summary: "Stop trusting a CI workflow (admins only)",
    access: "session",
    params: TrustedPublisherParams,
    answers: { 204: NoContent },
  }),
  publishingAudience: route({
    method: "GET",
    path: "/trusted-publishing/audience",
    summary: "The audience a CI job's ID token must name to be exchanged here",
    access: "anyone",
    answers: { 200: Audience },
  }),
  exchangeIdToken: route({
    method: "POST",
    path: "/trusted-publishing/exchange",
    summary: "Trade a CI job's OIDC ID token for a short-lived publish token",
    access: "anyone",
    body: IdTokenExchange,
    answers: { 201: PublishToken },
  }),

  // ------------------------------------------------------------ packages

  publish: route({
    method: "PUT",
    path: "/packages/:author/:project/:version",
    summary: "Publish a version from the bundle the Gren compiler made",
    description:
      "The body is the bundle alone (`application/gzip`), or the bundle with the package's README (`multipart/form-data`, parts `bundle` and `readme`). The README is kept as sent: UTF-8 Markdown of at most 512 KiB, or the publish is refused as `invalid_bundle`. The number must be one the existing versions allow (the first 1.0.0; a major bump of the highest; a minor bump of the highest of a major line; a patch bump of the highest of a minor line), and the API, compared with the version it bumps, must call for exactly that bump, as the compiler decides; otherwise 400 `invalid_bundle` names each change that decides it and the number the API calls for. With `?history=true` (admins only) a version that exists elsewhere comes in with its own number, marked when its API called for another.",
    access: "token",
    params: VersionParams,
    query: PublishQuery,
    body: {
      contentType: "application/gzip",
      description: "The bundle the Gren compiler made: gzip of its JSON outline and sources.",
      multipart: {
        description: "The bundle and the package's README, side by side.",
        parts: {
          bundle: {
            description: "The bundle the Gren compiler made, byte for byte.",
            required: true,
          },
          readme: {
            description: "The package's README.md: UTF-8 Markdown, at most 512 KiB.",
            required: false,
          },
        },
      },
    },
    answers: { 201: Published },
  }),
  packages: route({
    method: "GET",
    path: "/packages",
    summary: "Packages in name order, optionally those matching a search",
    access: "viewer",
    query: ListingQuery,
    answers: { 200: Listing },
  }),
  package: route({
    method: "GET",
    path: "/packages/:author/:project",
    summary: "A package and every version it ever had",
    access: "viewer",
    params: PackageParams,
    answers: { 200: PackageView },
  }),
  latest: route({
    method: "GET",
    path: "/packages/:author/:project/latest",
    summary: "A package's highest live version, optionally for a compiler version",
    access: "viewer",
    params: PackageParams,
    query: LatestQuery,
    answers: { 200: FoundVersion },
  }),
  index: route({
    method: "GET",
    path: "/packages/:author/:project/index",
    summary: "Every version of a package as a resolver needs it",
    access: "viewer",
    params: PackageParams,
    answers: { 200: PackageIndex, 304: NotModified },
  }),
  downloads: route({
    method: "GET",
    path: "/packages/:author/:project/downloads",
    summary: "How often a package's bundles were downloaded: in all, per day, per version",
    description:
      "Counted from downloads of bundles, in UTC days; nothing about who downloaded is kept. Counts reach the answer within a minute.",
    access: "viewer",
    params: PackageParams,
    answers: { 200: PackageDownloads },
  }),
  dependents: route({
    method: "GET",
    path: "/packages/:author/:project/dependents",
    summary: "The packages whose latest version depends on this one",
    access: "viewer",
    params: PackageParams,
    answers: { 200: Dependents },
  }),
  previous: route({
    method: "GET",
    path: "/packages/:author/:project/previous/:version",
    summary: "A package's highest live version below the one given",
    access: "viewer",
    params: VersionParams,
    answers: { 200: FoundVersion },
  }),
  version: route({
    method: "GET",
    path: "/packages/:author/:project/:version",
    summary: "One version's metadata, revoked or not",
    access: "viewer",
    params: VersionParams,
    answers: { 200: VersionView },
  }),
  bundle: route({
    method: "GET",
    path: "/packages/:author/:project/:version/bundle",
    summary: "A version's bundle, exactly the bytes that were published",
    access: "viewer",
    params: VersionParams,
    answers: {
      200: Type.Unsafe<Uint8Array>({
        description: "The bundle's exact bytes (gzip)",
        content: { "application/gzip": { schema: { type: "string", format: "binary" } } },
      }),
      304: NotModified,
    },
  }),
  changes: route({
    method: "GET",
    path: "/packages/:author/:project/changes/:from/:to",
    summary: "The API changes between two versions, and the bump they call for",
    description:
      "Modules added and removed, and per module each union, alias, value and operator added, changed (old and new) or removed, with the magnitude (`major`, `minor`, `patch`) the compiler calls for. `decidedBy` is `compiler_ranges` when no compiler builds both versions, which the compiler answers with a major version whatever the API.",
    access: "viewer",
    params: ChangesParams,
    answers: { 200: ApiChangesView },
  }),
  check: route({
    method: "POST",
    path: "/packages/:author/:project/check",
    summary: "What publishing a bundle would be told of its number, nothing stored",
    description:
      "200 with the changes since the version it is compared with (its own version when that is published, as `gren package bump` compares; the one its number bumps otherwise; `?since=` to choose) and the version the API calls for; or the 400 a publish would get. For those who may publish the package.",
    access: "token",
    params: PackageParams,
    query: CheckQuery,
    body: {
      contentType: "application/gzip",
      description: "The bundle the Gren compiler made: gzip of its JSON outline and sources.",
    },
    answers: { 200: CheckedBundle },
  }),
  docsJson: route({
    method: "GET",
    path: "/packages/:author/:project/:version/docs.json",
    summary: "A version's API and documentation, as the compiler's docs.json",
    description:
      "The version's documentation as the compiler's `gren docs` writes it, every type fully qualified. The same bytes every time; a revoked version answers 410, like its bundle.",
    access: "viewer",
    params: VersionParams,
    answers: { 200: DocsJson, 304: NotModified },
  }),
  readme: route({
    method: "GET",
    path: "/packages/:author/:project/:version/readme",
    summary: "A version's README, as it was sent beside its bundle",
    description:
      "UTF-8 Markdown, byte for byte as published. 404 when the version came without one; a revoked version answers 410, like its bundle.",
    access: "viewer",
    params: VersionParams,
    answers: {
      200: Type.Unsafe<string>({
        description: "The README (Markdown)",
        content: { "text/markdown": { schema: { type: "string" } } },
      }),
      304: NotModified,
    },
  }),
  revokeVersion: route({
    method: "DELETE",
    path: "/packages/:author/:project/:version",
    summary: "Revoke a version: its number stays, its bundle is deleted",
    access: "token",
    params: VersionParams,
    body: Reason,
    answers: { 200: VersionView },
  }),
  revokePackage: route({
    method: "DELETE",
    path: "/packages/:author/:project",
    summary: "Revoke every version of a package (admins only)",
    access: "token",
    params: PackageParams,
    body: Reason,
    answers: { 200: PackageView },
  }),

  // ------------------------------------------------------------ resolving

  resolve: route({
    method: "POST",
    path: "/resolve",
    summary: "Choose the versions of a project's dependencies",
    access: "viewer",
    body: ResolutionRequest,
    answers: { 200: Resolution },
  }),

  // ------------------------------------------------------------ the feed

  feed: route({
    method: "GET",
    path: "/feed",
    summary: "Publications and revocations of public packages, in order",
    access: "anyone",
    query: FeedQuery,
    answers: { 200: FeedPage },
  }),
  liveFeed: route({
    method: "GET",
    path: "/feed/live",
    summary: "The feed as a WebSocket: the events after `since`, then each new one",
    access: "anyone",
    query: LiveQuery,
    answers: {},
    websocket: true,
  }),
  atomFeed: route({
    method: "GET",
    path: "/feed.atom",
    summary: "New versions of public packages, newest first, as an Atom feed",
    access: "anyone",
    answers: { 200: AtomFeed },
  }),
  packageAtomFeed: route({
    method: "GET",
    path: "/packages/:author/:project/feed.atom",
    summary: "A package's versions, newest first, as an Atom feed",
    access: "viewer",
    params: PackageParams,
    answers: { 200: AtomFeed },
  }),
  webhooks: route({
    method: "GET",
    path: "/feed/webhooks",
    summary: "The state of webhook deliveries (operators only)",
    access: "session",
    answers: { 200: WebhookStatusList },
  }),

  // ------------------------------------------------------------ the transparency log

  logCheckpoint: route({
    method: "GET",
    path: "/log/checkpoint",
    summary: "The transparency log's newest signed tree head",
    description:
      "A c2sp.org/tlog-checkpoint in a c2sp.org/signed-note, signed by the key at /log/key.",
    access: "anyone",
    answers: { 200: SignedNoteText },
  }),
  logKey: route({
    method: "GET",
    path: "/log/key",
    summary: "The verifier key of the log's checkpoints",
    description: "name+hash+base64, as c2sp.org/signed-note writes it.",
    access: "anyone",
    answers: {
      200: Type.Unsafe<string>({
        description: "The verifier key",
        content: { "text/plain": { schema: { type: "string" } } },
      }),
    },
  }),
  logEntries: route({
    method: "GET",
    path: "/log/entries",
    summary: "The log's entries from start up to end, in their canonical bytes",
    access: "anyone",
    query: LogEntriesQuery,
    answers: { 200: LogEntries },
  }),
  inclusionProof: route({
    method: "GET",
    path: "/log/proof/inclusion",
    summary: "A proof that a version's entry, or the entry at an index, is in a tree",
    access: "viewer",
    query: InclusionQuery,
    answers: { 200: InclusionProof },
  }),
  consistencyProof: route({
    method: "GET",
    path: "/log/proof/consistency",
    summary: "A proof that one tree of the log extends another",
    access: "anyone",
    query: ConsistencyQuery,
    answers: { 200: ConsistencyProof },
  }),
} as const;

export type Api = typeof API;
