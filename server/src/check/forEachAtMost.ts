/**
 * Runs `work` on every item, at most `parallelism` at once, taking the items in order; resolves when all
 * have finished. `check` analyses packages and `fix` fixes them this way, as many at once as the machine's
 * cores allow for what each one costs.
 */
export async function forEachAtMost<T>(
  items: readonly T[],
  parallelism: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallelism, items.length)) }, worker));
}
