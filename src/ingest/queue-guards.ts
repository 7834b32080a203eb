// What keeps the ingest queue's use of Redis bounded and its answers exact: a reading of Redis memory against its
// limit (new documents are refused near it), and a short lock per document so that of concurrent submissions of one
// document exactly one creates its job.
import { randomUUID } from 'node:crypto';
import { dataNodes, type RedisClient } from './redis.ts';

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

/** Where the queue starts and stops refusing new documents, as shares of Redis `maxmemory`. */
export interface MemoryMarks {
  /** refuse new documents once Redis uses this much, or a document would take it there. */
  readonly highWater: number;
  /** take them again once Redis uses less than this (at most highWater: no band then). */
  readonly lowWater: number;
}

/** What storing a document of `bytes` costs Redis at most: its base64 copy twice while the command runs. */
export function admissionBytes(bytes: number): number {
  return 2 * (Math.ceil(bytes / 3) * 4 + 1024);
}

/**
 * Redis memory against its limit, with a band so the verdict does not flip with every job the workers finish:
 * refusing starts at the high-water mark and stops only once memory has fallen by the band's width (high - low water)
 * below where refusing began, and below the low-water mark. A document is refused before it would take Redis past the
 * high-water mark, so refusing may begin below it (a large document near it); the band is then counted from there.
 * A reading is taken at most once a second (INFO is cheap, but not per request); between readings the documents this
 * process added are counted on top, so a burst of large uploads cannot overshoot the mark on a stale reading. Redis
 * refusing a write for memory (`OOM`: past `maxmemory`, when other processes filled it) starts refusing at once.
 */
export function memoryGauge(client: () => Promise<RedisClient>, marks: MemoryMarks) {
  const lowWater = Math.min(marks.lowWater, marks.highWater);
  const band = marks.highWater - lowWater;
  let last: { at: number; usedBytes: number; maxBytes: number | null } | null = null;
  /** bytes this process added since the last reading. */
  let added = 0;
  /** while refusing: the memory below which documents are taken again. */
  let refusingUntil: number | null = null;

  const refuseFrom = (usedBytes: number, maxBytes: number): void => {
    refusingUntil ??= Math.min(lowWater * maxBytes, usedBytes - band * maxBytes);
  };
  const reading = async (fresh: boolean) => {
    if (fresh || !last || Date.now() - last.at >= 1000) {
      // On a cluster, the fullest master (the queue's keys share one slot, but which master holds it can change).
      const infos = await Promise.all(dataNodes(await client()).map((node) => node.info('memory')));
      const readings = infos.map((info) => {
        const field = (name: string): number => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? 0);
        const max = field('maxmemory');
        return { usedBytes: field('used_memory'), maxBytes: max > 0 ? max : null };
      });
      const share = (r: { usedBytes: number; maxBytes: number | null }): number =>
        r.maxBytes === null ? 0 : r.usedBytes / r.maxBytes;
      const fullest = readings.reduce((a, b) => (share(b) > share(a) ? b : a), readings[0] ?? { usedBytes: 0, maxBytes: null });
      last = { at: Date.now(), ...fullest };
      added = 0;
      if (refusingUntil !== null && (last.maxBytes === null || last.usedBytes < refusingUntil)) refusingUntil = null;
      if (last.maxBytes !== null && last.usedBytes >= marks.highWater * last.maxBytes) refuseFrom(last.usedBytes, last.maxBytes);
    }
    return last;
  };
  const state = (read: { usedBytes: number; maxBytes: number | null }): QueueMemory => {
    const usedBytes = read.usedBytes + added;
    return {
      usedBytes,
      maxBytes: read.maxBytes,
      ratio: read.maxBytes === null ? null : usedBytes / read.maxBytes,
      full: refusingUntil !== null,
    };
  };

  return {
    /** The memory now and whether new documents are refused; `fresh` reads Redis even within the second. */
    async read(fresh = false): Promise<QueueMemory> {
      return state(await reading(fresh));
    },
    /** Whether a document of `bytes` may be queued now; refusing one that would pass the mark starts the band. */
    async admit(bytes: number): Promise<QueueMemory> {
      const read = await reading(false);
      const used = read.usedBytes + added;
      if (read.maxBytes !== null && used + admissionBytes(bytes) >= marks.highWater * read.maxBytes) {
        refuseFrom(used, read.maxBytes);
      }
      return state(read);
    },
    /** A document of `bytes` was queued (counted until the next reading). */
    added(bytes: number): void {
      added += admissionBytes(bytes) / 2;
    },
    /** Redis refused a write for memory: refuse new documents until a reading is below the low-water mark. */
    exhausted(): void {
      refusingUntil ??= lowWater * (last?.maxBytes ?? 0);
    },
  };
}

/** Redis refusing a write because it is past `maxmemory` (noeviction): "OOM command not allowed …". */
export function isOutOfMemory(error: unknown): boolean {
  return error instanceof Error && /\bOOM command not allowed\b/.test(error.message);
}

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * A short Redis lock per document (SET NX with an expiry, released only by its holder). Waiting submissions of the
 * same document poll for it, and stop waiting when `settled` has their answer; the lock expires by itself should its
 * holder die.
 */
export function submitLocks(client: () => Promise<RedisClient>, keyOf: (jobId: string) => string) {
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
export function batchLocks(client: () => Promise<RedisClient>, keyOf: (jobId: string) => string) {
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
