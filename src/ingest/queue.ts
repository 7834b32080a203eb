// The producer side of the ingest queue (BullMQ on Redis). The job id is derived from the document
// digest, so a document submitted twice while the first is still known to the queue is one job.
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { IngestError } from './errors.ts';
import { jobIdFor, submissionId, type SubmissionMeta } from './submission.ts';

export const JOB_NAME = 'attestation';

/** What a job carries. The document travels base64-encoded so its bytes (and digest) survive exactly. */
export const jobDataSchema = z.object({
  document: z.string().min(1),
  origin: z.string(),
  collector: z.string(),
  receivedAt: z.string(),
});
export type JobData = z.infer<typeof jobDataSchema>;

export interface QueueOptions {
  readonly redisUrl: string;
  readonly queueName: string;
  readonly attempts: number;
  /** first retry delay in ms, doubled for each later retry (default 1000). */
  readonly backoffMs?: number;
}

export interface Submitted {
  readonly id: string;
  /** false when a job with this id already existed (the same document is already queued or done). */
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
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function createIngestQueue(options: QueueOptions): IngestQueue {
  // The producer fails fast when Redis is down (no offline queue) so an HTTP client gets 503 now,
  // rather than a request that hangs until Redis returns.
  const connection = new Redis(options.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  connection.on('error', () => {
    // Connection errors surface on the commands that fail; without a listener ioredis would print each retry.
  });
  const queue = new Queue<JobData>(options.queueName, {
    connection,
    defaultJobOptions: {
      attempts: options.attempts,
      backoff: { type: 'exponential', delay: options.backoffMs ?? 1000 },
      // Finished jobs stay inspectable for a while (each holds its document, so not too long: Redis
      // runs with noeviction); the graph is the durable record of every verdict.
      removeOnComplete: { age: 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  });

  return {
    async submit(document, meta) {
      if (document.byteLength === 0) throw new IngestError('EMPTY_DOCUMENT', 'the document is empty');
      const id = submissionId(document);
      const jobId = jobIdFor(id);
      try {
        const existing = await queue.getJob(jobId);
        if (existing) {
          const state = await existing.getState();
          // Still waiting or running: the same document is the same submission.
          if (state !== 'completed' && state !== 'failed') return { id, created: false };
          // Finished: a resubmission asks for a fresh verdict under the trust policy in force now
          // (a key may have been added or revoked). The write is idempotent, so nothing else changes.
          await existing.remove();
        }
        const data: JobData = { document: Buffer.from(document).toString('base64'), ...meta };
        await queue.add(JOB_NAME, data, { jobId });
        return { id, created: existing === undefined };
      } catch (error) {
        throw new IngestError('QUEUE_UNAVAILABLE', `could not enqueue ${id}: ${errorMessage(error)}`, { cause: error });
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
