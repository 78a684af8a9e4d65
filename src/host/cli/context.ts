import type { RegistryClient } from "./client.ts";
import { type Session, sessionFor } from "./credentials.ts";
import { CliFailure } from "./failure.ts";

export interface Context {
  client: RegistryClient;
}

export function requireSession(client: RegistryClient): Session {
  const session = sessionFor(client.url);
  if (!session)
    throw new CliFailure(`you are not logged in to ${client.url}; run \`gren-registry login\``);
  return session;
}
