import { API } from "../wire/routes.ts";
import { CliError, EXIT } from "./cliError.ts";
import { type RegistryClient, RegistryError } from "./client.ts";
import { requireSession } from "./context.ts";
import { TOKEN_VARIABLE } from "./credentials.ts";

// Publishing from GitHub Actions without a stored secret: a job given
// `permissions: id-token: write` can ask GitHub for an ID token, which the
// registry trades for a publish token of half an hour when a trusted
// publisher of the package's identity names this repository and workflow.

/** What GitHub Actions sets in a job allowed to ask for ID tokens. */
const REQUEST_URL = "ACTIONS_ID_TOKEN_REQUEST_URL";
const REQUEST_TOKEN = "ACTIONS_ID_TOKEN_REQUEST_TOKEN";
const GITHUB_TIMEOUT_MS = 30_000;

/** Whether this is a GitHub Actions job that may ask for an ID token. */
export const inGithubActions = (): boolean =>
  Boolean(process.env[REQUEST_URL] && process.env[REQUEST_TOKEN]);

/** Asks GitHub for the job's ID token, for the audience the registry names. */
async function githubIdToken(audience: string): Promise<string> {
  const url = new URL(process.env[REQUEST_URL]!);
  url.searchParams.set("audience", audience);
  let response: Response;
  try {
    response = await fetch(url, {
      headers: {
        authorization: `Bearer ${process.env[REQUEST_TOKEN]}`,
        accept: "application/json; api-version=2.0",
      },
      signal: AbortSignal.timeout(GITHUB_TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new CliError(
      `cannot ask GitHub Actions for an ID token (${cause ?? (error as Error).message})`,
      EXIT.unavailable,
    );
  }
  const text = await response.text();
  let value: unknown;
  try {
    value = (JSON.parse(text) as { value?: unknown }).value;
  } catch {
    value = undefined;
  }
  if (!response.ok || typeof value !== "string") {
    throw new CliError(
      `GitHub Actions gave no ID token (it answered ${response.status}); the job needs \`permissions: id-token: write\``,
      EXIT.denied,
    );
  }
  return value;
}

/** Trades this job's ID token for a publish token at the registry. */
async function exchangeForPublishToken(client: RegistryClient): Promise<string> {
  const { audience } = await client.call(API.publishingAudience, {});
  const idToken = await githubIdToken(audience);
  try {
    const exchanged = await client.call(API.exchangeIdToken, { body: { token: idToken } });
    return exchanged.token;
  } catch (error) {
    if (error instanceof RegistryError && error.status === 401) {
      throw new CliError(
        `the registry did not accept this job as a trusted publisher: ${error.message}`,
        EXIT.denied,
      );
    }
    throw error;
  }
}

/**
 * The token to publish with: a session or API token when one is configured
 * (GREN_REGISTRY_TOKEN, or a login), else, inside GitHub Actions, a publish
 * token exchanged for the job's ID token.
 */
export async function publishingToken(client: RegistryClient): Promise<string> {
  const configured = requireSession(client, { optional: true });
  if (configured) return configured.sessionToken;
  if (inGithubActions()) return exchangeForPublishToken(client);
  throw new CliError(
    `you are not logged in to ${client.url}; run \`gren-registry login\`, give a session or API token in ${TOKEN_VARIABLE}, or publish from a GitHub Actions job with \`permissions: id-token: write\` for a trusted publisher`,
    EXIT.denied,
  );
}
