import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The recipe the README gives receivers: the HMAC-SHA256 of the raw body under
 * the shared secret, in hex, compared in constant time with the header.
 */
export function verifySignature(
  secret: string,
  rawBody: Buffer,
  header: string | undefined,
): boolean {
  const expected = Buffer.from(
    `sha256=${createHmac("sha256", secret).update(rawBody).digest("hex")}`,
  );
  const given = Buffer.from(header ?? "");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface Delivery {
  body: { seq: number; type: string; name: string; version: string; at: string };
  signatureValid: boolean;
}

/** A local webhook receiver that answers `status(n)` to its n-th request (from 0). */
export async function startReceiver(secret: string, status: (attempt: number) => number) {
  const delivered: Delivery[] = [];
  let attempts = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const code = status(attempts++);
      const raw = Buffer.concat(chunks);
      if (code >= 200 && code < 300) {
        delivered.push({
          body: JSON.parse(raw.toString("utf8")),
          signatureValid: verifySignature(
            secret,
            raw,
            request.headers["x-registry-signature"] as string | undefined,
          ),
        });
      }
      response.writeHead(code).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    delivered,
    attempts: () => attempts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
