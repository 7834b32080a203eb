// Timing loop shared by benchmarks: warm up (JIT, caches), then run each operation back to back for a fixed wall
// time. A fixed duration rather than a fixed count keeps slow cases (keyless) and fast ones (raw ECDSA) equally
// precise and the total run time predictable.
//
// Cases are measured interleaved, in short slices taken in turn, not one after the other: on a shared machine the
// background load drifts over seconds, and a ratio between two cases (key mode vs its ceiling) is only meaningful
// when both saw the same load.

import { performance } from 'node:perf_hooks';

export interface Measurement {
  readonly ops: number;
  readonly seconds: number;
  readonly opsPerSec: number;
  readonly meanUs: number;
}

/**
 * A synchronous operation is called directly, an asynchronous one awaited: awaiting a plain value would add a
 * microtask per call and understate synchronous ceilings. The operation throws to abort the benchmark.
 */
export type Operation = () => void | Promise<void>;

export interface MeasureOptions {
  readonly warmupSeconds: number;
  /** measured time per operation. */
  readonly seconds: number;
  /** length of one slice; default 0.2 s, short enough for ≥ 10 turns per case at the default 3 s. */
  readonly sliceSeconds?: number;
}

/** Runs `op` for at least `seconds` (always at least once); returns calls made and the exact time taken. */
async function slice(op: Operation, seconds: number): Promise<{ ops: number; ms: number }> {
  const start = performance.now();
  const end = start + seconds * 1000;
  let ops = 0;
  let now: number;
  do {
    const pending = op();
    if (pending !== undefined) await pending;
    ops++;
    now = performance.now();
  } while (now < end);
  return { ops, ms: now - start };
}

export async function measureInterleaved(
  ops: readonly Operation[],
  options: MeasureOptions,
  onWarm?: (index: number) => void,
): Promise<Measurement[]> {
  for (const [i, op] of ops.entries()) {
    await slice(op, options.warmupSeconds);
    onWarm?.(i);
  }
  const sliceSeconds = Math.min(options.sliceSeconds ?? 0.2, options.seconds);
  const totals = ops.map(() => ({ ops: 0, ms: 0 }));
  for (let turn = 0; turn < Math.ceil(options.seconds / sliceSeconds); turn++) {
    for (const [i, op] of ops.entries()) {
      const s = await slice(op, sliceSeconds);
      const total = totals[i];
      if (total === undefined) continue;
      total.ops += s.ops;
      total.ms += s.ms;
    }
  }
  return totals.map(({ ops: n, ms }) => ({ ops: n, seconds: ms / 1000, opsPerSec: (n * 1000) / ms, meanUs: (ms * 1000) / n }));
}

/** Runs `each` over `items`, at most `width` at once (a pool of workers taking the next item). */
export async function inParallel<T>(items: readonly T[], width: number, each: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await each(items[next++] as T);
    }),
  );
}
