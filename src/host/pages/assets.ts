import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

// The site's own files, read once: its stylesheet, its one small script and
// its icon. Pages link to each under its digest, so browsers may keep it for a
// year and still see a new one the moment it changes.

export interface Asset {
  path: string;
  digest: string;
  href: string;
  etag: string;
  contentType: string;
  content: string;
}

function asset(file: string, contentType: string): Asset {
  const content = readFileSync(join(import.meta.dirname, file), "utf8");
  const digest = createHash("sha256").update(content).digest("hex").slice(0, 16);
  return {
    path: `/${file}`,
    digest,
    href: `/${file}?v=${digest}`,
    etag: `"${digest}"`,
    contentType,
    content,
  };
}

export const STYLESHEET = asset("site.css", "text/css; charset=utf-8");

/** Copy buttons, the docs filter and the login page's wait: pages work without it. */
export const SCRIPT = asset("site.js", "text/javascript; charset=utf-8");

export const FAVICON = asset("favicon.svg", "image/svg+xml");

export const ASSETS: readonly Asset[] = [STYLESHEET, SCRIPT, FAVICON];
