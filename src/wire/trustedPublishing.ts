import { type Static, Type } from "typebox";
import { PackagePattern } from "./tokens.ts";

/** The CI services whose workflows can be trusted publishers. */
export const PROVIDERS = ["github", "gitlab"] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export const TrustedPublisherParams = Type.Object({
  name: Type.String({ maxLength: 255 }),
  id: Type.String({ maxLength: 100 }),
});

/** Each field is checked by the registry, which says what is wrong with it. */
export const CreateTrustedPublisher = Type.Object({
  provider: Type.String({ maxLength: 50, description: "github or gitlab" }),
  repository: Type.String({
    maxLength: 300,
    description: "owner/name on GitHub; the project's full path on GitLab",
  }),
  workflow: Type.String({
    maxLength: 300,
    description:
      "the workflow file: its name in .github/workflows/ on GitHub (release.yml), the CI configuration's path on GitLab (.gitlab-ci.yml)",
  }),
  environment: Type.Optional(
    Type.String({ maxLength: 255, description: "the deployment environment the job must run in" }),
  ),
  packages: Type.Array(PackagePattern, { maxItems: 100 }),
});
export type CreateTrustedPublisher = Static<typeof CreateTrustedPublisher>;

export const TrustedPublisherView = Type.Object({
  id: Type.String(),
  provider: Type.Enum(PROVIDERS),
  repository: Type.String(),
  workflow: Type.String(),
  environment: Type.Union([Type.String(), Type.Null()]),
  packages: Type.Array(Type.String()),
  createdAt: Type.String(),
  /** The admin who added it. */
  createdBy: Type.String(),
});
export type TrustedPublisherView = Static<typeof TrustedPublisherView>;

export const TrustedPublisherList = Type.Object({
  trustedPublishers: Type.Array(TrustedPublisherView),
});
export type TrustedPublisherList = Static<typeof TrustedPublisherList>;

export const IdTokenExchange = Type.Object({
  token: Type.String({ maxLength: 16_384, description: "the workflow's OIDC ID token" }),
});
export type IdTokenExchange = Static<typeof IdTokenExchange>;

export const PublishToken = Type.Object({
  token: Type.String({
    description: "an API token that may publish the trusted publisher's packages",
  }),
  expiresAt: Type.String(),
});
export type PublishToken = Static<typeof PublishToken>;

/** What a workflow asks its provider to put in the ID token's `aud`. */
export const Audience = Type.Object({ audience: Type.String() });
export type Audience = Static<typeof Audience>;
