// Requests to a registry run a few at a time: enough to hide the round trips,
// few enough not to crowd it.

/** Runs `work` on every item, at most `limit` at a time; fails with the first failure. */
export async function atMostAtOnce<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
