import type { AddressRanges } from "../../ports/addressRanges.ts";
import type { IdTokenVerifier } from "../../ports/idTokens.ts";
import type { Ports } from "../../ports/index.ts";
import type { Config } from "../config.ts";
import type { DownloadCounter } from "../downloadCounter.ts";
import type { LiveFeed } from "../feed/liveFeed.ts";
import type { Checkpoints } from "../transparencyLog/checkpoints.ts";
import type { Authenticator } from "./auth.ts";
import type { LoginWaiters } from "./loginWaiters.ts";
import type { PublicAnswers } from "./publicAnswers.ts";

/** What every route file is given: the settings, the core's ports, who asks, the live feed. */
export interface RouteContext {
  config: Config;
  ports: Ports;
  auth: Authenticator;
  live: LiveFeed;
  /** Clients waiting for a login to be confirmed by the emailed link. */
  logins: LoginWaiters;
  /** Answers to anonymous reads of packages, kept until the next change. */
  publicAnswers: PublicAnswers;
  /** Verifies CI jobs' ID tokens for trusted publishing. */
  idTokens: IdTokenVerifier;
  /** Client address ranges, as API tokens may be limited to. */
  addressRanges: AddressRanges;
  /** The transparency log's signed checkpoints, and whether the database is behind them. */
  checkpoints: Checkpoints;
  /** Counts the bundles served, and writes the counts in batches. */
  downloads: DownloadCounter;
}
