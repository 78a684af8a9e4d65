import { migrate } from "../core/schema.ts";
import type { Clock, Ports } from "../ports/index.ts";
import { systemClock } from "./clock.ts";
import type { Config } from "./config.ts";
import { nodeDigest } from "./digest.ts";
import { nodeGzip } from "./gzip.ts";
import { mailerFor } from "./mail/index.ts";
import { cryptoRandom } from "./random.ts";
import { buildServer } from "./server.ts";
import { SqliteDatabase } from "./sqlite.ts";

export interface StartOptions {
  config: Config;
  /** Where console mail and the request log go. */
  print?: (text: string) => void;
  logger?: boolean | { level: string; stream?: NodeJS.WritableStream };
  /** Tests move time forward to see expiry. */
  clock?: Clock;
}

/**
 * Opens the database, brings its schema up to date and builds the server:
 * everything `npm start` does before listening. Tests use it too.
 */
export function openRegistry(options: StartOptions) {
  const { config } = options;
  const db = new SqliteDatabase(config.dbPath);
  const migration = migrate(db);
  if (migration) {
    db.close();
    throw new Error(
      `The database at ${config.dbPath} has schema version ${migration.found}, newer than this server's ${migration.known}; run a newer version of the registry.`,
    );
  }
  // Console mail goes to stderr so that stdout stays one JSON log line per event.
  const print = options.print ?? ((text: string) => process.stderr.write(`${text}\n`));
  const ports: Ports = {
    db,
    mailer: mailerFor(config.mail, print),
    clock: options.clock ?? systemClock,
    random: cryptoRandom,
    digest: nodeDigest,
    gzip: nodeGzip,
  };
  const app = buildServer({ config, ports, logger: options.logger ?? { level: config.logLevel } });
  app.addHook("onClose", async () => db.close());
  return { app, ports, db };
}
