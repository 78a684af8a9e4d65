import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { CliError } from "./cliError.ts";

export interface Session {
  /** Unknown for a token given in GREN_REGISTRY_TOKEN. */
  email: string | undefined;
  /** A session token, or an API token given in GREN_REGISTRY_TOKEN. */
  sessionToken: string;
}

/** A session token or API token given in the environment, for CI: it comes before the token file. */
export const TOKEN_VARIABLE = "GREN_REGISTRY_TOKEN";

export interface PendingLogin {
  email: string;
  fetchSessionToken: string;
  /** When the fetch token stops working, in milliseconds since the epoch. */
  expiresAt: number;
}

/** `$HOME/.gren/user`: the session token for each registry, readable only by its owner. */
interface CredentialsFile {
  registries: Record<string, Session>;
  pendingLogins: Record<string, PendingLogin>;
}

export const credentialsPath = (): string => join(homedir(), ".gren", "user");

function read(): CredentialsFile {
  let text: string;
  try {
    text = readFileSync(credentialsPath(), "utf8");
  } catch {
    return { registries: {}, pendingLogins: {} };
  }
  try {
    const file = JSON.parse(text) as Partial<CredentialsFile>;
    return { registries: file.registries ?? {}, pendingLogins: file.pendingLogins ?? {} };
  } catch {
    throw new CliError(`${credentialsPath()} is not valid JSON; delete it and log in again`);
  }
}

function write(file: CredentialsFile): void {
  const path = credentialsPath();
  mkdirSync(join(homedir(), ".gren"), { recursive: true, mode: 0o700 });
  // Written beside the real file and renamed over it, so a crash never leaves half a file,
  // and created with mode 0600 so the token is never readable by others, not even briefly.
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

export function sessionFor(registry: string): Session | undefined {
  const given = process.env[TOKEN_VARIABLE]?.trim();
  if (given) return { email: undefined, sessionToken: given };
  return read().registries[registry];
}

export function saveSession(registry: string, session: Session): void {
  const file = read();
  file.registries[registry] = session;
  delete file.pendingLogins[registry];
  write(file);
}

export function forgetSession(registry: string): void {
  const file = read();
  delete file.registries[registry];
  write(file);
}

export function pendingLoginFor(registry: string, now: number): PendingLogin | undefined {
  const pending = read().pendingLogins[registry];
  return pending && pending.expiresAt > now ? pending : undefined;
}

export function savePendingLogin(registry: string, pending: PendingLogin): void {
  const file = read();
  file.pendingLogins[registry] = pending;
  write(file);
}
