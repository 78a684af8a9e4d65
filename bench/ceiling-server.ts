// The physical ceiling: a bare node:http server that answers every request
// with the same bytes, so a workload can be compared with the cheapest
// possible answer of the same size on the same machine and Node.js.
//
// Run as its own process: `node bench/ceiling-server.ts BODY_FILE CONTENT_TYPE`;
// it prints its port on standard output once it listens.

import { readFileSync } from "node:fs";
import { createServer } from "node:http";

/** A JSON object of exactly `bytes` bytes (at least 11). */
export function jsonBodyOf(bytes: number): Buffer {
  const frame = '{"data":""}';
  return Buffer.from(`{"data":"${"x".repeat(Math.max(0, bytes - frame.length))}"}`);
}

if (import.meta.main) {
  const [bodyFile, contentType] = process.argv.slice(2) as [string, string];
  const body = readFileSync(bodyFile);
  const server = createServer((request, response) => {
    // Bodies are read and dropped, as a real server must before answering.
    request.resume();
    request.on("end", () => {
      response.writeHead(200, { "content-type": contentType, "content-length": body.length });
      response.end(body);
    });
  });
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    process.stdout.write(`${address.port}\n`);
  });
  process.on("SIGTERM", () => {
    server.close(() => process.exit(0));
    // Idle keep-alive connections would hold close() open; the load generator is done with them.
    server.closeAllConnections();
  });
}
