import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/host/config.ts";

// Where the static mirror is, as an operator says it in the environment.

const mirrorOf = (env: Record<string, string>) => {
  const config = loadConfig(env);
  return config.ok ? config.value.mirror : config.error;
};

describe("the mirror's configuration", () => {
  it("is no mirror at all when REGISTRY_MIRROR is unset", () => {
    expect(mirrorOf({})).toBeUndefined();
  });

  it("takes a folder as a file URL", () => {
    expect(mirrorOf({ REGISTRY_MIRROR: "file:///srv/gren%20mirror/" })).toEqual({
      kind: "directory",
      path: "/srv/gren mirror",
    });
  });

  it("takes a bucket and a folder in it, addressed in the path when an endpoint is given", () => {
    expect(
      mirrorOf({
        REGISTRY_MIRROR: "s3://gren-mirror/registry/",
        REGISTRY_MIRROR_S3_ENDPOINT: "http://127.0.0.1:9000",
        REGISTRY_MIRROR_S3_ACCESS_KEY_ID: "key",
        REGISTRY_MIRROR_S3_SECRET_ACCESS_KEY: "secret",
      }),
    ).toEqual({
      kind: "s3",
      bucket: "gren-mirror",
      prefix: "registry",
      endpoint: "http://127.0.0.1:9000",
      region: "us-east-1",
      credentials: { accessKeyId: "key", secretAccessKey: "secret" },
      pathStyle: true,
    });
  });

  it("falls back on the AWS SDK's own variables, and leaves credentials to the SDK", () => {
    expect(
      mirrorOf({
        REGISTRY_MIRROR: "s3://gren-mirror",
        AWS_REGION: "eu-west-1",
        AWS_DEFAULT_REGION: "us-west-2",
        AWS_ENDPOINT_URL: "https://account.r2.cloudflarestorage.com",
        REGISTRY_MIRROR_S3_PATH_STYLE: "false",
      }),
    ).toEqual({
      kind: "s3",
      bucket: "gren-mirror",
      prefix: "",
      endpoint: "https://account.r2.cloudflarestorage.com",
      region: "eu-west-1",
      credentials: undefined,
      pathStyle: false,
    });
    expect(mirrorOf({ REGISTRY_MIRROR: "s3://gren-mirror" })).toMatchObject({
      endpoint: undefined,
      pathStyle: false,
    });
  });

  it("stops the server with a sentence naming what is wrong", () => {
    expect(mirrorOf({ REGISTRY_MIRROR: "/srv/mirror" })).toEqual([
      'REGISTRY_MIRROR must be a file:///path or s3://bucket/prefix URL, not "/srv/mirror".',
    ]);
    expect(mirrorOf({ REGISTRY_MIRROR: "s3://A_Bucket/x" })).toEqual([
      'REGISTRY_MIRROR must be file:/// and an absolute path, or s3:// and a bucket, then a folder if any; "s3://A_Bucket/x" is neither.',
    ]);
    expect(
      mirrorOf({ REGISTRY_MIRROR: "s3://gren-mirror", REGISTRY_MIRROR_S3_ACCESS_KEY_ID: "key" }),
    ).toEqual([
      "REGISTRY_MIRROR_S3_ACCESS_KEY_ID and REGISTRY_MIRROR_S3_SECRET_ACCESS_KEY must be set together, or neither.",
    ]);
    expect(
      mirrorOf({ REGISTRY_MIRROR: "s3://gren-mirror", AWS_ENDPOINT_URL: "minio:9000" }),
    ).toEqual([
      'The S3 endpoint of the mirror must be an http or https URL; "minio:9000" is not one.',
    ]);
  });
});
