/**
 * The exit codes, one per kind of failure a script may want to tell apart.
 * The README's table lists them; a test holds each.
 */
export const EXIT = {
  ok: 0,
  /** Anything else: a request the registry found invalid, a file that cannot be written. */
  failed: 1,
  /** A missing or malformed argument or option. */
  usage: 2,
  /** Not logged in, or not allowed (401, 403). */
  denied: 3,
  /** No such thing (404), or no longer there (410). */
  notFound: 4,
  /** It conflicts with what exists (409): already published, already revoked, a name taken, dependencies that clash. */
  conflict: 5,
  /** The package or bundle was refused (invalid_bundle, 413), or fails the checks made before uploading. */
  invalidBundle: 6,
  /** The registry cannot be reached, or it is in trouble or too busy (5xx, 429). */
  unavailable: 7,
  /**
   * The registry's transparency log does not prove what it serves: an entry or
   * proof that does not check, a checkpoint not signed by the trusted key, or a
   * history that differs from one this machine saw before.
   */
  unproven: 8,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * A failure the CLI reports as `error: <message>` on one line, without a
 * stack trace, and exits with its code. `details` are printed below it, one
 * a line (the problems of a bundle).
 */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  readonly details: readonly string[];

  constructor(message: string, exitCode: ExitCode = EXIT.failed, details: readonly string[] = []) {
    super(message);
    this.exitCode = exitCode;
    this.details = details;
  }
}

/** A bad argument or option. */
export const usageError = (message: string): CliError => new CliError(message, EXIT.usage);
