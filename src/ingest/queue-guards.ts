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
export function memoryGauge(client: () => Promise<Redis>, marks: MemoryMarks) {
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
      const info = await (await client()).info('memory');
      const field = (name: string): number => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? 0);
      const max = field('maxmemory');
      last = { at: Date.now(), usedBytes: field('used_memory'), maxBytes: max > 0 ? max : null };
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

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}
