// Requests to a registry run a few at a time: enough to hide the round trips,
// few enough not to crowd it.

/**
 * Runs `work` on every item, at most `limit` at a time. After a failure no
 * new item starts; once the ones under way settle, the failure of the first
 * item in `items` order is thrown, so the same broken input is reported the
 * same way on every run, whichever download happened to finish first.
 */
export async function atMostAtOnce<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const failures = new Map<number, unknown>();
  const worker = async () => {
    while (next < items.length && failures.size === 0) {
      const index = next++;
      try {
        await work(items[index]!);
      } catch (error) {
        failures.set(index, error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failures.size > 0) throw failures.get(Math.min(...failures.keys()));
}
