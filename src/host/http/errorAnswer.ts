import { ERROR_STATUS, ErrorBody, type ErrorCode } from "../../wire/errors.ts";

type Extra = Omit<ErrorBody, "code" | "message">;

/** How long a client should wait before asking a registry that is unavailable again. */
const RETRY_UNAVAILABLE_SECONDS = 5;

/** A failure that becomes an error answer: the contract's `{"code", "message", ...}`. */
export class ErrorAnswer extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly extra: Extra;
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    message: string,
    extra: Extra = {},
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.extra = extra;
    // A client told the registry is unavailable is told when to ask again.
    this.headers =
      this.status === 503 && headers["retry-after"] === undefined
        ? { ...headers, "retry-after": String(RETRY_UNAVAILABLE_SECONDS) }
        : headers;
  }

  get body(): ErrorBody {
    return { code: this.code, message: this.message, ...this.extra };
  }
}

/** Every route may fail with the contract's error body. */
export const ERROR_RESPONSES = { "4xx": ErrorBody, "5xx": ErrorBody } as const;
