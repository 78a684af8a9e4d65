import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { Digest } from "../ports/digest.ts";

export const nodeDigest: Digest = {
  sha256: (data) => createHash("sha256").update(data).digest("hex"),
  hmacSha256: (key, data) => createHmac("sha256", key).update(data).digest("hex"),
  // Hashing first gives both sides the same length, which timingSafeEqual needs,
  // without revealing the secret's length.
  secretsEqual: (a, b) =>
    timingSafeEqual(
      createHash("sha256").update(a).digest(),
      createHash("sha256").update(b).digest(),
    ),
};
