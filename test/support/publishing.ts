import { createHash } from "node:crypto";
import { makeBundle, packageOutline, sourcesFor } from "./bundles.ts";
import { call } from "./registry.ts";

export const sha256 = (bytes: Uint8Array): string =>
  createHash("sha256").update(bytes).digest("hex");

/** Uploads bundle bytes as the compiler's client does. */
export function putBundle(
  registry: { url: string },
  token: string | undefined,
  path: string,
  bytes: Uint8Array,
) {
  return call<{ name: string; version: string; sha256: string; size: number }>(
    registry,
    "PUT",
    path,
    {
      token,
      body: bytes,
      headers: { "content-type": "application/gzip" },
    },
  );
}

/** Uploads a bundle with its README beside it, as `gren-registry publish` sends them. */
export function putBundleWithReadme(
  registry: { url: string },
  token: string | undefined,
  path: string,
  bytes: Uint8Array,
  readme: string | Uint8Array,
) {
  const form = new FormData();
  form.append(
    "bundle",
    new Blob([bytes as Uint8Array<ArrayBuffer>], { type: "application/gzip" }),
    "bundle.pkg.gz",
  );
  form.append(
    "readme",
    new Blob([readme as string | Uint8Array<ArrayBuffer>], { type: "text/markdown" }),
    "README.md",
  );
  return call<{ name: string; version: string; sha256: string; size: number }>(
    registry,
    "PUT",
    path,
    { token, body: form },
  );
}

/** Creates the publishing identity `name` as the user of `token`, and gives each member its role. */
export async function createIdentity(
  registry: { url: string },
  token: string,
  name: string,
  members: Record<string, "download" | "publish" | "admin"> = {},
): Promise<void> {
  const created = await call(registry, "POST", "/publishing-identity", { token, json: { name } });
  if (created.status !== 201) throw new Error(`creating ${name}: ${JSON.stringify(created.body)}`);
  for (const [email, role] of Object.entries(members)) {
    const path = `/publishing-identity/${name}/members/${email}`;
    const added = await call(registry, "PUT", path, { token, json: { role } });
    if (added.status !== 200) throw new Error(`adding ${email}: ${JSON.stringify(added.body)}`);
  }
}

/** Publishes a valid bundle of `name` at `version`, with any outline fields overridden. */
export async function publish(
  registry: { url: string },
  token: string,
  name: string,
  version: string,
  overrides: Record<string, unknown> = {},
): Promise<Uint8Array> {
  const outline = packageOutline({ name, version, ...overrides });
  const bytes = makeBundle({ outline, sources: sourcesFor(outline) });
  const answer = await putBundle(registry, token, `/packages/${name}/${version}`, bytes);
  if (answer.status !== 201)
    throw new Error(`publishing ${name} ${version}: ${JSON.stringify(answer.body)}`);
  return bytes;
}

/** GETs raw bytes over HTTP. */
export async function download(
  registry: { url: string },
  path: string,
  headers: Record<string, string> = {},
) {
  const response = await fetch(registry.url + path, { headers });
  return {
    status: response.status,
    headers: response.headers,
    bytes: new Uint8Array(await response.arrayBuffer()),
  };
}
