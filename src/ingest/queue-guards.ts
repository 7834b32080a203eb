// What keeps the ingest queue's use of Redis bounded and its answers exact: a reading of Redis memory against its
// limit (new documents are refused near it), and a short lock per document so that of concurrent submissions of one
// document exactly one creates its job.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Redis memory as the queue sees it. */
export interface QueueMemory {
  readonly usedBytes: number;
  /** Redis `maxmemory`; null when unlimited. */
  readonly maxBytes: number | null;
  /** usedBytes / maxBytes (null when unlimited). */
  readonly ratio: number | null;
  /** true when new documents are being refused (QUEUE_FULL). */
  readonly full: boolean;
}

/** Redis memory, read at most once a second (INFO is cheap, but not per request). */
export function memoryGauge(client: () => Promise<Redis>, highWater: number): { read(fresh?: boolean): Promise<QueueMemory> } {
  let last: { at: number; value: QueueMemory } | null = null;
  return {
    async read(fresh = false) {
      if (!fresh && last && Date.now() - last.at < 1000) return last.value;
      const info = await (await client()).info('memory');
      const field = (name: string): number => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? 0);
      const usedBytes = field('used_memory');
      const max = field('maxmemory');
      const ratio = max > 0 ? usedBytes / max : null;
      const value = { usedBytes, maxBytes: max > 0 ? max : null, ratio, full: ratio !== null && ratio >= highWater };
      last = { at: Date.now(), value };
      return value;
    },
  };
}

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * A short Redis lock per document (SET NX with an expiry, released only by its holder). Waiting submissions of the
 * same document poll for it, and stop waiting when `settled` has their answer; the lock expires by itself should its
 * holder die.
 */
export function submitLocks(client: () => Promise<Redis>, keyOf: (jobId: string) => string) {
  return {
    async hold<T>(jobId: string, settled: () => Promise<T | null>, work: () => Promise<T>): Promise<T> {
      const connection = await client();
      const key = keyOf(jobId);
      const token = randomUUID();
      const deadline = Date.now() + 5000;
      while ((await connection.set(key, token, 'PX', 10_000, 'NX')) !== 'OK') {
        const answer = await settled();
        if (answer !== null) return answer;
        if (Date.now() > deadline) throw new Error('timed out waiting for a concurrent submission of the same document');
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 10));
      }
      try {
        return await work();
      } finally {
        await connection.eval(RELEASE, 1, key, token).catch(() => undefined);
      }
    },
  };
}

/**
 * The same locks for many documents at once, without waiting: `holdAll` takes those that are free in one round trip
 * and runs `work` with them (a document whose lock is held is being submitted by someone else right now, so the
 * caller leaves it to them), then releases what it took.
 */
export function batchLocks(client: () => Promise<Redis>, keyOf: (jobId: string) => string) {
  return {
    async holdAll<T>(jobIds: readonly string[], work: (held: ReadonlySet<string>) => Promise<T>): Promise<T> {
      const connection = await client();
      const token = randomUUID();
      const taken = await connection.pipeline(jobIds.map((id) => ['set', keyOf(id), token, 'PX', '30000', 'NX'])).exec();
      const held = new Set(jobIds.filter((_, index) => taken?.[index]?.[1] === 'OK'));
      try {
        return await work(held);
      } finally {
        await connection
          .pipeline([...held].map((id) => ['eval', RELEASE, '1', keyOf(id), token]))
          .exec()
          .catch(() => undefined);
      }
    },
  };
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}
