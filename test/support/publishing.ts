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

/**
 * Publishes a valid bundle of `name` at `version`, with any outline fields
 * overridden. Its API moves as its number says (`sourcesFor`), so versions
 * that follow one another by the registry's rules are accepted.
 */
export async function publish(
  registry: { url: string },
  token: string,
  name: string,
  version: string,
  overrides: Record<string, unknown> = {},
): Promise<Uint8Array> {
  return publishAt(registry, token, `/packages/${name}/${version}`, { name, version, overrides });
}

/**
 * Publishes as history (`?history=true`, as the identity's admin whose token
 * this is): a version that exists elsewhere, with a number the rules would
 * not give, such as a first version other than 1.0.0, a skipped number, or a
 * move to another compiler's range with the same API.
 */
export async function publishHistory(
  registry: { url: string },
  token: string,
  name: string,
  version: string,
  overrides: Record<string, unknown> = {},
): Promise<Uint8Array> {
  const path = `/packages/${name}/${version}?history=true`;
  return publishAt(registry, token, path, { name, version, overrides });
}

async function publishAt(
  registry: { url: string },
  token: string,
  path: string,
  version: { name: string; version: string; overrides: Record<string, unknown> },
): Promise<Uint8Array> {
  const outline = packageOutline({
    name: version.name,
    version: version.version,
    ...version.overrides,
  });
  const bytes = makeBundle({ outline, sources: sourcesFor(outline) });
  const answer = await putBundle(registry, token, path, bytes);
  if (answer.status !== 201) {
    throw new Error(
      `publishing ${version.name} ${version.version}: ${JSON.stringify(answer.body)}`,
    );
  }
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
