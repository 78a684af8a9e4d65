import { formatPackageName } from "../gren/names.ts";
import type { Database } from "../ports/database.ts";
import type { Digest } from "../ports/digest.ts";
import { err, ok, type Result } from "../result.ts";
import { README_MAX_BYTES } from "../wire/limits.ts";
import type { VersionAddress } from "./address.ts";
import { findReadme } from "./stores/readmes.ts";
import type { User } from "./stores/users.ts";
import { type DownloadError, findVisibleVersion } from "./versions.ts";
import { revocationView, versionText } from "./views.ts";

// A package's README, sent beside its bundle when it is published: Markdown
// in UTF-8, of bounded size. The registry keeps it as sent and names its
// digest in the transparency log.

export interface Readme {
  markdown: string;
  /** Of the bytes as sent. */
  sha256: string;
}

/** Rounded up, so that a size over the limit never reads as the limit. */
const kib = (bytes: number): string => `${Math.ceil(bytes / 1024)} KiB`;

/** The README as text, or the sentence saying why the registry will not keep it. */
export function readReadme(digest: Digest, bytes: Uint8Array): Result<Readme, string> {
  if (bytes.byteLength > README_MAX_BYTES) {
    return err(
      `The README is ${kib(bytes.byteLength)}, more than the ${kib(README_MAX_BYTES)} the registry keeps; shorten it, or link to longer documentation.`,
    );
  }
  let markdown: string;
  try {
    markdown = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return err("The README is not UTF-8 text; save it as UTF-8 and publish again.");
  }
  return ok({ markdown, sha256: digest.sha256(bytes) });
}

export type ReadmeError = DownloadError | { kind: "no_readme"; name: string; version: string };

/** A version's README as it was sent, unless the version was revoked or came without one. */
export function versionReadme(
  db: Database,
  address: VersionAddress,
  viewer: User | undefined,
): Result<{ markdown: string; sha256: string; private: boolean }, ReadmeError> {
  const found = findVisibleVersion(db, address, viewer);
  if (!found.ok) return found;
  const { pkg, version } = found.value;
  const name = formatPackageName(pkg.name);
  const shown = versionText(version.versionKey);
  const revoked = revocationView(version.revoked);
  if (revoked) return err({ kind: "revoked", name, version: shown, revoked });
  const readme = findReadme(db, version.id);
  if (readme?.markdown === undefined) return err({ kind: "no_readme", name, version: shown });
  return ok({ markdown: readme.markdown, sha256: readme.sha256, private: pkg.private });
}
