export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const err = <E>(error: E): { ok: false; error: E } => ({ ok: false, error });

/**
 * A failure whose transaction still commits what it wrote. A failed result
 * normally rolls its transaction back; this is the named exception, for a
 * write that records the failure itself (a wrong code counted against its token).
 */
export interface FailureKeepingWrites<E> {
  ok: false;
  error: E;
  keepWrites: true;
}

export const failKeepingWrites = <E>(error: E): FailureKeepingWrites<E> => ({
  ok: false,
  error,
  keepWrites: true,
});

/** Makes a `switch` over a union exhaustive: a new case becomes a compile error. */
export function unreachable(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
