import type { Mirror, MirrorFile } from "../../src/ports/mirror.ts";
import { err, ok } from "../../src/result.ts";

/**
 * The mirror port kept in memory for tests of the core's rules: it holds the
 * files it was given, in the order they were written, and fails every call
 * with `failWith` while that is set.
 */
export class RecordingMirror implements Mirror {
  readonly location = "memory://mirror";
  readonly files = new Map<string, MirrorFile>();
  /** Every write and delete, in order: `write packages/index`. */
  readonly calls: string[] = [];
  failWith: string | undefined;

  async write(file: MirrorFile) {
    if (this.failWith !== undefined) return err(this.failWith);
    this.calls.push(`write ${file.path}`);
    this.files.set(file.path, { ...file, bytes: new Uint8Array(file.bytes) });
    return ok(undefined);
  }

  async delete(path: string) {
    if (this.failWith !== undefined) return err(this.failWith);
    this.calls.push(`delete ${path}`);
    this.files.delete(path);
    return ok(undefined);
  }

  async list(folder?: string) {
    if (this.failWith !== undefined) return err(this.failWith);
    const paths = [...this.files.keys()].filter(
      (path) => folder === undefined || path.startsWith(`${folder}/`),
    );
    return ok(paths.sort());
  }

  async read(path: string) {
    if (this.failWith !== undefined) return err(this.failWith);
    return ok(this.files.get(path)?.bytes);
  }

  async close() {}

  /** A file's text, for JSON files. */
  text(path: string): string | undefined {
    const file = this.files.get(path);
    return file && new TextDecoder().decode(file.bytes);
  }
}
