// The consumer side: a thin BullMQ adapter over `ingestDocument`. Verification failures complete the
// job (they are results); infrastructure faults throw so BullMQ retries with backoff; a job whose data
// is unusable can never succeed and is failed at once. Once the graph holds the document, the job's copy
// is dropped (the job keeps its id, the digest): Redis holds a document only while it waits or fails.
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { findAttestation } from '../graph/index.ts';
import { batchStore, type DocumentOutcome } from './batch.ts';
import { ingestDocument, type PipelineDeps } from './pipeline.ts';
import { JOB_NAME, jobDataSchema, redisTarget, type JobData } from './queue.ts';
import { connectRedis } from './redis.ts';

export interface WorkerOptions {
  readonly redisUrl: string;
  /** seed nodes of a Redis Cluster; see QueueOptions. */
  readonly clusterNodes?: readonly string[];
  /** BullMQ key prefix; see QueueOptions. */
  readonly prefix?: string;
  readonly queueName: string;
  readonly concurrency: number;
  /**
   * BullMQ lockDuration in ms (default 30 000): a running job's lock, renewed every half of it. Stalled jobs
   * (their worker died) are looked for at the same interval, so a killed worker's jobs run again within
   * about two of these periods.
   */
  readonly lockMs?: number;
  /** called after each job with its outcome, for metrics and logs. */
  readonly onResult?: (event: WorkerEvent) => void;
  /** called with Redis connection errors of the worker (BullMQ reconnects by itself), for the log. */
  readonly onError?: (error: Error) => void;
}

export type WorkerEvent =
  | { readonly kind: 'verified' | 'rejected'; readonly id: string; readonly code: string | null }
  | { readonly kind: 'error'; readonly id: string; readonly message: string; readonly willRetry: boolean };

export interface IngestWorker {
  /** Stops taking jobs and waits for the running ones to finish. */
  close(): Promise<void>;
}

export interface JobResult {
  readonly status: 'verified' | 'rejected';
  readonly code: string | null;
}

export function startIngestWorker(options: WorkerOptions, deps: PipelineDeps): IngestWorker {
  // Workers must keep retrying Redis commands forever (BullMQ requirement): a Redis restart
  // then pauses the worker instead of killing it.
  const target = redisTarget(options);
  const connection = connectRedis(target, { offlineQueue: true, maxRetriesPerRequest: null });
  // Batch records on a connection of their own (the worker's is shared with BullMQ's job handling).
  const batchConnection = connectRedis(target, { offlineQueue: true, maxRetriesPerRequest: null });
  const batches = batchStore(async () => batchConnection, { key: (name) => worker.toKey(name) });
  const documentId = (job: Job): string => (job.id ?? '').replace('-', ':');
  const finish = async (job: Job, outcome: JobResult, message: string | null = null): Promise<JobResult> => {
    await batches.finish(documentId(job), { state: outcome.status, code: outcome.code, message });
    return outcome;
  };
  const worker = new Worker<unknown, JobResult>(
    options.queueName,
    async (job) => {
      if (job.name !== JOB_NAME) throw new UnrecoverableError(`unknown job name ${job.name}`);
      const data = jobDataSchema.safeParse(job.data);
      if (!data.success) throw new UnrecoverableError(`job data is not an attestation submission: ${data.error.message}`);
      if ('stored' in data.data) {
        const { outcome, reason } = await recorded(job, deps);
        return finish(job, outcome, reason);
      }
      const { document, ...meta } = data.data;
      const { result } = await ingestDocument(Buffer.from(document, 'base64'), meta, deps);
      const outcome: JobResult =
        result.status === 'verified' ? { status: 'verified', code: null } : { status: 'rejected', code: result.code };
      // Stored durably now: the job keeps only what it needs to be found and listed.
      await job.updateData({ stored: true, ...meta } satisfies JobData);
      options.onResult?.({ kind: outcome.status, id: `sha256:${result.documentDigest}`, code: outcome.code });
      return finish(job, outcome, result.status === 'rejected' ? result.message : null);
    },
    {
      connection,
      ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
      concurrency: options.concurrency,
      // A worker killed mid-job leaves it "stalled"; allow several such restarts before giving up on the job.
      maxStalledCount: 10,
      lockDuration: options.lockMs ?? 30_000,
      stalledInterval: options.lockMs ?? 30_000,
    },
  );
  worker.on('failed', (job, error) => {
    if (!job) return;
    const willRetry = !(error instanceof UnrecoverableError) && job.attemptsMade < (job.opts.attempts ?? 1);
    options.onResult?.({ kind: 'error', id: job.id ?? '', message: error.message, willRetry });
    if (!willRetry) {
      const outcome: DocumentOutcome = { state: 'failed', code: null, message: error.message };
      batches.finish(documentId(job), outcome).catch((recordError: unknown) => {
        options.onError?.(recordError instanceof Error ? recordError : new Error(String(recordError)));
      });
    }
  });
  worker.on('error', (error) => {
    // Connection-level errors: BullMQ reconnects by itself; per-job errors are reported above.
    options.onError?.(error);
  });
  return {
    async close() {
      await worker.close();
      connection.disconnect();
      batchConnection.disconnect();
    },
  };
}

/**
 * A job whose document was already stored (its worker stopped after dropping the copy, before the job completed):
 * the verdict is the one the graph holds.
 */
async function recorded(job: Job, deps: PipelineDeps): Promise<{ outcome: JobResult; reason: string | null }> {
  const id = (job.id ?? '').replace('-', ':');
  const attestation = await findAttestation(deps.graph, id);
  if (!attestation)
    throw new UnrecoverableError(`the queue no longer holds ${id} and the graph has no record of it: submit it again`);
  return attestation.status === 'verified'
    ? { outcome: { status: 'verified', code: null }, reason: null }
    : { outcome: { status: 'rejected', code: attestation.reasonCode ?? null }, reason: attestation.reason };
}
