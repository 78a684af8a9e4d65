import { type PreparedBundle, README_FILE } from "./packageDirectory.ts";

/**
 * What `PUT /packages/AUTHOR/PROJECT/VERSION` is sent: the bundle alone, or,
 * when the package has a README, the bundle and the README as the parts
 * `bundle` and `readme` of a multipart body. The bundle's bytes are the same.
 * The body is made whole first, so that it goes with its length, as a bare
 * bundle does, and a refusal the registry answers before reading it reads as
 * one, not as a broken connection.
 */
export async function publishBody(
  bundle: PreparedBundle,
): Promise<{ body: Uint8Array; headers: Record<string, string> }> {
  if (bundle.readme === undefined) return { body: bundle.bytes, headers: {} };
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
  const encoded = new Response(form);
  return {
    body: new Uint8Array(await encoded.arrayBuffer()),
    headers: { "content-type": encoded.headers.get("content-type") ?? "multipart/form-data" },
  };
}
