import type { Ports } from "../ports/index.ts";
import type { Result } from "../result.ts";

/**
 * Runs a change that records feed events as one transaction and, once it has
 * committed, tells the notifier, so followers never see an event before its
 * change is durable.
 */
export function commitWithEvents<T, E>(
  ports: Pick<Ports, "db" | "notifier">,
  change: () => Result<T, E>,
): Result<T, E> {
  const result = ports.db.transaction(change);
  if (result.ok) ports.notifier.eventsRecorded();
  return result;
}
