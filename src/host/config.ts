import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Static, Type } from "typebox";
import { Value } from "typebox/value";
import { CI_PROVIDERS, providerNamed } from "../core/ciProviders.ts";
import { parseSignerKey } from "../log/note.ts";
import { err, ok, type Result } from "../result.ts";

// The server's configuration: environment variables, described by one schema
// that converts, defaults and checks them. Each variable says what it must be,
// so a bad value stops the server with a sentence naming the variable.

export type MailConfig =
  | { kind: "console"; outbox: string | undefined }
  | { kind: "postmark"; serverToken: string; from: string; apiUrl: string | undefined };

/** Where the static mirror of the public packages is kept, and how to reach it. */
export type MirrorConfig =
  | { kind: "directory"; path: string }
  | {
      kind: "s3";
      bucket: string;
      /** The folder in the bucket, without slashes at either end; empty for the bucket's root. */
      prefix: string;
      endpoint: string | undefined;
      region: string;
      /** Without them, the AWS SDK's own search: `AWS_*` variables, profiles, instance roles. */
      credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
      /** Buckets addressed as `endpoint/bucket/key` rather than `bucket.endpoint/key`. */
      pathStyle: boolean;
    };

export const DEFAULT_DB_PATH = "./db/registry.db";
const MIB = 1024 * 1024;
const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

// Each variable's description is the rule a person reads when its value breaks it.
const whole = (min: number, max: number, fallback?: number) =>
  Type.Integer({
    minimum: min,
    maximum: max,
    description: `a whole number from ${min} to ${max}`,
    ...(fallback === undefined ? {} : { default: fallback }),
  });
const text = (fallback?: string) =>
  Type.String({ description: "text", ...(fallback === undefined ? {} : { default: fallback }) });
const httpUrl = Type.String({ pattern: "^https?://[^\\s]+$", description: "an http or https URL" });
/** Items separated by spaces or commas. */
const list = (fallback: string) => Type.String({ default: fallback, description: "a list" });

const Environment = Type.Object({
  REGISTRY_DB_PATH: text(DEFAULT_DB_PATH),
  REGISTRY_HOST: text("localhost"),
  REGISTRY_PORT: whole(0, 65535, 3000),
  REGISTRY_PUBLIC_URL: Type.Optional(httpUrl),
  POSTMARK_SERVER_TOKEN: Type.Optional(text()),
  POSTMARK_API_URL: Type.Optional(httpUrl),
  REGISTRY_MAIL_FROM: Type.Optional(text()),
  REGISTRY_MAIL_OUTBOX: Type.Optional(text()),
  REGISTRY_MAX_BUNDLE_BYTES: whole(1024, 1024 * MIB, 10 * MIB),
  REGISTRY_MAX_UNPACKED_BYTES: Type.Optional(whole(1024, 4096 * MIB)),
  REGISTRY_BUNDLE_READERS: Type.Optional(whole(1, 256)),
  REGISTRY_BUNDLE_READ_TIMEOUT_MS: whole(10, 600_000, 10_000),
  // A reader's heap limit also sets how much garbage it lets pile up before it
  // collects. 256 MB reads the largest bundle the default unpacked limit lets
  // in (64 MB of text) with room to spare, and keeps an idle reader small.
  REGISTRY_BUNDLE_READER_MEMORY_MB: whole(64, 65_536, 256),
  REGISTRY_RESOLVE_TIMEOUT_MS: whole(10, 600_000, 2000),
  REGISTRY_SEARCH_TIMEOUT_MS: whole(10, 600_000, 1000),
  REGISTRY_KERNEL_IDENTITIES: list("gren-lang"),
  REGISTRY_WEBHOOK_URLS: list(""),
  REGISTRY_WEBHOOK_SECRET: Type.Optional(text()),
  REGISTRY_WEBHOOK_RETRY_MS: whole(10, 3_600_000, 5000),
  REGISTRY_OPERATOR_IDENTITY: text("gren-lang"),
  REGISTRY_LIVE_PING_MS: whole(10, 3_600_000, 30_000),
  REGISTRY_RESERVED_IDENTITIES: list("gren-lang"),
  REGISTRY_OPERATOR_EMAILS: list(""),
  REGISTRY_SESSION_IDLE_DAYS: whole(1, 3650, 90),
  REGISTRY_LOGIN_WAIT_SECONDS: whole(1, 120, 25),
  REGISTRY_SESSION_LIFETIME_DAYS: whole(1, 3650, 365),
  REGISTRY_UPLOAD_TIMEOUT_SECONDS: whole(1, 3600, 60),
  REGISTRY_UPLOAD_MIN_BYTES_PER_SECOND: whole(0, 1024 * MIB, 8 * 1024),
  REGISTRY_SEND_TIMEOUT_SECONDS: whole(1, 3600, 30),
  REGISTRY_UPLOADS_IN_FLIGHT: whole(1, 10_000, 16),
  REGISTRY_UPLOADS_PER_USER: whole(1, 10_000, 2),
  REGISTRY_OIDC_ISSUERS: list(CI_PROVIDERS[0]!.issuer),
  REGISTRY_TRUST_PROXY: Type.Boolean({ default: false, description: '"true" or "false"' }),
  REGISTRY_LOG_SIGNING_KEY: Type.Optional(
    Type.String({ description: "a signed-note signer key, PRIVATE+KEY+name+hash+key" }),
  ),
  REGISTRY_LOG_KEY_FILE: Type.Optional(text()),
  REGISTRY_MIRROR: Type.Optional(
    Type.String({
      pattern: "^(file:///|s3://)[^\\s]+$",
      description: "a file:///path or s3://bucket/prefix URL",
    }),
  ),
  REGISTRY_MIRROR_RETRY_MS: whole(10, 3_600_000, 1000),
  REGISTRY_DOWNLOAD_COUNT_MS: whole(10, 3_600_000, 30_000),
  REGISTRY_MIRROR_S3_ENDPOINT: Type.Optional(httpUrl),
  REGISTRY_MIRROR_S3_REGION: Type.Optional(text()),
  REGISTRY_MIRROR_S3_ACCESS_KEY_ID: Type.Optional(text()),
  REGISTRY_MIRROR_S3_SECRET_ACCESS_KEY: Type.Optional(text()),
  REGISTRY_MIRROR_S3_PATH_STYLE: Type.Optional(Type.Boolean({ description: '"true" or "false"' })),
  // The AWS SDK's own variables, which the mirror's settings fall back on.
  AWS_ENDPOINT_URL_S3: Type.Optional(text()),
  AWS_ENDPOINT_URL: Type.Optional(text()),
  AWS_REGION: Type.Optional(text()),
  AWS_DEFAULT_REGION: Type.Optional(text()),
  REGISTRY_LOG_LEVEL: Type.Enum(LOG_LEVELS, {
    default: "info",
    description: `one of ${LOG_LEVELS.join(", ")}`,
  }),
});
type Environment = Static<typeof Environment>;

export interface Config {
  dbPath: string;
  host: string;
  port: number;
  /** Where people reach the registry: the links in login mail point there. */
  publicUrl: string;
  mail: MailConfig;
  /** Largest bundle upload accepted, compressed. */
  maxBundleBytes: number;
  /** Largest a bundle may grow to when decompressed. */
  maxUnpackedBytes: number;
  /** Identities allowed to publish kernel (JavaScript) modules. */
  kernelIdentities: string[];
  /** The worker threads that read uploaded bundles. */
  bundleReaders: { threads: number | undefined; timeoutMs: number; memoryMb: number };
  /** How long one resolution's search may run before it is answered as too tangled. */
  resolveTimeoutMs: number;
  /** How long one search of the catalogue may run before it is refused. */
  searchTimeoutMs: number;
  webhookUrls: string[];
  webhookSecret: string | undefined;
  /** Delay before a failed webhook delivery is first retried; later retries back off from it. */
  webhookRetryMs: number;
  /** Admins of this identity may see the registry's operational state (webhook deliveries). */
  operatorIdentity: string;
  /** How often live feed clients are pinged; silent ones are dropped. */
  livePingMs: number;
  /** Identity names only operators may create (look-alikes of them included). */
  reservedIdentities: string[];
  /** The addresses of the registry's operators. */
  operatorEmails: string[];
  sessions: { idleMs: number; lifetimeMs: number };
  /** How long a client asking for its session without a code waits for the link, each time. */
  loginWaitMs: number;
  uploads: UploadLimits;
  /** An answer the client takes nothing of for this long is cut, its connection closed. */
  sendTimeoutMs: number;
  /** The OIDC issuers whose CI jobs may exchange ID tokens, each as one CI provider. */
  oidcIssuers: { issuer: string; provider: string }[];
  /** Whether to believe X-Forwarded-For (only behind a reverse proxy). */
  trustProxy: boolean;
  logLevel: string;
  /** The static mirror, when the registry keeps one. */
  mirror: MirrorConfig | undefined;
  /** Delay before a mirror file that failed to be written is first tried again; later retries back off from it. */
  mirrorRetryMs: number;
  /** How long downloads are counted in memory before they are written, in one transaction. */
  downloadCountMs: number;
  transparencyLog: TransparencyLogConfig;
}

/** Where the transparency log's signing key comes from, and where its last checkpoint is kept. */
export interface TransparencyLogConfig {
  /** The signer key given in the environment, for production; otherwise the key file's. */
  signingKey: string | undefined;
  /** Read, or made on first start when no key is given: beside the database unless told otherwise. */
  keyFile: string;
  /** The newest checkpoint signed, kept beside the key so that a restored database cannot lose it. */
  checkpointFile: string;
  /** The name a new key is given: the host of the public URL. */
  origin: string;
}

export interface UploadLimits {
  /** The longest a bundle upload may take to arrive, whatever its size. */
  timeoutMs: number;
  /** Slower than this, counted after the first few seconds, an upload is cut. */
  minBytesPerSecond: number;
  /** Uploads being received at once, in all and from one user. */
  inFlight: number;
  perUser: number;
}

type Env = Record<string, string | undefined>;
const DAY = 24 * 60 * 60 * 1000;

/** Reads the configuration, listing every bad value rather than stopping at the first. */
export function loadConfig(env: Env): Result<Config, string[]> {
  const given: Record<string, string> = {};
  for (const name of Object.keys(Environment.properties)) {
    const value = env[name]?.trim();
    if (value) given[name] = value;
  }
  const parsed = Value.Default(Environment, Value.Convert(Environment, { ...given }));
  const problems = [...Value.Errors(Environment, parsed)].map((error) => {
    const name = error.instancePath.slice(1);
    const schema = Environment.properties[name as keyof Environment];
    const rule = (schema as { description?: string } | undefined)?.description;
    return `${name} must be ${rule ?? error.message}, not "${given[name]}".`;
  });
  if (problems.length > 0) return err([...new Set(problems)]);
  const values = parsed as Environment;
  const checked = crossChecks(values);
  return checked.length > 0 ? err(checked) : ok(configFrom(values));
}

/** Rules between variables, which a schema of each variable alone cannot say. */
function crossChecks(env: Environment): string[] {
  const problems: string[] = [];
  if (env.POSTMARK_SERVER_TOKEN && !env.REGISTRY_MAIL_FROM) {
    problems.push(
      "REGISTRY_MAIL_FROM must name the sender address when POSTMARK_SERVER_TOKEN is set.",
    );
  }
  const urls = items(env.REGISTRY_WEBHOOK_URLS);
  for (const url of urls.filter((url) => !isHttpUrl(url))) {
    problems.push(`REGISTRY_WEBHOOK_URLS must hold http or https URLs; "${url}" is not one.`);
  }
  const signingKey = env.REGISTRY_LOG_SIGNING_KEY && parseSignerKey(env.REGISTRY_LOG_SIGNING_KEY);
  if (signingKey && !signingKey.ok) {
    problems.push(
      `REGISTRY_LOG_SIGNING_KEY must be a signed-note signer key (PRIVATE+KEY+name+hash+key): ${signingKey.error}.`,
    );
  }
  if (urls.length > 0 && !env.REGISTRY_WEBHOOK_SECRET) {
    problems.push(
      "REGISTRY_WEBHOOK_SECRET must be set when REGISTRY_WEBHOOK_URLS is, to sign deliveries.",
    );
  }
  if (env.REGISTRY_MIRROR !== undefined && mirrorLocation(env.REGISTRY_MIRROR) === undefined) {
    problems.push(
      `REGISTRY_MIRROR must be file:/// and an absolute path, or s3:// and a bucket, then a folder if any; "${env.REGISTRY_MIRROR}" is neither.`,
    );
  }
  if (mirrorLocation(env.REGISTRY_MIRROR ?? "")?.kind === "s3") {
    const endpoint = s3Endpoint(env);
    if (endpoint !== undefined && !isHttpUrl(endpoint)) {
      problems.push(
        `The S3 endpoint of the mirror must be an http or https URL; "${endpoint}" is not one.`,
      );
    }
    if (!env.REGISTRY_MIRROR_S3_ACCESS_KEY_ID !== !env.REGISTRY_MIRROR_S3_SECRET_ACCESS_KEY) {
      problems.push(
        "REGISTRY_MIRROR_S3_ACCESS_KEY_ID and REGISTRY_MIRROR_S3_SECRET_ACCESS_KEY must be set together, or neither.",
      );
    }
  }
  for (const item of items(env.REGISTRY_OIDC_ISSUERS)) {
    const issuer = oidcIssuer(item);
    if (typeof issuer === "string") problems.push(issuer);
  }
  return problems;
}

type MirrorLocation =
  | { kind: "directory"; path: string }
  | { kind: "s3"; bucket: string; prefix: string };

/** `file:///srv/mirror`, or `s3://bucket` with a folder in it if any. */
function mirrorLocation(text: string): MirrorLocation | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.search !== "" || url.hash !== "") return undefined;
  if (url.protocol === "file:") {
    if (url.host !== "") return undefined;
    const path = fileURLToPath(url).replace(/\/+$/, "");
    return path === "" ? undefined : { kind: "directory", path };
  }
  if (url.protocol === "s3:" && /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(url.hostname)) {
    return {
      kind: "s3",
      bucket: url.hostname,
      prefix: decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, ""),
    };
  }
  return undefined;
}

const s3Endpoint = (env: Environment): string | undefined =>
  env.REGISTRY_MIRROR_S3_ENDPOINT ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;

function mirrorConfig(env: Environment): MirrorConfig | undefined {
  const location = env.REGISTRY_MIRROR && mirrorLocation(env.REGISTRY_MIRROR);
  if (!location || location.kind === "directory") return location || undefined;
  const endpoint = s3Endpoint(env);
  const accessKeyId = env.REGISTRY_MIRROR_S3_ACCESS_KEY_ID;
  const secretAccessKey = env.REGISTRY_MIRROR_S3_SECRET_ACCESS_KEY;
  return {
    ...location,
    endpoint,
    // Any region reaches an Amazon bucket, by its redirect; other services take any.
    region:
      env.REGISTRY_MIRROR_S3_REGION ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1",
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
    // Services other than Amazon's (MinIO above all) mostly want the bucket in the path.
    pathStyle: env.REGISTRY_MIRROR_S3_PATH_STYLE ?? endpoint !== undefined,
  };
}

/**
 * An item of REGISTRY_OIDC_ISSUERS: a provider's own issuer URL, or
 * `provider=URL` for one elsewhere (GitHub Enterprise Server, a GitLab of
 * one's own). A sentence saying what is wrong when it is neither.
 */
function oidcIssuer(item: string): { issuer: string; provider: string } | string {
  const equals = item.indexOf("=");
  const named = equals > 0 ? item.slice(0, equals) : undefined;
  const issuer = equals > 0 ? item.slice(equals + 1) : item;
  const known = CI_PROVIDERS.map((provider) => provider.name).join(", ");
  if (!/^https:\/\/[^\s/]+(\/[^\s]*)?$/.test(issuer) || !isHttpUrl(issuer)) {
    return `REGISTRY_OIDC_ISSUERS must hold https URLs of issuers; "${issuer}" is not one.`;
  }
  if (named !== undefined) {
    return providerNamed(named)
      ? { issuer, provider: named }
      : `REGISTRY_OIDC_ISSUERS names the provider "${named}", which is none of ${known}.`;
  }
  const provider = CI_PROVIDERS.find((p) => p.issuer === issuer);
  return provider
    ? { issuer, provider: provider.name }
    : `REGISTRY_OIDC_ISSUERS: say which provider "${issuer}" is, as PROVIDER=${issuer} (one of ${known}).`;
}

function configFrom(env: Environment): Config {
  const publicUrl = (
    env.REGISTRY_PUBLIC_URL ?? `http://${env.REGISTRY_HOST}:${env.REGISTRY_PORT}`
  ).replace(/\/+$/, "");
  const keyFile =
    env.REGISTRY_LOG_KEY_FILE ?? join(dirname(env.REGISTRY_DB_PATH), "transparency-log.key");
  return {
    dbPath: env.REGISTRY_DB_PATH,
    host: env.REGISTRY_HOST,
    port: env.REGISTRY_PORT,
    publicUrl,
    mail: env.POSTMARK_SERVER_TOKEN
      ? {
          kind: "postmark",
          serverToken: env.POSTMARK_SERVER_TOKEN,
          from: env.REGISTRY_MAIL_FROM ?? "",
          apiUrl: env.POSTMARK_API_URL,
        }
      : { kind: "console", outbox: env.REGISTRY_MAIL_OUTBOX },
    maxBundleBytes: env.REGISTRY_MAX_BUNDLE_BYTES,
    maxUnpackedBytes:
      env.REGISTRY_MAX_UNPACKED_BYTES ?? Math.max(64 * MIB, env.REGISTRY_MAX_BUNDLE_BYTES * 4),
    kernelIdentities: items(env.REGISTRY_KERNEL_IDENTITIES),
    bundleReaders: {
      threads: env.REGISTRY_BUNDLE_READERS,
      timeoutMs: env.REGISTRY_BUNDLE_READ_TIMEOUT_MS,
      memoryMb: env.REGISTRY_BUNDLE_READER_MEMORY_MB,
    },
    resolveTimeoutMs: env.REGISTRY_RESOLVE_TIMEOUT_MS,
    searchTimeoutMs: env.REGISTRY_SEARCH_TIMEOUT_MS,
    webhookUrls: items(env.REGISTRY_WEBHOOK_URLS),
    webhookSecret: env.REGISTRY_WEBHOOK_SECRET,
    webhookRetryMs: env.REGISTRY_WEBHOOK_RETRY_MS,
    operatorIdentity: env.REGISTRY_OPERATOR_IDENTITY,
    livePingMs: env.REGISTRY_LIVE_PING_MS,
    reservedIdentities: items(env.REGISTRY_RESERVED_IDENTITIES),
    operatorEmails: items(env.REGISTRY_OPERATOR_EMAILS).map((email) => email.toLowerCase()),
    sessions: {
      idleMs: env.REGISTRY_SESSION_IDLE_DAYS * DAY,
      lifetimeMs: env.REGISTRY_SESSION_LIFETIME_DAYS * DAY,
    },
    loginWaitMs: env.REGISTRY_LOGIN_WAIT_SECONDS * 1000,
    uploads: {
      timeoutMs: env.REGISTRY_UPLOAD_TIMEOUT_SECONDS * 1000,
      minBytesPerSecond: env.REGISTRY_UPLOAD_MIN_BYTES_PER_SECOND,
      inFlight: env.REGISTRY_UPLOADS_IN_FLIGHT,
      perUser: env.REGISTRY_UPLOADS_PER_USER,
    },
    sendTimeoutMs: env.REGISTRY_SEND_TIMEOUT_SECONDS * 1000,
    oidcIssuers: items(env.REGISTRY_OIDC_ISSUERS).flatMap((item) => {
      const issuer = oidcIssuer(item);
      return typeof issuer === "string" ? [] : [issuer];
    }),
    trustProxy: env.REGISTRY_TRUST_PROXY,
    logLevel: env.REGISTRY_LOG_LEVEL,
    mirror: mirrorConfig(env),
    mirrorRetryMs: env.REGISTRY_MIRROR_RETRY_MS,
    downloadCountMs: env.REGISTRY_DOWNLOAD_COUNT_MS,
    transparencyLog: {
      signingKey: env.REGISTRY_LOG_SIGNING_KEY,
      keyFile,
      checkpointFile: join(dirname(keyFile), "transparency-log.checkpoint"),
      origin: new URL(publicUrl).host,
    },
  };
}

const items = (text: string): string[] => text.split(/[\s,]+/).filter((item) => item !== "");

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/** Where mail goes, for the start-up line. */
export function mailDestination(mail: MailConfig): string {
  if (mail.kind === "postmark") return `Postmark, from ${mail.from}`;
  return mail.outbox ? `the console and ${mail.outbox}` : "the console";
}
