// The producer side of the ingest queue (BullMQ on Redis). The job id is derived from the document digest, so a
// document submitted twice while the first is still known to the queue is one job. What Redis holds is bounded
// (docs/OPERATIONS.md): a job carries its document only until the worker has stored it in the graph (worker.ts
// strips it then), finished jobs are kept for a bounded time and number, and new documents are refused with
// QUEUE_FULL while Redis is near its memory limit, before Redis itself would refuse every write.
import { Queue } from 'bullmq';
import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import { batchStore, type BatchProgress } from './batch.ts';
import { IngestError } from './errors.ts';
import { batchLocks, isOutOfMemory, memoryGauge, mib, submitLocks, type QueueMemory } from './queue-guards.ts';
import { connectRedis, pingAll, type RedisClient } from './redis.ts';
import { jobIdFor, submissionId, type SubmissionMeta } from './submission.ts';

export type { QueueMemory } from './queue-guards.ts';

export const JOB_NAME = 'attestation';
/** Jobs added to Redis per round trip when a batch is queued. */
const ADD_CHUNK = 500;

const meta = { origin: z.string(), collector: z.string(), receivedAt: z.string() };
/**
 * What a job carries: the document, base64-encoded so its bytes (and digest) survive exactly, until it is stored in
 * the graph; after that only the submission's metadata and `stored: true` (the job id names the document).
 */
export const jobDataSchema = z.union([
  z.object({ document: z.string().min(1), ...meta }),
  z.object({ stored: z.literal(true), ...meta }),
]);
export type JobData = z.infer<typeof jobDataSchema>;

/** How long and how many finished jobs stay inspectable (the graph is the durable record of every verdict). */
export const RETENTION = {
  completed: { age: 3600, count: 10_000 },
  failed: { age: 7 * 24 * 3600, count: 1000 },
} as const;

export interface QueueOptions {
  readonly redisUrl: string;
  /** seed nodes of a Redis Cluster (`host:port`); when given, `redisUrl` is not used. */
  readonly clusterNodes?: readonly string[];
  /** BullMQ key prefix (default `bull`); on a cluster it must carry a hash tag such as `{mpg}` (src/ingest/redis.ts). */
  readonly prefix?: string;
  readonly queueName: string;
  readonly attempts: number;
  /** first retry delay in ms, doubled for each later retry (default 1000). */
  readonly backoffMs?: number;
  /**
   * Share of Redis `maxmemory` at which new documents are refused with QUEUE_FULL (default 0.8), counting what the
   * document would add; the rest is headroom for the jobs already queued to finish. Without a `maxmemory` nothing is
   * refused.
   */
  readonly memoryHighWater?: number;
  /** Share of Redis `maxmemory` below which refused documents are taken again (default 0.7, at most memoryHighWater). */
  readonly memoryLowWater?: number;
  /** called with Redis connection errors of the queue (BullMQ reconnects by itself), for the log. */
  readonly onError?: (error: Error) => void;
}

export interface Submitted {
  readonly id: string;
  /**
   * true for exactly one submission of a document the queue does not know; false when a job for it already existed
   * (queued, running or finished within the retention time), however many arrive at once.
   */
  readonly created: boolean;
}

/** One document of a batch: its exact bytes and where it came from. */
export interface BatchDocument {
  readonly document: Uint8Array;
  readonly origin: string;
}

export interface SubmittedBatch {
  readonly id: string;
  /** distinct documents taken (a document given twice in the batch counts once). */
  readonly total: number;
  /** documents given more than once in the batch, beyond the first. */
  readonly duplicates: number;
  /** documents the queue did not know (no job queued, running or finished within the retention time). */
  readonly created: number;
}

export type JobState = 'queued' | 'processing' | 'completed' | 'failed';

export interface JobStatus {
  readonly state: JobState;
  readonly attemptsMade: number;
  readonly failedReason: string | null;
}

/** A job that gave up after repeated infrastructure faults (or had unusable data). */
export interface FailedJob {
  readonly id: string;
  readonly failedReason: string;
  readonly attemptsMade: number;
  readonly failedAt: string | null;
  readonly origin: string | null;
}

export interface IngestQueue {
  /** Failed jobs, newest first, for inspection. */
  listFailed(limit: number): Promise<FailedJob[]>;
  /** Moves every job failed now back to waiting with a fresh set of attempts; returns how many it moved. */
  replayFailed(): Promise<number>;
  submit(document: Uint8Array, meta: SubmissionMeta): Promise<Submitted>;
  /** Queues many documents as one batch whose progress is one read (docs/INGEST.md). */
  submitBatch(documents: readonly BatchDocument[], meta: Omit<SubmissionMeta, 'origin'>): Promise<SubmittedBatch>;
  /** Counts by state and by rejection code, and the rejected and failed documents from `offset` (at most `limit`). */
  batchProgress(id: string, offset: number, limit: number): Promise<BatchProgress | null>;
  jobStatus(id: string): Promise<JobStatus | null>;
  /** Jobs waiting, running or delayed for retry: the backlog a metrics endpoint reports. */
  depth(): Promise<number>;
  /** Redis memory use and whether new documents are refused because of it. */
  memory(): Promise<QueueMemory>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function createIngestQueue(options: QueueOptions): IngestQueue {
  // The producer fails fast when Redis is down (no offline queue) so an HTTP client gets 503 now,
  // rather than a request that hangs until Redis returns.
  const connection = connectRedis(redisTarget(options), { offlineQueue: false, maxRetriesPerRequest: 1 });
  const queue = new Queue<JobData>(options.queueName, {
    connection,
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    defaultJobOptions: {
      attempts: options.attempts,
      backoff: { type: 'exponential', delay: options.backoffMs ?? 1000 },
      removeOnComplete: RETENTION.completed,
      removeOnFail: RETENTION.failed,
    },
  });
  // Without a listener, BullMQ's Queue prints every Redis error as a multi-line stack on stderr.
  queue.on('error', (error) => options.onError?.(error));
  // The queue's connection once it is ready (without an offline queue, commands before then would fail at once).
  const client = async (): Promise<RedisClient> => {
    await queue.waitUntilReady();
    return connection;
  };
  const memory = memoryGauge(client, {
    highWater: options.memoryHighWater ?? 0.8,
    lowWater: options.memoryLowWater ?? 0.7,
  });
  const lockKey = (jobId: string): string => queue.toKey(`submitting:${jobId}`);
  const locks = submitLocks(client, lockKey);
  const manyLocks = batchLocks(client, lockKey);
  const batches = batchStore(client, { key: (name) => queue.toKey(name) });
  const queueFull = (room: QueueMemory): IngestError =>
    new IngestError(
      'QUEUE_FULL',
      `the ingest queue is near its memory limit (Redis uses ${mib(room.usedBytes)} of ${mib(room.maxBytes ?? 0)}); try again once the backlog has drained`,
    );

  // Redis past its limit refuses every write, the locks' included: full, not unreachable.
  const outOfMemory = (what: string, cause: unknown): IngestError => {
    memory.exhausted();
    return new IngestError('QUEUE_FULL', `Redis refused ${what} for lack of memory; try again once the backlog has drained`, {
      cause,
    });
  };
  const removeFinished = (jobId: string): Promise<boolean> =>
    queue.remove(jobId).then(
      () => true,
      () => false,
    );

  return {
    async submit(document, meta) {
      if (document.byteLength === 0) throw new IngestError('EMPTY_DOCUMENT', 'the document is empty');
      const id = submissionId(document);
      const jobId = jobIdFor(id);
      try {
        // One submission of a document at a time: the look-up and the add below are then one step, so of many
        // concurrent submissions of a new document exactly one finds no job and creates it.
        // A submission waiting for the lock whose document is queued or running meanwhile has its answer.
        const pending = async (): Promise<Submitted | null> => {
          const state = await (await queue.getJob(jobId))?.getState();
          return state !== undefined && state !== 'completed' && state !== 'failed' ? { id, created: false } : null;
        };
        return await locks.hold(jobId, pending, async () => {
          const existing = await queue.getJob(jobId);
          if (existing) {
            const state = await existing.getState();
            // Still waiting or running: the same document is the same submission.
            if (state !== 'completed' && state !== 'failed') return { id, created: false };
          }
          const room = await memory.admit(document.byteLength);
          if (room.full) throw queueFull(room);
          // Finished: a resubmission asks for a fresh verdict under the trust policy in force now (a key may have
          // been added or revoked). The write is idempotent, so nothing else changes.
          if (existing) await existing.remove();
          const data: JobData = { document: Buffer.from(document).toString('base64'), ...meta };
          await queue.add(JOB_NAME, data, { jobId });
          memory.added(document.byteLength);
          return { id, created: existing === undefined };
        });
      } catch (error) {
        if (error instanceof IngestError) throw error;
        if (isOutOfMemory(error)) throw outOfMemory(id, error);
        throw new IngestError('QUEUE_UNAVAILABLE', `could not enqueue ${id}: ${errorMessage(error)}`, { cause: error });
      }
    },
    async submitBatch(documents, meta) {
      const byId = new Map<string, BatchDocument>();
      for (const doc of documents) {
        if (doc.document.byteLength === 0) throw new IngestError('EMPTY_DOCUMENT', `the document from ${doc.origin} is empty`);
        const id = submissionId(doc.document);
        if (!byId.has(id)) byId.set(id, doc);
      }
      const id = randomUUID();
      const bytes = [...byId.values()].reduce((sum, doc) => sum + doc.document.byteLength, 0);
      try {
        const room = await memory.admit(bytes);
        if (room.full) throw queueFull(room);
        const ids = [...byId.keys()];
        // Watching first, then queuing: see batch.ts for why no verdict can then be missed.
        await batches.open(id, new Map(ids.map((doc) => [doc, byId.get(doc)?.origin ?? ''])));
        // Under the per-document submission locks (shared with single submissions), so that of concurrent
        // submissions of a new document exactly one counts it as created and queues it.
        const created = await manyLocks.holdAll(ids.map(jobIdFor), async (held) => {
          const mine = ids.filter((doc) => held.has(jobIdFor(doc)));
          const redis = await client();
          const states = await redis
            .pipeline(mine.map((doc) => ['hmget', queue.toKey(jobIdFor(doc)), 'timestamp', 'finishedOn']))
            .exec();
          const fresh: string[] = [];
          let createdHere = 0;
          for (const [index, doc] of mine.entries()) {
            const [timestamp, finishedOn] = (states?.[index]?.[1] ?? []) as (string | null | undefined)[];
            if (timestamp == null) createdHere++;
            // Queued or running: watched, not queued again.
            else if (finishedOn == null) continue;
            // Finished: a fresh verdict under the policy in force now. Not removable when it is running again already
            // (queued by a submission since): the batch watches that run instead.
            else if (!(await removeFinished(jobIdFor(doc)))) continue;
            fresh.push(doc);
          }
          await batches.clearResults(fresh);
          for (let start = 0; start < fresh.length; start += ADD_CHUNK) {
            await queue.addBulk(
              fresh.slice(start, start + ADD_CHUNK).map((doc) => {
                const { document, origin } = byId.get(doc) as BatchDocument;
                const data: JobData = { document: Buffer.from(document).toString('base64'), origin, ...meta };
                return { name: JOB_NAME, data, opts: { jobId: jobIdFor(doc) } };
              }),
            );
          }
          return createdHere;
        });
        memory.added(bytes);
        await batches.collect(id, ids);
        return { id, total: ids.length, duplicates: documents.length - ids.length, created };
      } catch (error) {
        if (error instanceof IngestError) throw error;
        if (isOutOfMemory(error)) throw outOfMemory('the batch', error);
        throw new IngestError('QUEUE_UNAVAILABLE', `could not enqueue the batch: ${errorMessage(error)}`, { cause: error });
      }
    },
    async batchProgress(id, offset, limit) {
      try {
        return await batches.progress(id, offset, limit);
      } catch (error) {
        throw new IngestError('QUEUE_UNAVAILABLE', `could not read batch ${id}: ${errorMessage(error)}`, { cause: error });
      }
    },
    async memory() {
      try {
        return await memory.read(true);
      } catch (error) {
        throw new IngestError('QUEUE_UNAVAILABLE', `could not read Redis memory: ${errorMessage(error)}`, { cause: error });
      }
    },
    async jobStatus(id) {
      try {
        const job = await queue.getJob(jobIdFor(id));
        if (!job) return null;
        const state = await job.getState();
        return {
          state: toJobState(state),
          attemptsMade: job.attemptsMade,
          failedReason: job.failedReason ?? null,
        };
      } catch (error) {
        throw new IngestError('QUEUE_UNAVAILABLE', `could not read job ${id}: ${errorMessage(error)}`, { cause: error });
      }
    },
    async listFailed(limit) {
      try {
        const jobs = await queue.getFailed(0, Math.max(0, limit - 1));
        return jobs.map((job) => {
          const data = jobDataSchema.safeParse(job.data);
          return {
            id: (job.id ?? '').replace('-', ':'),
            failedReason: job.failedReason ?? '',
            attemptsMade: job.attemptsMade,
            failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
            origin: data.success ? data.data.origin : null,
          };
        });
      } catch (error) {
        throw new IngestError('QUEUE_UNAVAILABLE', `could not list failed jobs: ${errorMessage(error)}`, { cause: error });
      }
    },
    async replayFailed() {
      try {
        // The jobs failed now, by id (not their documents), then each moved by itself: the count is of jobs really
        // moved, and a replayed job that fails again while this runs is not picked up a second time. Each gets a
        // fresh set of attempts (BullMQ's bulk retry keeps the spent ones, so a replayed job would fail at its next
        // fault); the write is idempotent, so a replay never duplicates.
        const ids = await queue.getRanges(['failed'], 0, -1, true);
        let replayed = 0;
        for (const id of ids) {
          const job = await queue.getJob(id);
          if (!job) continue;
          try {
            await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
            replayed++;
          } catch {
            // Refused because the job left the failed set meanwhile (resubmitted, removed, replayed by another call):
            // not moved by this call. Unless Redis itself is gone, which the ping reports.
            await connection.ping();
          }
        }
        return replayed;
      } catch (error) {
        throw new IngestError('QUEUE_UNAVAILABLE', `could not replay failed jobs: ${errorMessage(error)}`, { cause: error });
      }
    },
    async depth() {
      try {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        return Object.values(counts).reduce((sum, n) => sum + n, 0);
      } catch (error) {
        throw new IngestError('QUEUE_UNAVAILABLE', `could not count jobs: ${errorMessage(error)}`, { cause: error });
      }
    },
    async ping() {
      try {
        await pingAll(connection);
      } catch (error) {
        throw new IngestError('QUEUE_UNAVAILABLE', `redis ping: ${errorMessage(error)}`, { cause: error });
      }
    },
    async close() {
      await queue.close();
      connection.disconnect();
    },
  };
}

/** Where the queue's Redis is, from the options of the queue or the worker. */
export function redisTarget(options: { readonly redisUrl: string; readonly clusterNodes?: readonly string[] | undefined }) {
  return options.clusterNodes && options.clusterNodes.length > 0
    ? { clusterNodes: options.clusterNodes }
    : { url: options.redisUrl };
}

function toJobState(state: string): JobState {
  switch (state) {
    case 'active':
      return 'processing';
    case 'completed':
      return 'completed';
    case 'failed':
      return 'failed';
    default:
      // waiting, delayed (backing off before a retry), prioritized, waiting-children, unknown
      return 'queued';
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
