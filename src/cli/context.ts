import { CliError, EXIT } from "./cliError.ts";
import { DEFAULT_REGISTRY, type RegistryClient } from "./client.ts";
import { type Session, sessionFor } from "./credentials.ts";
import type { LogWitness } from "./transparencyLog.ts";

export interface Context {
  client: RegistryClient;
  /** What this machine knows of the registry's transparency log, to check downloads against. */
  witness: LogWitness;
  /** The log key given with --log-key, if one was: a witness of a mirror's copy of the log needs it too. */
  logKey: string | undefined;
}

export function requireSession(client: RegistryClient): Session;
export function requireSession(
  client: RegistryClient,
  options: { optional: true },
): Session | undefined;
export function requireSession(
  client: RegistryClient,
  options?: { optional: true },
): Session | undefined {
  const session = sessionFor(client.url);
  if (!session && !options?.optional) {
    throw new CliError(
      `you are not logged in to ${client.url}; run \`${commandLine(client, "login")}\`, or give a session token or API token in GREN_REGISTRY_TOKEN`,
      EXIT.denied,
    );
  }
  return session;
}

/**
 * A command to suggest, written so that it works as it stands: it names the
 * registry unless that is the default one.
 */
export const commandLine = (client: RegistryClient, command: string): string =>
  client.url === DEFAULT_REGISTRY
    ? `gren-registry ${command}`
    : `gren-registry --registry ${client.url} ${command}`;
