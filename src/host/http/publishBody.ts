import { README_MAX_BYTES } from "../../wire/limits.ts";
import { ErrorAnswer } from "./errorAnswer.ts";

// What a publish sends: the bundle as the whole body (`application/gzip`),
// exactly as before READMEs travelled; or a `multipart/form-data` body whose
// part `bundle` holds the same bytes and whose part `readme` holds the
// package's README.md. The bundle stays byte for byte what the compiler made.

export const MULTIPART = "multipart/form-data";

/** Room in a multipart body for its boundaries and part headers. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/** The most bytes a multipart publish may have: the largest bundle, the largest README, and their framing. */
export const multipartLimit = (maxBundleBytes: number): number =>
  maxBundleBytes + README_MAX_BYTES + MULTIPART_OVERHEAD_BYTES;

export interface PublishBody {
  bundle: Uint8Array;
  readme: Uint8Array | undefined;
}

/** The bundle and the README of a publish's body, as read whole by the body parser. */
export async function readPublishBody(
  body: Buffer,
  contentType: string | undefined,
  maxBundleBytes: number,
): Promise<PublishBody> {
  const plain = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (!contentType?.toLowerCase().startsWith(MULTIPART))
    return { bundle: plain, readme: undefined };
  let form: FormData;
  try {
    form = await new Response(plain as BodyInit, {
      headers: { "content-type": contentType },
    }).formData();
  } catch {
    throw new ErrorAnswer(
      "invalid_request",
      "The multipart body could not be read; send the bundle in a part named bundle and the README in a part named readme, with the boundary the Content-Type header names.",
    );
  }
  const bundle = await partBytes(form, "bundle");
  if (bundle === undefined) {
    throw new ErrorAnswer(
      "invalid_request",
      "The multipart body has no part named bundle; send the bundle the Gren compiler made in it.",
    );
  }
  if (bundle.byteLength > maxBundleBytes) {
    throw new ErrorAnswer(
      "payload_too_large",
      `The bundle is larger than the ${maxBundleBytes} bytes the registry takes.`,
    );
  }
  for (const [name] of form as unknown as Iterable<[string, unknown]>) {
    if (name !== "bundle" && name !== "readme") {
      throw new ErrorAnswer(
        "invalid_request",
        `The multipart body has a part named ${JSON.stringify(name).slice(0, 100)}; only bundle and readme are read.`,
      );
    }
  }
  return { bundle, readme: await partBytes(form, "readme") };
}

/** A part's bytes as sent: a file part's exactly, a plain field's as UTF-8. */
async function partBytes(form: FormData, name: string): Promise<Uint8Array | undefined> {
  const parts = form.getAll(name);
  if (parts.length > 1) {
    throw new ErrorAnswer("invalid_request", `The multipart body has more than one ${name} part.`);
  }
  const part = parts[0];
  if (part === undefined) return undefined;
  return typeof part === "string"
    ? new TextEncoder().encode(part)
    : new Uint8Array(await part.arrayBuffer());
}
