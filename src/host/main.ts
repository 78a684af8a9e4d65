import { writeSync } from "node:fs";
import { openRegistry } from "./compositionRoot.ts";
import { loadConfig, mailDestination } from "./config.ts";
import { batchedStdout } from "./logDestination.ts";

// The server's entry point: `npm start`.

const config = loadConfig(process.env);
if (!config.ok) {
  for (const problem of config.error) console.error(`Configuration error: ${problem}`);
  process.exit(1);
}

const log = batchedStdout();
// Standard error carries console mail and start-up errors; a reader of it that
// has gone must not bring the server down either.
process.stderr.on("error", () => {});

/** Lines still gathered are written before the process ends, as far as a reader takes them. */
function exit(code: number): never {
  log.flushSync();
  if (log.dropped > 0) {
    try {
      writeSync(2, `${log.dropped} log lines could not be written to standard output.\n`);
    } catch {
      // Standard error is gone too: there is nobody left to tell.
    }
  }
  process.exit(code);
}

let registry: ReturnType<typeof openRegistry>;
try {
  registry = openRegistry({
    config: config.value,
    logger: { level: config.value.logLevel, stream: log },
  });
} catch (error) {
  console.error(`Cannot open the database at ${config.value.dbPath}: ${(error as Error).message}`);
  exit(1);
}

const { app } = registry;
try {
  const { host, port, dbPath, mail } = config.value;
  await app.listen({
    host,
    port,
    // The one line an operator reads at start-up: where it serves, stores and mails.
    listenTextResolver: (address) =>
      `Serving the Gren package registry at ${address}, with its database at ${dbPath} and mail to ${mailDestination(mail)}`,
  });
  // An operator (or a supervisor) waits for this line: it goes out at once.
  log.flush();
} catch (error) {
  console.error(
    `Cannot listen on ${config.value.host}:${config.value.port}: ${(error as Error).message}`,
  );
  await app.close();
  exit(1);
}

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, "shutting down: finishing requests in flight");
    // close() stops accepting connections, waits for requests in flight, then
    // runs the onClose hooks, which close the database.
    app.close().then(
      () => exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, "shutdown failed");
        exit(1);
      },
    );
  });
}
