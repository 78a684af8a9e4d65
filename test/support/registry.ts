import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openRegistry } from "../../src/host/compositionRoot.ts";
import { type Config, loadConfig } from "../../src/host/config.ts";
import type { Clock } from "../../src/ports/clock.ts";

/** A clock the test moves by hand. */
export class TestClock implements Clock {
  #now = Date.UTC(2026, 10, 24, 12, 0, 0);
  now(): number {
    return this.#now;
  }
  advance(millis: number): void {
    this.#now += millis;
  }
}

export interface TestRegistry {
  url: string;
  dir: string;
  dbPath: string;
  outbox: string;
  config: Config;
  clock: TestClock;
  close(): Promise<void>;
}

export const temporaryDir = (prefix = "registry-test-"): string =>
  mkdtempSync(join(tmpdir(), prefix));

/** Starts the real server on a fresh SQLite file, listening on a loopback port. */
export async function startRegistry(
  env: Record<string, string> = {},
  options: {
    dir?: string;
    logStream?: NodeJS.WritableStream;
    systemClock?: boolean;
    /** A port of its own, to start a registry again where clients expect it. */
    port?: number;
  } = {},
): Promise<TestRegistry> {
  const dir = options.dir ?? temporaryDir();
  const dbPath = join(dir, "registry.db");
  const outbox = join(dir, "outbox.jsonl");
  const loaded = loadConfig({
    REGISTRY_DB_PATH: dbPath,
    REGISTRY_MAIL_OUTBOX: outbox,
    REGISTRY_HOST: "127.0.0.1",
    REGISTRY_PORT: "0",
    // gren-lang is reserved, as in production; tests create it as this operator.
    REGISTRY_OPERATOR_EMAILS: "operator@example.com",
    ...env,
  });
  if (!loaded.ok) throw new Error(loaded.error.join("\n"));
  const clock = new TestClock();
  const { app } = openRegistry({
    config: loaded.value,
    ...(options.systemClock ? {} : { clock }),
    print: () => {},
    logger: options.logStream ? { level: "info", stream: options.logStream } : false,
  });
  await app.listen({ host: "127.0.0.1", port: options.port ?? 0 });
  const address = app.server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    dir,
    dbPath,
    outbox,
    config: loaded.value,
    clock,
    close: async () => {
      await app.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface SentMail {
  to: string;
  subject: string;
  textBody: string;
}

export function sentMail(outbox: string): SentMail[] {
  let text: string;
  try {
    text = readFileSync(outbox, "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as SentMail);
}

/** The code in the newest login mail to `email`. */
export function latestCode(outbox: string, email: string): string {
  const mail = sentMail(outbox)
    .filter((m) => m.to === email)
    .at(-1);
  const code = mail && /^Your confirmation code is: (\S+)$/m.exec(mail.textBody)?.[1];
  if (!code) throw new Error(`no login code was mailed to ${email}`);
  return code;
}

/** An answer whose body is either `T` or the contract's error body. */
export interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T & { code?: string; message?: string; problems?: string[] };
}

/** One JSON request over real HTTP. */
export async function call<T = Record<string, unknown>>(
  registry: { url: string },
  method: string,
  path: string,
  options: {
    json?: unknown;
    token?: string | undefined;
    headers?: Record<string, string>;
    body?: string | Uint8Array | FormData;
  } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body = options.body;
  if (options.json !== undefined) {
    headers["content-type"] ??= "application/json";
    body = JSON.stringify(options.json);
  }
  const response = await fetch(registry.url + path, {
    method,
    headers,
    body: (body ?? null) as BodyInit | null,
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text === "" ? undefined : JSON.parse(text)) as Answer<T>["body"],
  };
}

/** Logs in through the API as a user would, returning the session token. */
export async function login(
  registry: Pick<TestRegistry, "url" | "outbox">,
  email: string,
): Promise<string> {
  const started = await call<{ fetchSessionToken: string }>(registry, "POST", "/session", {
    json: { email },
  });
  if (started.status !== 200) throw new Error(`POST /session: ${JSON.stringify(started.body)}`);
  const fetched = await call<{ sessionToken: string }>(registry, "POST", "/session/fetch", {
    json: {
      fetchSessionToken: started.body.fetchSessionToken,
      emailConfirmationCode: latestCode(registry.outbox, email.trim().toLowerCase()),
    },
  });
  if (fetched.status !== 200)
    throw new Error(`POST /session/fetch: ${JSON.stringify(fetched.body)}`);
  return fetched.body.sessionToken;
}

/** A browser's form token and the cookie that holds it, as a page of the site gives them. */
export interface FormSession {
  cookie: string;
  token: string;
}

/** Opens a page with a form, as a browser does, for the form token it carries. */
export async function formSession(
  registry: { url: string },
  path = "/login",
): Promise<FormSession> {
  const page = await fetch(registry.url + path, { headers: { accept: "text/html" } });
  const cookie = page.headers
    .getSetCookie()
    .map((header) => header.split(";")[0]!)
    .find((pair) => pair.startsWith("gren_form="));
  const token = /name="form_token" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!cookie || !token) throw new Error(`${path} gave no form token`);
  return { cookie, token };
}

/** Sends a form of the site as a browser on its page would: same origin, token and cookie. */
export async function postForm(
  registry: { url: string },
  path: string,
  fields: Record<string, string>,
  session?: FormSession,
): Promise<Response> {
  const { cookie, token } = session ?? (await formSession(registry));
  return fetch(registry.url + path, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      accept: "text/html",
      origin: new URL(registry.url).origin,
      cookie,
    },
    body: new URLSearchParams({ ...fields, form_token: token }),
    redirect: "manual",
  });
}
