import { rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { litestreamBinary, PROJECT_ROOT } from "../../scripts/litestream.ts";
import { killStrays, runProcess } from "../support/ops.ts";
import { temporaryDir } from "../support/registry.ts";

// The S3 configuration cannot reach real storage from a test; a local stand-in
// shows that it sends litestream where the environment says, with the
// credentials the environment gives.

afterEach(killStrays);

async function startFakeS3() {
  const received: { method: string; url: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((request, response) => {
    received.push({
      method: request.method ?? "",
      url: request.url ?? "",
      headers: request.headers,
    });
    response.writeHead(200, { "content-type": "application/xml" });
    response.end(
      '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>backups</Name><IsTruncated>false</IsTruncated></ListBucketResult>',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("the S3 configuration", () => {
  it("looks for backups in the bucket, folder and endpoint the environment names", async () => {
    const s3 = await startFakeS3();
    const dir = temporaryDir("registry-s3-");
    try {
      const dbPath = join(dir, "registry.db");
      writeFileSync(dbPath, "");
      const run = await runProcess(
        litestreamBinary(),
        ["generations", "-config", join(PROJECT_ROOT, "litestream.s3.yml"), dbPath],
        {
          REGISTRY_DB_PATH: dbPath,
          LITESTREAM_S3_BUCKET: "backups",
          LITESTREAM_S3_PATH: "registry",
          LITESTREAM_S3_ENDPOINT: s3.url,
          LITESTREAM_S3_REGION: "eu-central-1",
          LITESTREAM_ACCESS_KEY_ID: "registry-key",
          LITESTREAM_SECRET_ACCESS_KEY: "registry-secret",
        },
      );
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const listing = s3.received.find((request) => request.method === "GET");
      expect(listing?.url).toMatch(/^\/backups\?.*prefix=registry%2Fgenerations%2F/);
      expect(listing?.headers.authorization).toMatch(
        /Credential=registry-key\/\d{8}\/eu-central-1\/s3\/aws4_request/,
      );
    } finally {
      await s3.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
