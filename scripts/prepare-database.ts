import { loadConfig } from "../src/host/config.ts";
import { openDatabase } from "../src/host/database.ts";

// `npm run prepare-database`: creates the database, or brings its schema up to
// date, as the server would when it starts; for process-compose, which starts
// litestream (which can only watch a database that exists) before the server.

const config = loadConfig(process.env);
if (!config.ok) {
  for (const problem of config.error) console.error(`Configuration error: ${problem}`);
  process.exit(1);
}
try {
  openDatabase(config.value.dbPath).close();
} catch (error) {
  console.error(
    `Cannot prepare the database at ${config.value.dbPath}: ${(error as Error).message}`,
  );
  process.exit(1);
}
