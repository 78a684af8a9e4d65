import { litestreamIsWatching, registryDbPath } from "./litestream.ts";

// Exits 0 once litestream watches the database, 1 until then: process-compose's
// readiness probe, so that the server starts only when its writes are backed up.

process.exit(litestreamIsWatching(registryDbPath(process.env)) ? 0 : 1);
