import { type Static, Type } from "typebox";

export const EVENT_TYPES = ["published", "revoked"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

const Seq = Type.String({ pattern: "^[0-9]{1,15}$" });
export const FeedQuery = Type.Object({ since: Type.Optional(Seq), limit: Type.Optional(Seq) });
export const LiveQuery = Type.Object({ since: Type.Optional(Seq) });

/** A change, as the feed, the live stream and webhooks tell it. */
export const FeedEvent = Type.Object({
  seq: Type.Integer(),
  type: Type.Enum(EVENT_TYPES),
  name: Type.String(),
  version: Type.String(),
  at: Type.String(),
});
export type FeedEvent = Static<typeof FeedEvent>;

export const FeedPage = Type.Object({ events: Type.Array(FeedEvent), next: Type.Integer() });
export type FeedPage = Static<typeof FeedPage>;

export const WebhookStatus = Type.Object({
  url: Type.String(),
  delivered: Type.Integer(),
  pending: Type.Integer(),
  /** Pending deliveries that have failed at least once. */
  failing: Type.Integer(),
  gaveUp: Type.Integer(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  nextAttemptAt: Type.Union([Type.String(), Type.Null()]),
});
export type WebhookStatus = Static<typeof WebhookStatus>;

export const WebhookStatusList = Type.Object({ webhooks: Type.Array(WebhookStatus) });
export type WebhookStatusList = Static<typeof WebhookStatusList>;
