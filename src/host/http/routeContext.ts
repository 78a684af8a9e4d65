import type { Ports } from "../../ports/index.ts";
import type { Config } from "../config.ts";
import type { LiveFeed } from "../feed/liveFeed.ts";

/** What every route file is given: the settings, the core's ports, and the live feed. */
export interface RouteContext {
  config: Config;
  ports: Ports;
  live: LiveFeed;
}
