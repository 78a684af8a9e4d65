import { type PreparedBundle, README_FILE } from "./packageDirectory.ts";

/**
 * What `PUT /packages/AUTHOR/PROJECT/VERSION` is sent: the bundle alone, or,
 * when the package has a README, the bundle and the README as the parts
 * `bundle` and `readme` of a multipart body. The bundle's bytes are the same.
 */
export function publishBody(bundle: PreparedBundle): Uint8Array | FormData {
  if (bundle.readme === undefined) return bundle.bytes;
  const form = new FormData();
  form.append(
    "bundle",
    new Blob([bundle.bytes as Uint8Array<ArrayBuffer>], { type: "application/gzip" }),
    "bundle.pkg.gz",
  );
  form.append(
    "readme",
    new Blob([bundle.readme as Uint8Array<ArrayBuffer>], { type: "text/markdown; charset=utf-8" }),
    README_FILE,
  );
  return form;
}
