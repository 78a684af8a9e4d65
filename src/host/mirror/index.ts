import type { Mirror } from "../../ports/mirror.ts";
import type { MirrorConfig } from "../config.ts";
import { DirectoryMirror } from "./directoryMirror.ts";
import { S3Mirror } from "./s3Mirror.ts";

/** The mirror the configuration names. */
export function mirrorAt(config: MirrorConfig): Mirror {
  return config.kind === "directory" ? new DirectoryMirror(config.path) : new S3Mirror(config);
}
