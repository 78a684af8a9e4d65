import { err, ok, type Result } from "../result.ts";

export type MailConfig =
  | { kind: "console"; outbox: string | undefined }
  | { kind: "postmark"; serverToken: string; from: string; apiUrl: string | undefined };

export interface Config {
  dbPath: string;
  host: string;
  port: number;
  mail: MailConfig;
  /** Largest bundle upload accepted, compressed. */
  maxBundleBytes: number;
  /** Largest a bundle may grow to when decompressed. */
  maxUnpackedBytes: number;
  /** Identities allowed to publish kernel (JavaScript) modules. */
  kernelIdentities: string[];
  webhookUrls: string[];
  webhookSecret: string | undefined;
  /** Delay before a failed webhook delivery is first retried; later retries back off from it. */
  webhookRetryMs: number;
  /** Admins of this identity may see the registry's operational state (webhook deliveries). */
  operatorIdentity: string;
  /** How often live feed clients are pinged; silent ones are dropped. */
  livePingMs: number;
  /** Whether to believe X-Forwarded-For (only behind a reverse proxy). */
  trustProxy: boolean;
  logLevel: string;
}

export const DEFAULT_DB_PATH = "./db/registry.db";
const MIB = 1024 * 1024;
const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

type Env = Record<string, string | undefined>;

/** Reads the configuration, listing every bad value rather than stopping at the first. */
export function loadConfig(env: Env): Result<Config, string[]> {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === "" ? undefined : value;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}, not "${raw}".`);
      return fallback;
    }
    return value;
  };
  const list = (name: string): string[] =>
    (read(name) ?? "").split(/[\s,]+/).filter((item) => item !== "");

  const port = integer("REGISTRY_PORT", 3000, 0, 65535);
  const maxBundleBytes = integer("REGISTRY_MAX_BUNDLE_BYTES", 10 * MIB, 1024, 1024 * MIB);
  const maxUnpackedBytes = integer(
    "REGISTRY_MAX_UNPACKED_BYTES",
    Math.max(64 * MIB, maxBundleBytes * 4),
    1024,
    4096 * MIB,
  );

  const webhookRetryMs = integer("REGISTRY_WEBHOOK_RETRY_MS", 5000, 10, 3_600_000);
  const livePingMs = integer("REGISTRY_LIVE_PING_MS", 30_000, 10, 3_600_000);

  const serverToken = read("POSTMARK_SERVER_TOKEN");
  const apiUrl = read("POSTMARK_API_URL");
  if (apiUrl !== undefined && !isHttpUrl(apiUrl)) {
    problems.push(`POSTMARK_API_URL must be an http or https URL, not "${apiUrl}".`);
  }
  const from = read("REGISTRY_MAIL_FROM");
  if (serverToken && !from) {
    problems.push(
      "REGISTRY_MAIL_FROM must name the sender address when POSTMARK_SERVER_TOKEN is set.",
    );
  }
  const mail: MailConfig = serverToken
    ? { kind: "postmark", serverToken, from: from ?? "", apiUrl }
    : { kind: "console", outbox: read("REGISTRY_MAIL_OUTBOX") };

  const webhookUrls = list("REGISTRY_WEBHOOK_URLS");
  for (const url of webhookUrls.filter((url) => !isHttpUrl(url))) {
    problems.push(`REGISTRY_WEBHOOK_URLS must hold http or https URLs; "${url}" is not one.`);
  }
  const webhookSecret = read("REGISTRY_WEBHOOK_SECRET");
  if (webhookUrls.length > 0 && !webhookSecret) {
    problems.push(
      "REGISTRY_WEBHOOK_SECRET must be set when REGISTRY_WEBHOOK_URLS is, to sign deliveries.",
    );
  }

  const trustProxy = read("REGISTRY_TRUST_PROXY") ?? "false";
  if (trustProxy !== "true" && trustProxy !== "false") {
    problems.push(`REGISTRY_TRUST_PROXY must be "true" or "false", not "${trustProxy}".`);
  }
  const logLevel = read("REGISTRY_LOG_LEVEL") ?? "info";
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`REGISTRY_LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, not "${logLevel}".`);
  }

  if (problems.length > 0) return err(problems);
  return ok({
    dbPath: read("REGISTRY_DB_PATH") ?? DEFAULT_DB_PATH,
    host: read("REGISTRY_HOST") ?? "localhost",
    port,
    mail,
    maxBundleBytes,
    maxUnpackedBytes,
    kernelIdentities:
      read("REGISTRY_KERNEL_IDENTITIES") === undefined
        ? ["gren-lang"]
        : list("REGISTRY_KERNEL_IDENTITIES"),
    webhookUrls,
    webhookSecret,
    webhookRetryMs,
    operatorIdentity: read("REGISTRY_OPERATOR_IDENTITY") ?? "gren-lang",
    livePingMs,
    trustProxy: trustProxy === "true",
    logLevel,
  });
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}
