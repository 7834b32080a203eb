// Bounded concurrency for the ingest client: at most N requests of a kind in flight, and items read from their
// source only as slots free up (so a large JSON Lines file is never read ahead of the submissions).

/** Runs `task` for each item with at most `concurrency` running; `task` must not reject. */
export async function forEachConcurrent<T>(
  items: AsyncIterable<T>,
  concurrency: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  const running = new Set<Promise<void>>();
  for await (const item of items) {
    const run: Promise<void> = task(item).finally(() => running.delete(run));
    running.add(run);
    if (running.size >= concurrency) await Promise.race(running);
  }
  await Promise.all(running);
}

export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

/** A semaphore: `limit(task)` starts `task` once fewer than `concurrency` limited tasks are running. */
export function createLimiter(concurrency: number): Limiter {
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = (): void => {
    const next = waiting.shift();
    // The slot passes straight to the next waiter, so a newcomer can never slip in between and exceed the bound.
    if (next) next();
    else active -= 1;
  };
  return async (task) => {
    if (active < concurrency) active += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      release();
    }
  };
}
