import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

// The site's one stylesheet, read once. Pages link to it under its digest, so
// browsers may keep it for a year and still see a new one the moment it changes.

const css = readFileSync(join(import.meta.dirname, "site.css"), "utf8");
const digest = createHash("sha256").update(css).digest("hex").slice(0, 16);

export const STYLESHEET = {
  path: "/site.css",
  digest,
  href: `/site.css?v=${digest}`,
  etag: `"${digest}"`,
  css,
} as const;
