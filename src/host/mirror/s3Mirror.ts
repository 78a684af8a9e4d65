import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  paginateListObjectsV2,
  S3Client,
} from "@aws-sdk/client-s3";
import type { Mirror, MirrorFile } from "../../ports/mirror.ts";
import { err, ok, type Result } from "../../result.ts";
import type { MirrorConfig } from "../config.ts";
import { CACHE_CONTROL, CONTENT_TYPES } from "../http/caching.ts";

export type S3Settings = Extract<MirrorConfig, { kind: "s3" }>;

/** The longest a request may take before it counts as failed, and is tried again later. */
const REQUEST_TIMEOUT_MS = 30_000;
const CONNECTION_TIMEOUT_MS = 5_000;

/**
 * The mirror in a bucket of S3-compatible storage, which serves it (or a CDN
 * in front of it) as it is. Each file is one PUT, which S3 makes visible
 * whole, carrying the Content-Type and Cache-Control the API answers with.
 */
export class S3Mirror implements Mirror {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly location: string;

  constructor(settings: S3Settings) {
    this.#bucket = settings.bucket;
    this.#prefix = settings.prefix === "" ? "" : `${settings.prefix}/`;
    this.location = `s3://${settings.bucket}/${settings.prefix}`;
    this.#client = new S3Client({
      region: settings.region,
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      ...(settings.credentials ? { credentials: settings.credentials } : {}),
      forcePathStyle: settings.pathStyle,
      // A bucket elsewhere than the region given is found by following S3's redirect.
      followRegionRedirects: true,
      // Checksums only where S3 requires them: several S3-compatible services
      // refuse the newer checksum headers the SDK would otherwise add.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      // The worker retries with its own backoff; one quick retry here is enough.
      maxAttempts: 2,
      requestHandler: {
        requestTimeout: REQUEST_TIMEOUT_MS,
        connectionTimeout: CONNECTION_TIMEOUT_MS,
        throwOnRequestTimeout: true,
      },
    });
  }

  write(file: MirrorFile): Promise<Result<void, string>> {
    return this.#attempt(`write ${file.path}`, async () => {
      await this.#client.send(
        new PutObjectCommand({
          Bucket: this.#bucket,
          Key: this.#prefix + file.path,
          Body: file.bytes,
          ContentType: CONTENT_TYPES[file.type],
          CacheControl: CACHE_CONTROL[file.caching],
        }),
      );
    });
  }

  delete(path: string): Promise<Result<void, string>> {
    return this.#attempt(`delete ${path}`, async () => {
      await this.#client.send(
        new DeleteObjectCommand({ Bucket: this.#bucket, Key: this.#prefix + path }),
      );
    });
  }

  list(folder?: string): Promise<Result<string[], string>> {
    return this.#attempt(`list the files${folder ? ` in ${folder}` : ""}`, async () => {
      const paths: string[] = [];
      const pages = paginateListObjectsV2(
        { client: this.#client },
        { Bucket: this.#bucket, Prefix: this.#prefix + (folder ? `${folder}/` : "") },
      );
      for await (const page of pages) {
        for (const object of page.Contents ?? []) {
          if (object.Key !== undefined) paths.push(object.Key.slice(this.#prefix.length));
        }
      }
      return paths.sort();
    });
  }

  read(path: string): Promise<Result<Uint8Array | undefined, string>> {
    return this.#attempt(`read ${path}`, async () => {
      try {
        const answer = await this.#client.send(
          new GetObjectCommand({ Bucket: this.#bucket, Key: this.#prefix + path }),
        );
        return answer.Body ? await answer.Body.transformToByteArray() : new Uint8Array();
      } catch (error) {
        if (error instanceof NoSuchKey) return undefined;
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    this.#client.destroy();
  }

  async #attempt<T>(what: string, work: () => Promise<T>): Promise<Result<T, string>> {
    try {
      return ok(await work());
    } catch (error) {
      const { name, message } = error as Error;
      return err(`Could not ${what} in ${this.location}: ${name}: ${message}`);
    }
  }
}
