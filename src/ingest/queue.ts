// The producer side of the ingest queue (BullMQ on Redis). The job id is derived from the document digest, so a
// document submitted twice while the first is still known to the queue is one job. What Redis holds is bounded
// (docs/OPERATIONS.md): a job carries its document only until the worker has stored it in the graph (worker.ts
// strips it then), finished jobs are kept for a bounded time and number, and new documents are refused with
// QUEUE_FULL while Redis is near its memory limit, before Redis itself would refuse every write.
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { IngestError } from './errors.ts';
import { isOutOfMemory, memoryGauge, mib, submitLocks, type QueueMemory } from './queue-guards.ts';
import { jobIdFor, submissionId, type SubmissionMeta } from './submission.ts';

export type { QueueMemory } from './queue-guards.ts';

export const JOB_NAME = 'attestation';

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
  const connection = new Redis(options.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  connection.on('error', () => {
    // Connection errors surface on the commands that fail, and once through the queue's listener below.
  });
  const queue = new Queue<JobData>(options.queueName, {
    connection,
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
  const client = async (): Promise<Redis> => {
    await queue.waitUntilReady();
    return connection;
  };
  const memory = memoryGauge(client, {
    highWater: options.memoryHighWater ?? 0.8,
    lowWater: options.memoryLowWater ?? 0.7,
  });
  const locks = submitLocks(client, (jobId) => queue.toKey(`submitting:${jobId}`));

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
          if (room.full) {
            throw new IngestError(
              'QUEUE_FULL',
              `the ingest queue is near its memory limit (Redis uses ${mib(room.usedBytes)} of ${mib(room.maxBytes ?? 0)}); try again once the backlog has drained`,
            );
          }
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
        // Redis past its limit refuses every write, the lock's included: full, not unreachable.
        if (isOutOfMemory(error)) {
          memory.exhausted();
          throw new IngestError('QUEUE_FULL', `Redis refused ${id} for lack of memory; try again once the backlog has drained`, {
            cause: error,
          });
        }
        throw new IngestError('QUEUE_UNAVAILABLE', `could not enqueue ${id}: ${errorMessage(error)}`, { cause: error });
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
        await connection.ping();
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
